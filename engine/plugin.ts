/**
 * Starting a plugin process the way the CLI does: run it, read the port it prints as its first line of stdout,
 * keep what it writes to stderr for the user, and kill it when the operation ends.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** A running plugin: its gRPC address, what it wrote to stderr, and how to stop it. */
export interface PluginProcess {
    readonly address: string;
    readonly stderr: () => string;
    stop(): Promise<void>;
}

/** Options for {@link startPlugin}. */
export interface PluginSpec {
    /** What the user is told the plugin is, e.g. `pulumi-nodejs (dynamic provider)`. */
    readonly name: string;
    /** The executable. @default this node */
    readonly command?: string;
    readonly args: readonly string[];
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** How long the plugin may take to print its port. @default 60000 */
    readonly startTimeoutMs?: number;
}

/** Starts `<command> <args>` and resolves once it has printed its port. */
export function startPlugin(spec: PluginSpec): Promise<PluginProcess> {
    const child: ChildProcess = spawn(spec.command ?? process.execPath, [...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
    };
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            void stop();
            reject(new Error(`${spec.name} did not start within ${spec.startTimeoutMs ?? 60000} ms.\n${stderr}`));
        }, spec.startTimeoutMs ?? 60000);
        const onData = (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = stdout.split("\n")[0].trim();
            if (stdout.includes("\n") && /^\d+$/.test(line)) {
                clearTimeout(timer);
                child.stdout!.off("data", onData);
                // Later output is the plugin's own chatter: keep it with stderr for the user.
                child.stdout!.on("data", (more: Buffer) => (stderr += more.toString()));
                resolve({ address: `127.0.0.1:${line}`, stderr: () => stderr, stop });
            }
        };
        child.stdout!.on("data", onData);
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`${spec.name} exited (code ${code}) before printing its port.\n${stdout}${stderr}`));
        });
    });
}

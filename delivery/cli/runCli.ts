/**
 * Runs one Pulumi CLI operation in the foreground and waits for it, whatever signals arrive meanwhile.
 *
 * Why not the Automation API's `Stack.up`/`preview`/`refresh`: they always add `--yes --skip-preview` and
 * `--non-interactive` (a person at a terminal would lose the CLI's confirmation and its refresh prompts), and an
 * AbortSignal reaches the CLI as one SIGINT only, so a second Ctrl-C (the CLI's "terminate now") or a TERM can
 * never follow. Here:
 *
 * - each SIGINT and SIGTERM the wrapper receives is passed to the CLI once, and the wrapper keeps waiting: the CLI
 *   cancels the operation, writes the state and releases the stack lock before the wrapper exits with its code;
 * - at a terminal, Ctrl-C already reaches the CLI (the terminal signals the whole foreground process group), so a
 *   SIGINT is not passed on a second time, which the CLI would take as "terminate immediately".
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { dirname, delimiter } from "node:path";

/** How one CLI run ended. */
export interface CliRun {
    /** The CLI's exit code, or 128 + the signal's number when a signal ended it. */
    readonly code: number;
    /** What it printed on stdout and stderr, interleaved; only when `capture` was set. */
    readonly output: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /**
     * Also keep the output (it is still printed as it comes).
     * @default false
     */
    readonly capture?: boolean;
    /**
     * Whether Ctrl-C at a terminal reaches the CLI by itself.
     * @default process.stdin.isTTY
     */
    readonly terminal?: boolean;
}

const FORWARDED = ["SIGINT", "SIGTERM"] as const;

/** Runs `bin args` with the CLI's own folder first on PATH (its language hosts and bundled plugins live there). */
export function runCli(bin: string, args: readonly string[], opts: RunCliOptions): Promise<CliRun> {
    const terminal = opts.terminal ?? Boolean(process.stdin.isTTY);
    const env = { ...opts.env, PATH: dirname(bin) + delimiter + (opts.env.PATH ?? "") };
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { cwd: opts.cwd, env, stdio: opts.capture ? ["inherit", "pipe", "pipe"] : "inherit" });
        let output = "";
        if (opts.capture) {
            child.stdout!.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                process.stdout.write(chunk);
            });
            child.stderr!.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                process.stderr.write(chunk);
            });
        }
        const handlers = FORWARDED.map((signal) => {
            const handler = () => {
                if (signal === "SIGINT" && terminal) return;
                process.stderr.write(`stack: ${signal} passed to pulumi; waiting for it to finish (send it again to make pulumi stop at once)\n`);
                child.kill(signal);
            };
            process.on(signal, handler);
            return [signal, handler] as const;
        });
        const detach = () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
        child.on("error", (err) => {
            detach();
            reject(err);
        });
        child.on("close", (code, signal) => {
            detach();
            resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), output });
        });
    });
}

/**
 * Runs the Pulumi program the way the CLI's Node language host (`pulumi-language-nodejs`) does: `node [nodeargs]
 * <@pulumi/pulumi/cmd/run> --monitor ... --engine ... --project ... --root-directory ... --stack ... --pwd ...
 * [--dry-run] --parallel N <entry>`, with the stack's config in `PULUMI_CONFIG` (keys `<ns>:config:<name>`), the
 * secret keys in `PULUMI_CONFIG_SECRET_KEYS`, and the compile `runtime.options` in Pulumi.yaml asks for
 * (`typescript` -> `PULUMI_NODEJS_TYPESCRIPT`, `tsconfig` -> `PULUMI_NODEJS_TSCONFIG_PATH`, `nodeargs` split like a
 * shell would). `main` is resolved like the engine's `getPwdMain`.
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, basename, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";

/** A provider plugin Pulumi.yaml points the CLI at (`plugins.providers[]`), instead of an installed or bundled one. */
export interface ProjectPlugin {
    readonly name: string;
    /** The plugin's folder, relative to the project directory as written. */
    readonly path: string;
    /** When set, the plugin serves only requests for this version; unset, any version. */
    readonly version?: string;
}

/** The parts of Pulumi.yaml the language host and the engine read. */
export interface ProjectFile {
    readonly name: string;
    readonly main?: string;
    readonly runtime: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
    readonly providerPlugins: readonly ProjectPlugin[];
}

export function readProjectFile(root: string): ProjectFile {
    const doc = parseYaml(readFileSync(join(root, "Pulumi.yaml"), "utf8")) ?? {};
    const runtime = typeof doc.runtime === "string" ? { name: doc.runtime, options: {} } : { name: doc.runtime?.name, options: doc.runtime?.options ?? {} };
    if (runtime.name !== "nodejs") throw new Error(`Pulumi.yaml: runtime ${JSON.stringify(runtime.name)} is not nodejs; the offline engine runs Node programs only`);
    return { name: String(doc.name), main: doc.main, runtime, providerPlugins: providerPluginsOf(doc.plugins) };
}

/** `plugins.providers` as the CLI's project schema allows it: a list of `{name, path, version?}`, nothing else. */
function providerPluginsOf(plugins: unknown): ProjectPlugin[] {
    if (plugins === undefined || plugins === null) return [];
    const providers = (plugins as { providers?: unknown }).providers;
    if (providers === undefined) return [];
    if (!Array.isArray(providers)) throw new Error("Pulumi.yaml: plugins.providers must be a list of {name, path, version?}");
    return providers.map((entry: unknown, i) => {
        const at = `Pulumi.yaml: plugins.providers[${i}]`;
        if (typeof entry !== "object" || entry === null) throw new Error(`${at} must be an object {name, path, version?}`);
        const { name, path, version, ...rest } = entry as Record<string, unknown>;
        const extra = Object.keys(rest);
        if (extra.length > 0) throw new Error(`${at}: unknown key ${extra.map((k) => JSON.stringify(k)).join(", ")} (allowed: name, path, version)`);
        if (typeof name !== "string" || name === "") throw new Error(`${at}: name must be a non-empty string`);
        if (typeof path !== "string" || path === "") throw new Error(`${at} (${name}): path must be the plugin's folder, relative to the project`);
        if (version !== undefined && typeof version !== "string") throw new Error(`${at} (${name}): version must be a string`);
        return { name, path, ...(version === undefined ? {} : { version }) };
    });
}

/** Splits `nodeargs` like the language host's shlex: whitespace-separated, with single and double quotes. */
export function splitArgs(text: string): string[] {
    const args: string[] = [];
    const pattern = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
    for (const match of text.matchAll(pattern)) args.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? match[3]));
    return args;
}

/** The working directory and entry point, as the engine derives them from `main`. */
export function pwdMain(root: string, main: string | undefined): { pwd: string; entry: string } {
    if (!main) return { pwd: root, entry: "." };
    const path = isAbsolute(main) ? main : join(root, main);
    return statSync(path).isDirectory() ? { pwd: path, entry: "." } : { pwd: dirname(path), entry: basename(path) };
}

/** The stack's configuration as the engine hands it to the language host. */
export interface ProgramConfig {
    /** Full keys (`<namespace>:<name>`) to string values (objects JSON-encoded). */
    readonly values: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

export interface ProgramRun {
    readonly root: string;
    readonly project: ProjectFile;
    readonly stack: string;
    readonly monitorAddress: string;
    readonly engineAddress: string;
    readonly dryRun: boolean;
    readonly config: ProgramConfig;
    /** Extra environment for the program (on top of this process's). */
    readonly env: NodeJS.ProcessEnv;
    /** @default 48, the CLI's default */
    readonly parallel?: number;
}

export interface ProgramExit {
    readonly code: number;
    /** Wall time from start to exit. */
    readonly durationMs: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** The command line and environment the language host would use. */
export function programCommand(run: ProgramRun): { args: string[]; env: NodeJS.ProcessEnv; cwd: string } {
    const { pwd, entry } = pwdMain(run.root, run.project.main);
    const options = run.project.runtime.options;
    const typescript = options.typescript === undefined ? true : options.typescript;
    if (typeof typescript !== "boolean") throw new Error("Pulumi.yaml: typescript option must be a boolean");
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] });
    const args = [
        ...splitArgs(typeof options.nodeargs === "string" ? options.nodeargs : ""),
        runPath,
        "--monitor", run.monitorAddress,
        "--engine", run.engineAddress,
        "--project", run.project.name,
        "--root-directory", run.root,
        "--stack", run.stack,
        "--pwd", pwd,
        ...(run.dryRun ? ["--dry-run"] : []),
        "--parallel", String(run.parallel ?? 48),
        entry,
    ];
    const config = Object.fromEntries(Object.entries(run.config.values).map(([key, value]) => {
        const at = key.indexOf(":");
        return [`${key.slice(0, at)}:config:${key.slice(at + 1)}`, value];
    }));
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...run.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.config.secretKeys),
        ...(typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
        ...(typeof options.tsconfig === "string" ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    };
    // node:test marks its children with this; a program that inherited it would report to a test runner.
    delete env.NODE_TEST_CONTEXT;
    return { args, env, cwd: pwd };
}

/** Runs the program to completion. */
export function runProgram(run: ProgramRun): Promise<ProgramExit> {
    const { args, env, cwd } = programCommand(run);
    const started = performance.now();
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("error", reject);
        child.once("exit", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), durationMs: performance.now() - started, stdout, stderr }));
    });
}

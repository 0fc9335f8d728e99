/**
 * A throwaway copy of the repository for running the stack commands (delivery/cli) against a stand-in Pulumi CLI.
 * The stand-in sits where the `pulumi` npm package keeps the pinned release ($PULUMI_HOME/versions/<pin>/bin), and
 * records every call (arguments, working folder, the environment that matters), every signal it receives and when
 * it exits. A decoy `pulumi` first on PATH records that it was called. Nothing reaches a backend.
 * The copy keeps tests from touching the real tree (stack files, policies, .pulumi-state).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TEST_TOKEN } from "../fly/emulator/defaults";
import { ROOT } from "../harness/stack";

/** The release the `pulumi` npm devDependency pins. */
export const PINNED_VERSION = (JSON.parse(readFileSync(join(ROOT, "node_modules", "pulumi", "package.json"), "utf8")) as { version: string }).version;

/** One record of the stand-in CLI (or of the decoy on PATH). */
export interface PulumiCall {
    readonly event: "call" | "started" | "signal" | "exit" | "decoy";
    readonly pid: number;
    readonly args: string[];
    readonly cwd: string;
    readonly backendUrl: string | null;
    /** Whether PULUMI_CONFIG_PASSPHRASE was set at all (possibly empty); never its value. */
    readonly passphraseSet: boolean;
    /** For `signal` records. */
    readonly signal?: string;
}

export interface RunResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** The stand-in's `call` records, `version` calls left out (the module checks the version before anything). */
    readonly calls: PulumiCall[];
    /** Every record, in order. */
    readonly records: PulumiCall[];
}

// Behaviour switches mirror the real CLI's messages and exit codes. `stack init` in a file backend writes a salt
// into a stack file that has none, as the CLI's CreateStack does (pkg/cmd/pulumi/stack/io.go).
const PULUMI_STUB = `#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const args = process.argv.slice(2);
const record = (event, extra = {}) => fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify({
    event, pid: process.pid, args, cwd: process.cwd(),
    backendUrl: process.env.PULUMI_BACKEND_URL ?? null,
    passphraseSet: process.env.PULUMI_CONFIG_PASSPHRASE !== undefined,
    ...extra,
}) + "\\n");
record("call");
const exit = (code) => { record("exit"); process.exit(code); };
const fail = (message, code = 255) => { process.stderr.write(message + "\\n"); exit(code); };
const [a, b] = args;
const stackArg = () => { const i = args.indexOf("--stack"); return i >= 0 ? args[i + 1] : args.find((x, j) => j > 1 && !x.startsWith("-")); };
const backend = process.env.PULUMI_BACKEND_URL || "";
const marker = (stack) => path.join(backend.slice("file://".length), ".fake-stacks", stack);
if (a === "version") { process.stdout.write("v" + (process.env.FAKE_REPORTED_VERSION || path.basename(path.dirname(path.dirname(__filename)))) + "\\n"); exit(0); }
if (a === "stack" && b === "select") {
    const stack = stackArg();
    if (process.env.FAKE_NO_STACK || (backend.startsWith("file://") && !fs.existsSync(marker(stack)))) fail("error: no stack named '" + stack + "' found");
}
if (a === "stack" && b === "init") {
    const stack = stackArg();
    if (backend.startsWith("file://")) {
        fs.mkdirSync(path.dirname(marker(stack)), { recursive: true });
        fs.writeFileSync(marker(stack), "");
        const file = "Pulumi." + stack + ".yaml";
        const text = fs.readFileSync(file, "utf8");
        if (!/^encryptionsalt:/m.test(text)) fs.writeFileSync(file, "encryptionsalt: v1:c3R1Yg==:v1:c3R1Yg==:c3R1Yg==\\n" + text);
    }
    process.stdout.write("Created stack '" + stack + "'\\n");
    exit(0);
}
// Outputs come from the file FAKE_OUTPUTS names; an up replaces them with FAKE_OUTPUTS_AFTER_UP's, as an up records a release.
if (a === "stack" && b === "output") { process.stdout.write(process.env.FAKE_OUTPUTS ? fs.readFileSync(process.env.FAKE_OUTPUTS, "utf8") : "{}"); exit(0); }
if (a === "up" && process.env.FAKE_OUTPUTS_AFTER_UP) fs.copyFileSync(process.env.FAKE_OUTPUTS_AFTER_UP, process.env.FAKE_OUTPUTS);
// The real CLI rewrites the stack file when it sets config; the stand-in marks it, so a test sees the file restored.
if (a === "config" && (b === "set" || b === "rm")) {
    const file = "Pulumi." + stackArg() + ".yaml";
    if (fs.existsSync(file)) fs.appendFileSync(file, "# pulumi config " + b + " " + args[b === "set" ? 3 : 2] + "\\n");
}
if (a === "stack" && b === "ls") { process.stdout.write(process.env.FAKE_STACK_LS || "[]"); exit(0); }
if (a === "config" && process.env.FAKE_DECRYPT_FAIL) fail("error: getting stack configuration: incorrect passphrase");
if (a === "config") { process.stdout.write("{}\\n"); exit(0); }
if (a === process.env.FAKE_DRIFT_IN) {
    process.stdout.write("    ~ pulumi-nodejs:dynamic/fly:MachineGroup api-machines update [diff: ~config]\\n");
    fail(process.env.FAKE_DRIFT_MESSAGE || "error: no changes were expected but changes occurred");
}
if (a === process.env.FAKE_ERROR_IN) fail("error: [401] Unauthorized: No credentials provided or are invalid.");
if (a === process.env.FAKE_HANG_IN) {
    // A long operation: each signal is recorded; the first starts a cancellation that takes FAKE_CANCEL_MS.
    let cancelling = false;
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => {
        record("signal", { signal });
        if (!cancelling) { cancelling = true; setTimeout(() => fail("error: update canceled"), Number(process.env.FAKE_CANCEL_MS || 500)); }
    });
    setInterval(() => {}, 1000);
    record("started");
    return;
}
process.stdout.write("stub pulumi " + a + " ok\\n");
exit(0);
`;

const DECOY_STUB = `#!/usr/bin/env node
require("fs").appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify({ event: "decoy", pid: process.pid, args: process.argv.slice(2), cwd: process.cwd(), backendUrl: null, passphraseSet: false }) + "\\n");
process.stderr.write("decoy pulumi from PATH\\n");
process.exit(1);
`;

const DOCKER_STUB = `#!/usr/bin/env bash
exit "\${FAKE_DOCKER_EXIT:-0}"
`;

/** Values that must never appear in any output. */
export const SENTINELS = {
    PULUMI_ACCESS_TOKEN: "pul-SENTINEL-access-token",
    PULUMI_CONFIG_PASSPHRASE: "SENTINEL-passphrase",
    FLY_API_TOKEN: TEST_TOKEN,
    GITHUB_TOKEN: "ghp_SENTINEL-github-token",
    SENTRY_AUTH_TOKEN: "sntrys_SENTINEL-sentry-token",
} as const;

/** What the stack commands read: their own code, the stack-name rule, the stack and project files, the pack's enforcement files. */
const WANTED = [/^delivery(\/cli(\/.*)?)?$/, /^config(\/stack(Name|File)\.ts)?$/, /^startup(\/plugins(\/.*)?|\/defer\.js)?$/, /^scripts(\/stack\.sh)?$/, /^Pulumi(\.[^/]+)?\.yaml$/, /^package\.json$/, /^policies(\/[^/]+\.json)?$/];

export class FakeRepo {
    readonly root: string;
    readonly bin: string;
    readonly home: string;
    /** Where the stand-in CLI is: the pinned release's place under PULUMI_HOME. */
    readonly cli: string;
    private readonly log: string;

    /**
     * @param full copy the whole program (for the real `npm run plan` preflight); otherwise only what the commands read.
     */
    constructor(full = false) {
        const base = mkdtempSync(join(tmpdir(), "stack-cli-"));
        this.root = join(base, "repo");
        this.bin = join(base, "bin");
        this.home = join(base, "home");
        this.log = join(base, "pulumi-calls.jsonl");
        this.cli = join(this.home, ".pulumi", "versions", PINNED_VERSION, "bin", "pulumi");
        mkdirSync(this.root);
        mkdirSync(this.bin);
        mkdirSync(dirname(this.cli), { recursive: true });
        const skip = new Set(["node_modules", ".git", ".pulumi-state", "policies/node_modules"]);
        cpSync(ROOT, this.root, {
            recursive: true,
            filter: (src) => {
                const rel = src === ROOT ? "" : src.slice(ROOT.length + 1);
                return rel === "" || (!skip.has(rel) && (full || WANTED.some((w) => w.test(rel))));
            },
        });
        symlinkSync(join(ROOT, "node_modules"), join(this.root, "node_modules"));
        // The pack's own dependencies (zxcvbn-ts) are only there; removing the link (a test does) leaves them alone.
        symlinkSync(join(ROOT, "policies", "node_modules"), join(this.root, "policies", "node_modules"));
        for (const [file, text] of [
            [this.cli, PULUMI_STUB],
            [join(this.bin, "pulumi"), DECOY_STUB],
            [join(this.bin, "docker"), DOCKER_STUB],
        ]) {
            writeFileSync(file, text);
            chmodSync(file, 0o755);
        }
    }

    path(rel: string): string {
        return join(this.root, rel);
    }

    /** A clean environment (nothing inherited, so no real credentials): PATH is the decoy and docker stubs, node and the system. */
    env(extra: Record<string, string> = {}): Record<string, string> {
        return {
            PATH: [this.bin, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
            HOME: this.home,
            PULUMI_HOME: join(this.home, ".pulumi"),
            FAKE_PULUMI_LOG: this.log,
            ...extra,
        };
    }

    private argv(args: readonly string[]): string[] {
        return ["--import", "tsx", join(this.root, "delivery", "cli", "main.ts"), ...args];
    }

    /** Runs `node --import tsx delivery/cli/main.ts ...args` to the end, stdin not a terminal. */
    run(args: readonly string[], env: Record<string, string> = {}, cwd = this.root): RunResult {
        rmSync(this.log, { force: true });
        const result = spawnSync(process.execPath, this.argv(args), { cwd, encoding: "utf8", timeout: 60_000, env: this.env(env) });
        return { code: result.status, stdout: result.stdout, stderr: result.stderr, ...this.recorded() };
    }

    /** {@link run} without blocking this process, for tests that serve something the command calls (a health URL). */
    runAsync(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
        const child = this.start(args, env);
        child.stdin?.end();
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr, ...this.recorded() })));
    }

    /** Starts the same in the background, for tests that signal it; read what happened with {@link recorded}. */
    start(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
        rmSync(this.log, { force: true });
        return spawn(process.execPath, this.argv(args), { cwd: this.root, env: this.env(env), stdio: ["pipe", "pipe", "pipe"] });
    }

    /**
     * Starts the same at a terminal: `script` gives it a pseudo-terminal, in a session of its own whose foreground
     * process group is the command and the CLI it starts, so a test can signal that group as Ctrl-C does.
     */
    startAtTerminal(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
        rmSync(this.log, { force: true });
        const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
        const command = [process.execPath, ...this.argv(args)].map(quote).join(" ");
        return spawn("script", ["-qefc", `exec ${command}`, "/dev/null"], { cwd: this.root, env: this.env(env), stdio: ["pipe", "pipe", "pipe"] });
    }

    /** The stand-in's records so far. */
    recorded(): { calls: PulumiCall[]; records: PulumiCall[] } {
        const records = existsSync(this.log)
            ? readFileSync(this.log, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as PulumiCall)
            : [];
        return { records, calls: records.filter((r) => r.event === "call" && r.args[0] !== "version") };
    }

    remove(): void {
        rmSync(dirname(this.root), { recursive: true, force: true });
    }
}

/** Every credential a Fly stack with GitHub and Sentry config needs, with sentinel values. */
export function allCredentials(): Record<string, string> {
    return { ...SENTINELS };
}

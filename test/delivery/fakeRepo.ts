/**
 * A throwaway copy of the repository for running `scripts/stack.sh` with a stub `pulumi` (and `docker`) on PATH.
 * The stubs record every call and can be told to fail the way the real tools do; nothing reaches a backend.
 * The copy keeps tests from touching the real tree (stack files, policies, .pulumi-state).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../harness/stack";

/** One recorded invocation of the stub `pulumi`: its arguments and the environment it saw that matters. */
export interface PulumiCall {
    readonly args: string[];
    readonly backendUrl: string | null;
    /** Whether PULUMI_CONFIG_PASSPHRASE was set at all (possibly empty); never its value. */
    readonly passphraseSet: boolean;
}

export interface RunResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly calls: PulumiCall[];
}

// The stub writes one JSON line per call. Behaviour switches mirror the real CLI's messages and exit codes.
const PULUMI_STUB = `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify({
    args,
    backendUrl: process.env.PULUMI_BACKEND_URL ?? null,
    passphraseSet: process.env.PULUMI_CONFIG_PASSPHRASE !== undefined,
}) + "\\n");
const fail = (message, code = 255) => { process.stderr.write(message + "\\n"); process.exit(code); };
const [a, b] = args;
if (a === "stack" && b === "select" && process.env.FAKE_NO_STACK) fail("error: no stack named '" + args[2] + "' found");
if (a === "config" && process.env.FAKE_DECRYPT_FAIL) fail("error: getting stack configuration: incorrect passphrase");
if (a === process.env.FAKE_DRIFT_IN) {
    process.stdout.write("    ~ pulumi-nodejs:dynamic/fly:MachineGroup api-machines update [diff: ~config]\\n");
    fail(process.env.FAKE_DRIFT_MESSAGE || "error: no changes were expected but changes occurred");
}
if (a === process.env.FAKE_ERROR_IN) fail("error: [401] Unauthorized: No credentials provided or are invalid.");
process.stdout.write("stub pulumi " + a + " ok\\n");
`;

const DOCKER_STUB = `#!/usr/bin/env bash
exit "\${FAKE_DOCKER_EXIT:-0}"
`;

/** Values that must never appear in any output. */
export const SENTINELS = {
    PULUMI_ACCESS_TOKEN: "pul-SENTINEL-access-token",
    PULUMI_CONFIG_PASSPHRASE: "SENTINEL-passphrase",
    FLY_API_TOKEN: "FlyV1 fm2_SENTINEL-fly-token",
    GITHUB_TOKEN: "ghp_SENTINEL-github-token",
    SENTRY_AUTH_TOKEN: "sntrys_SENTINEL-sentry-token",
} as const;

export class FakeRepo {
    readonly root: string;
    readonly bin: string;
    readonly home: string;
    private readonly log: string;

    /**
     * @param full copy the whole program (for the real `npm run plan` preflight); otherwise only what stack.sh reads.
     */
    constructor(full = false) {
        const base = mkdtempSync(join(tmpdir(), "stack-sh-"));
        this.root = join(base, "repo");
        this.bin = join(base, "bin");
        this.home = join(base, "home");
        this.log = join(base, "pulumi-calls.jsonl");
        mkdirSync(this.root);
        mkdirSync(this.bin);
        mkdirSync(this.home);
        const skip = new Set(["node_modules", ".git", ".pulumi-state", "policies/node_modules"]);
        const wanted = (rel: string) =>
            full || rel === "scripts" || rel === "scripts/stack.sh" || /^Pulumi(\.[^/]+)?\.yaml$/.test(rel) || rel === "policies" || /^policies\/[^/]+\.json$/.test(rel);
        cpSync(ROOT, this.root, {
            recursive: true,
            filter: (src) => {
                const rel = src === ROOT ? "" : src.slice(ROOT.length + 1);
                return rel === "" || (!skip.has(rel) && wanted(rel));
            },
        });
        symlinkSync(join(ROOT, "node_modules"), join(this.root, "node_modules"));
        // The pack's own dependencies (zxcvbn-ts) are only there; removing the link (a test does) leaves them alone.
        symlinkSync(join(ROOT, "policies", "node_modules"), join(this.root, "policies", "node_modules"));
        writeFileSync(join(this.bin, "pulumi"), PULUMI_STUB);
        writeFileSync(join(this.bin, "docker"), DOCKER_STUB);
        chmodSync(join(this.bin, "pulumi"), 0o755);
        chmodSync(join(this.bin, "docker"), 0o755);
    }

    path(rel: string): string {
        return join(this.root, rel);
    }

    /**
     * Runs `bash scripts/stack.sh ...args` with a clean environment (nothing inherited, so no real credentials):
     * PATH is the stubs plus node and the system; `env` adds to it.
     */
    run(args: readonly string[], env: Record<string, string> = {}): RunResult {
        rmSync(this.log, { force: true });
        const result = spawnSync("bash", [join(this.root, "scripts", "stack.sh"), ...args], {
            cwd: this.root,
            encoding: "utf8",
            timeout: 60_000,
            env: {
                PATH: [this.bin, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
                HOME: this.home,
                PULUMI_HOME: join(this.home, ".pulumi"),
                FAKE_PULUMI_LOG: this.log,
                ...env,
            },
        });
        const calls = existsSync(this.log)
            ? readFileSync(this.log, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as PulumiCall)
            : [];
        return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls };
    }

    remove(): void {
        rmSync(dirname(this.root), { recursive: true, force: true });
    }
}

/** Every credential a Fly stack with GitHub and Sentry config needs, with sentinel values. */
export function allCredentials(): Record<string, string> {
    return { ...SENTINELS };
}

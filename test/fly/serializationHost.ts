/**
 * Runs `__provider` texts the way Pulumi's dynamic-provider plugin does (node_modules/@pulumi/pulumi/cmd/
 * dynamic-provider): a plain `node` child process (no TypeScript loader) with the project directory as working
 * directory, `require-from-string` on the text, `handler()` once per distinct text, then the provider's methods.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** The repository root: where the CLI starts the plugin for this project. */
export const ROOT = join(__dirname, "..", "..");

/** One provider method called on the provider a text's `handler()` returns. */
export interface HostCall {
    readonly text: string;
    readonly method: string;
    readonly args: readonly unknown[];
}

/** What a call returned (`null` for nothing), or the message it failed with. */
export interface HostResult {
    readonly value?: any;
    readonly error?: string;
}

const execFileAsync = promisify(execFile);
// The plugin's own loader (a dependency of @pulumi/pulumi), resolved from there as the plugin resolves it.
const REQUIRE_FROM_STRING = require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] });

const CHILD = `
const fs = require("node:fs");
const requireFromString = require(${JSON.stringify(REQUIRE_FROM_STRING)});
const calls = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const providers = new Map();
(async () => {
    const results = [];
    for (const call of calls) {
        try {
            if (!providers.has(call.text)) providers.set(call.text, requireFromString(call.text).handler());
            const value = await providers.get(call.text)[call.method](...call.args);
            results.push({ value: value === undefined ? null : value });
        } catch (error) {
            results.push({ error: String(error && error.message) });
        }
    }
    process.stdout.write(JSON.stringify(results));
})();`;

/**
 * Runs `calls` in order in one plugin-like process and returns their results. The child sees only `PATH` and `env`,
 * so a credential reaches the providers only as the plugin's would: from the environment at call time.
 */
export async function runInPluginHost(calls: readonly HostCall[], env: Readonly<Record<string, string>>, cwd = ROOT): Promise<HostResult[]> {
    const dir = mkdtempSync(join(tmpdir(), "fly-plugin-host-"));
    try {
        const file = join(dir, "calls.json");
        writeFileSync(file, JSON.stringify(calls));
        const { stdout } = await execFileAsync(process.execPath, ["-e", CHILD, file], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
        return JSON.parse(stdout) as HostResult[];
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** The value of a call that must have succeeded; fails with the call's error otherwise. */
export function succeeded(result: HostResult, what: string): any {
    if (result.error !== undefined) throw new Error(`${what} failed in the plugin host: ${result.error}`);
    return result.value;
}

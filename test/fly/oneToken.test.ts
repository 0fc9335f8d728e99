/**
 * One fake Fly token: wherever a test or a benchmark hands the program or the providers a Fly token
 * (`FLY_API_TOKEN`, `registryToken`), it is the emulator's `TEST_TOKEN` (test/fly/emulator/defaults.ts), never a
 * literal of its own. Tests that need a token that is not the emulator's (a wrong one that must get 401, a canary
 * made per run) build it where they use it, not under these keys.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");

/**
 * A token literal under a key that carries a Fly token; a workflow expression (`${{ secrets.X }}`) or a shell command
 * substitution (`"$(fly tokens create ...)"`, as a fix line prints it) is no token.
 */
const INVENTED = /\b(FLY_API_TOKEN|registryToken)\s*[:=]\s*(["'`])(?!\$\{\{|\\?\$\\?\()[^"'`]*\2/g;

/** `file:line key` of every token literal under a Fly-token key in `text`. */
export function inventedTokens(file: string, text: string): string[] {
    const found: string[] = [];
    for (const match of text.matchAll(INVENTED)) found.push(`${file}:${text.slice(0, match.index).split("\n").length} ${match[1]}`);
    return found;
}

describe("one fake Fly token", () => {
    it("no test or benchmark gives FLY_API_TOKEN or registryToken a token of its own", () => {
        const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "test", "bench"], { cwd: ROOT, encoding: "utf8" })
            .split("\n")
            .filter((file) => /\.(ts|mjs|js)$/.test(file) && file !== "test/fly/oneToken.test.ts");
        assert.ok(files.length > 50, "the scan sees the test and bench files");
        assert.deepEqual(files.flatMap((file) => inventedTokens(file, readFileSync(join(ROOT, file), "utf8"))), []);
    });

    it("control: a literal token under either key is found, a workflow expression and TEST_TOKEN are not", () => {
        const text = ['env: { FLY_API_TOKEN: "fm2_mine" },', "registryToken: 'FlyV1 x',", 'FLY_API_TOKEN: "${{ secrets.FLY_API_TOKEN }}",', "FLY_API_TOKEN: TEST_TOKEN,", '/export FLY_API_TOKEN="\\$\\(fly tokens create org\\)"/'].join("\n");
        assert.deepEqual(inventedTokens("x.ts", text), ["x.ts:1 FLY_API_TOKEN", "x.ts:2 registryToken"]);
    });
});

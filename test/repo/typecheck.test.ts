/**
 * Type errors are caught even though preview no longer type-checks (main.js runs an esbuild bundle, which strips
 * types): `npm test` runs `npm run typecheck` before any test (scripts/test.mjs), and so does CI. This proves that
 * check is real: on a copy of the program (index.ts and what it imports, with the project's tsconfig.json and
 * package.json) with one type error put into index.ts, the same `npm run typecheck` fails naming that error and no
 * other, so the unchanged program passes it. One run of the checker proves both.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
/** The program and what its type check reads; the tests, scripts and the policy pack are left out to keep it short. */
const PROGRAM = ["package.json", "tsconfig.json", "index.ts", "main.js", "startup", "config", "components", "providers"];
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function typecheck(dir: string): { status: number | null; output: string } {
    const run = spawnSync(NPM, ["run", "--silent", "typecheck"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("npm run typecheck", () => {
    let copy: string;
    before(() => {
        copy = mkdtempSync(join(tmpdir(), "typecheck-"));
        for (const path of PROGRAM) cpSync(join(ROOT, path), join(copy, path), { recursive: true, filter: (source) => !source.includes("node_modules") && !source.includes(join("fly", "dist")) });
        symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
    });
    after(() => rmSync(copy, { recursive: true, force: true }));

    it("fails on a type error in index.ts, naming the file, the line and that error only", () => {
        const index = join(copy, "index.ts");
        const source = readFileSync(index, "utf8");
        const lines = source.split("\n");
        // One misuse a transpiler accepts: the config loader is called with an argument it does not take.
        const at = lines.findIndex((line) => line.includes("loadStackConfig()"));
        assert.ok(at >= 0, "index.ts no longer calls loadStackConfig(): update this test's injected error");
        lines[at] = lines[at].replace("loadStackConfig()", 'loadStackConfig("prod")');
        writeFileSync(index, lines.join("\n"));
        const { status, output } = typecheck(copy);
        assert.notEqual(status, 0, "the type check passed a program with a type error");
        const errors = output.split("\n").filter((line) => /error TS\d+/.test(line));
        assert.equal(errors.length, 1, `the program has type errors besides the injected one:\n${output}`);
        assert.match(errors[0], new RegExp(`index\\.ts\\(${at + 1},\\d+\\): error TS2554: Expected 0 arguments, but got 1`), output);
    });
});

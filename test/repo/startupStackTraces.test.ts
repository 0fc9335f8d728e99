/**
 * startup/stackTraces.js, in a fresh node that registers source-map-support as Pulumi's runtime does: the project's
 * frames still map back to its TypeScript, an installed package's frames print as the JavaScript that ran (the
 * control case shows source-map-support alone would have mapped them), and the SDK's per-promise bookkeeping trace
 * keeps exact, unmapped positions.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildSync } from "esbuild";

const ROOT = join(__dirname, "..", "..");

/** Compiles `source` (TypeScript) to `out` with a source map beside it, as the build and most packages ship. */
function compile(dir: string, tsName: string, source: string, out: string): void {
    mkdirSync(join(out, ".."), { recursive: true });
    writeFileSync(join(dir, tsName), source);
    buildSync({ entryPoints: [join(dir, tsName)], outfile: out, sourcemap: true, format: "cjs", platform: "node", bundle: false, logLevel: "silent" });
}

/** The stack of an error thrown in the package and caught in the app, and the app's bookkeeping trace. */
function traces(dir: string, selective: boolean): { error: string; bookkeeping: string } {
    const script = `
        require("source-map-support/register");
        ${selective ? `require("./startup/stackTraces").mapOwnSourcesOnly(${JSON.stringify(ROOT)});` : ""}
        const app = require(${JSON.stringify(join(dir, "app.js"))});
        process.stdout.write(JSON.stringify({ error: app.failing(), bookkeeping: app.bookkept() }));
    `;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as { error: string; bookkeeping: string };
}

describe("startup/stackTraces.js", () => {
    let dir = "";
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "stack-traces-"));
        compile(dir, "pkg.ts", ["export function explode(): never {", "    // a line of its own in the package's TypeScript", '    throw new Error("from the package");', "}", ""].join("\n"), join(dir, "node_modules", "pkg", "index.js"));
        compile(dir, "app.ts", [
            'import { explode } from "pkg";',
            `const { debuggablePromise } = require(${JSON.stringify(require.resolve("@pulumi/pulumi/runtime/debuggable"))});`,
            "",
            "export function failing(): string {",
            "    try {",
            "        explode();",
            "    } catch (error) {",
            "        return (error as Error).stack ?? \"\";",
            "    }",
            '    return "";',
            "}",
            "",
            "export function bookkept(): string {",
            "    const promise = Promise.resolve();",
            '    debuggablePromise(promise, "probe");',
            "    return (promise as unknown as { _debugStackTrace: string })._debugStackTrace;",
            "}",
            "",
        ].join("\n"), join(dir, "app.js"));
        // The app requires "pkg" from its own folder's node_modules.
        writeFileSync(join(dir, "node_modules", "pkg", "package.json"), JSON.stringify({ name: "pkg", main: "index.js" }));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("control: source-map-support alone maps the package's frame to its TypeScript", () => {
        const { error } = traces(dir, false);
        assert.match(error, /pkg\.ts:3:/);
    });

    it("prints the package's frame as the JavaScript that ran, and still maps the project's frame to its TypeScript", () => {
        const { error } = traces(dir, true);
        assert.match(error, /^Error: from the package\n/);
        assert.match(error, /node_modules[\\/]pkg[\\/]index\.js:\d+:\d+/);
        assert.doesNotMatch(error, /pkg\.ts/);
        assert.match(error, /at (Object\.)?failing \(.*app\.ts:6:\d+\)/);
    });

    it("keeps the SDK's per-promise trace exact but unmapped: the build's file and line", () => {
        const { bookkeeping } = traces(dir, true);
        assert.match(bookkeeping, /app\.js:\d+:\d+/);
        assert.doesNotMatch(bookkeeping, /app\.ts/);
        // Without the formatter the same trace goes through the maps.
        assert.match(traces(dir, false).bookkeeping, /app\.ts:15:\d+/);
    });
});

/**
 * startup/bundleCache.js, which the Pulumi CLI's entries (main.js, policies/main.js) go through: in a scratch project, the
 * first load builds, the next loads reuse the build, and every change that could make the build stale (an edited
 * import, a file that changes how an import resolves, an edited tsconfig.json) is rebuilt before anything runs. The
 * real entries are wired to it: Pulumi.yaml runs main.js with no TypeScript loader, and the pack's `main` is main.js.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bundleCache = require("../../startup/bundleCache") as typeof import("../../startup/bundleCache");

const ROOT = join(__dirname, "..", "..");

/** A scratch project: files by path, written under a new temporary folder. */
function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "startup-bundle-cache-"));
    write(dir, files);
    return dir;
}

function write(dir: string, files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), text);
    }
}

/** The builds kept for `index.ts` of `dir` (one folder per distinct set of sources). */
const builds = (dir: string): string[] => readdirSync(bundleCache.cacheDirOf(dir, "index.ts")).filter((name) => name !== "manifest.json").sort();

const run = async (dir: string): Promise<unknown> => bundleCache.entry(dir, "index.ts")();

describe("startup/bundleCache.js", () => {
    const dirs: string[] = [];
    const scratch = (files: Record<string, string>): string => {
        const dir = project(files);
        dirs.push(dir);
        return dir;
    };
    after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    it("runs the TypeScript entry's exported function, and reuses the build while nothing changed", async () => {
        const dir = scratch({
            "index.ts": 'import { greeting } from "./lib/greeting";\nexport = async (): Promise<string> => greeting("prod");\n',
            "lib/greeting.ts": "export const greeting = (stack: string): string => `hello ${stack}`;\n",
        });
        assert.equal(await run(dir), "hello prod");
        const first = builds(dir);
        assert.equal(first.length, 1);
        assert.equal(await run(dir), "hello prod");
        assert.deepEqual(builds(dir), first, "a second run with the same sources rebuilt");
    });

    it("rebuilds when an imported file changes, so the edit is what runs", async () => {
        const dir = scratch({
            "index.ts": 'import { value } from "./value";\nexport = () => value;\n',
            "value.ts": "export const value: number = 1;\n",
        });
        assert.equal(await run(dir), 1);
        write(dir, { "value.ts": "export const value: number = 2;\n" });
        assert.equal(await run(dir), 2);
        assert.equal(builds(dir).length, 2);
    });

    it("rebuilds when a new file changes what an import resolves to", async () => {
        const dir = scratch({
            "index.ts": 'import { where } from "./place";\nexport = () => where;\n',
            "place/index.ts": 'export const where = "folder";\n',
        });
        assert.equal(await run(dir), "folder");
        // `./place` now resolves to place.ts, which wins over place/index.ts; no file that was read changed.
        write(dir, { "place.ts": 'export const where = "file";\n' });
        assert.equal(await run(dir), "file");
    });

    it("rebuilds when tsconfig.json changes (esbuild reads it)", async () => {
        const dir = scratch({ "index.ts": "export = () => 1;\n", "tsconfig.json": "{}\n" });
        await run(dir);
        write(dir, { "tsconfig.json": '{ "compilerOptions": { "target": "ES2022" } }\n' });
        await run(dir);
        assert.equal(builds(dir).length, 2);
    });

    it("fails loudly, naming the file and line, when the TypeScript does not parse", async () => {
        const dir = scratch({ "index.ts": 'import { broken } from "./broken";\nexport = () => broken;\n', "broken.ts": "export const broken = (;\n" });
        await assert.rejects(run(dir), (error: Error) => /broken\.ts:1:\d+/.test(error.message));
    });

    it("is what the Pulumi CLI runs: Pulumi.yaml main.js with no TypeScript loader, and the pack's main", () => {
        const project = parseYaml(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.equal(project.main, "main.js");
        assert.equal(project.runtime.options.typescript, false);
        assert.equal(JSON.parse(readFileSync(join(ROOT, "policies", "package.json"), "utf8")).main, "main.js");
        for (const entry of ["main.js", join("policies", "main.js")]) {
            assert.match(readFileSync(join(ROOT, entry), "utf8"), /require\("\.\.?\/startup\/bundleCache"\)\.entry\(__dirname, "index\.ts"\)/, `${entry} compiles its index.ts`);
        }
    });
});

/**
 * The layout's one rule: product code never depends on the tests. The program, its components, config, providers,
 * policy pack, the offline engine and the scripts users run import nothing from `test/` (a test harness is free to
 * change, and a user's `npm run plan` must not run test code). Benchmarks may use test fixtures: they measure them.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const PRODUCT = ["index.ts", "config", "components", "providers", "policies", "engine", "scripts"];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function files(path: string): string[] {
    const full = join(ROOT, path);
    if (!statSync(full).isDirectory()) return [path];
    return readdirSync(full)
        .filter((entry) => entry !== "node_modules" && entry !== "dist" && entry !== "generated")
        .flatMap((entry) => files(join(path, entry)));
}

/** Every relative module a file names in `import ... from`, `export ... from`, `require(...)` or `import(...)`. */
export function importsOf(text: string): string[] {
    const found: string[] = [];
    for (const match of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) found.push(match[1]);
    return found;
}

/** The product files that import from `test/`, as `file -> module`. */
function testImports(): string[] {
    const testDir = join(ROOT, "test") + sep;
    return PRODUCT.flatMap(files)
        .filter((file) => SOURCE.test(file))
        .flatMap((file) => importsOf(readFileSync(join(ROOT, file), "utf8")).filter((spec) => resolve(join(ROOT, file, ".."), spec).startsWith(testDir)).map((spec) => `${file} -> ${spec}`));
}

describe("the layout", () => {
    it("finds every form of a relative import (so the check below can fail)", () => {
        const text = `import a from "../test/a";\nexport { b } from '../../test/b';\nconst c = require("../test/c");\nawait import("./d");\nimport "../e";`;
        assert.deepEqual(importsOf(text), ["../test/a", "../../test/b", "../test/c", "./d", "../e"]);
    });

    it("product code imports nothing from test/", () => {
        assert.deepEqual(testImports(), [], "product code depends on the tests");
    });
});

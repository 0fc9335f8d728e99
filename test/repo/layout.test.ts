/**
 * The layout's one rule: product code never depends on the tests. The program, its components, config, providers,
 * policy pack, the offline engine and the scripts users run import nothing from `test/` (a test harness is free to
 * change, and a user's `npm run plan` must not run test code). Benchmarks may use test fixtures: they measure them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { importsOf, PRODUCT, sourceFiles } from "./imports";

const ROOT = join(__dirname, "..", "..");

/** The product files that import from `test/`, as `file -> module`. */
function testImports(): string[] {
    const testDir = join(ROOT, "test") + sep;
    return PRODUCT.flatMap((path) => sourceFiles(ROOT, path))
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

/**
 * No import cycle anywhere in product code, nor in the Fly emulator (type-only imports count: a cycle of types still
 * ties every file of it into one). The control case shows the search finds a cycle when there is one.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { importsOf, PRODUCT, resolveImport, sourceFiles } from "./imports";

const ROOT = join(__dirname, "..", "..");

/** Every cycle's files (each cycle once, from where the search met it). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const cycles: string[][] = [];
    const visit = (node: string): void => {
        state.set(node, "open");
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
            else if (!state.has(next)) visit(next);
        }
        stack.pop();
        state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    return cycles;
}

/** The import graph of `paths` (files and folders below ROOT), edges kept inside it. */
function graphOf(paths: readonly string[]): Map<string, string[]> {
    const files = paths.flatMap((path) => sourceFiles(ROOT, path)).map((file) => join(ROOT, file));
    const inside = new Set(files);
    return new Map(
        files.map((file) => [
            file,
            importsOf(readFileSync(file, "utf8"))
                .map((spec) => resolveImport(file, spec))
                .filter((target): target is string => target !== undefined && inside.has(target)),
        ]),
    );
}

describe("import cycles", () => {
    it("the search finds a cycle, type-only or not (control)", () => {
        const graph = new Map([
            ["kinds.ts", ["app.ts"]],
            ["app.ts", ["registration.ts"]],
            ["registration.ts", ["kinds.ts"]],
            ["client.ts", []],
        ]);
        assert.deepEqual(cyclesOf(graph), [["kinds.ts", "app.ts", "registration.ts", "kinds.ts"]]);
    });

    it("the graph follows the project's imports (control: components/index.ts reaches environment.ts)", () => {
        const graph = graphOf(["components"]);
        assert.ok(graph.get(join(ROOT, "components", "index.ts"))?.includes(join(ROOT, "components", "environment.ts")));
    });

    for (const [what, paths] of [["product code", PRODUCT], ["the Fly emulator", ["test/fly/emulator"]]] as const) {
        it(`${what} has none`, () => {
            const cycles = cyclesOf(graphOf(paths)).map((cycle) => cycle.map((f) => relative(ROOT, f)).join(" -> "));
            assert.deepEqual(cycles, []);
        });
    }
});

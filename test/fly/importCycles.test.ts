/**
 * No import cycle in the Fly provider package or the emulator (type-only imports count: a cycle of types still ties
 * every file of it into one). The control case shows the search finds a cycle when there is one.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const FOLDERS = ["providers/fly", "test/fly/emulator"];
const SKIP = new Set(["dist", "generated", "node_modules"]);

function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const full = join(dir, entry);
        if (statSync(full).isDirectory()) return SKIP.has(entry) ? [] : sources(full);
        return entry.endsWith(".ts") ? [full] : [];
    });
}

/** The files `file` imports by a relative path (any form: import, import type, export from, require). */
function importsOf(file: string): string[] {
    const text = readFileSync(file, "utf8");
    const found: string[] = [];
    for (const match of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
        const base = resolve(dirname(file), match[1]);
        const candidates = [`${base}.ts`, join(base, "index.ts"), base];
        const hit = candidates.find((c) => {
            try {
                return statSync(c).isFile();
            } catch {
                return false;
            }
        });
        if (hit) found.push(hit);
    }
    return found;
}

/** Every cycle's files (each cycle once, from where the search met it). */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
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

    for (const folder of FOLDERS) {
        it(`${folder} has none`, () => {
            const files = sources(join(ROOT, folder));
            assert.ok(files.length > 5, `${folder}: only ${files.length} files found`);
            const graph = new Map(files.map((file) => [file, importsOf(file).filter((f) => files.includes(f))]));
            const cycles = cyclesOf(graph).map((cycle) => cycle.map((f) => relative(ROOT, f)).join(" -> "));
            assert.deepEqual(cycles, []);
        });
    }
});

/** Reading a source tree's relative imports, for the layout and import-cycle tests. */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Every folder and file of product code: what users run, the CLI starts or CI calls. */
export const PRODUCT = ["index.ts", "main.js", "config", "components", "providers", "policies", "engine", "delivery", "startup", "scripts"];

/** Folders that hold no hand-written source of the project. */
const SKIP = new Set(["node_modules", "dist", "generated"]);
export const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** The source files at `path` (a file, or every source file below a folder), relative to `root`. */
export function sourceFiles(root: string, path: string): string[] {
    const full = join(root, path);
    if (!statSync(full).isDirectory()) return SOURCE.test(path) ? [path] : [];
    return readdirSync(full)
        .filter((entry) => !SKIP.has(entry))
        .flatMap((entry) => sourceFiles(root, join(path, entry)));
}

/** Every relative module a file names in `import ... from`, `export ... from`, `require(...)` or `import(...)`. */
export function importsOf(text: string): string[] {
    const found: string[] = [];
    for (const match of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) found.push(match[1]);
    return found;
}

/** The file a relative import of `from` names, as node and TypeScript resolve it, or undefined when none exists. */
export function resolveImport(from: string, spec: string): string | undefined {
    const base = resolve(dirname(from), spec);
    return [base, `${base}.ts`, `${base}.js`, join(base, "index.ts"), join(base, "index.js")].find((candidate) => {
        try {
            return statSync(candidate).isFile();
        } catch {
            return false;
        }
    });
}

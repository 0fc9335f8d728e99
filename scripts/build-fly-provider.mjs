#!/usr/bin/env node
// Builds the Fly provider package (providers/fly, `@api-environments/fly-provider`) to plain JavaScript: the
// dynamic-provider plugin runs it with plain node, without a TypeScript loader. Run by the root `postinstall` and
// before the tests, so nothing runs a stale build. Output: providers/fly/dist/index.js (not committed).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

async function loadEsbuild() {
    try {
        return await import("esbuild");
    } catch (error) {
        console.error(`build-fly-provider: cannot load esbuild (${error.message}). It is a devDependency: install with \`npm ci\` (not --omit=dev).`);
        process.exit(1);
    }
}

const { build } = await loadEsbuild();

await build({
    absWorkingDir: root,
    entryPoints: ["providers/fly/hostEntry.ts"],
    outfile: "providers/fly/dist/index.js",
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // The providers use the SDK's types only (the bundle requires nothing of it); external should that ever change.
    external: ["@pulumi/pulumi"],
    logLevel: "warning",
});

#!/usr/bin/env node
// Builds the Fly provider package (providers/fly, `@api-environments/fly-provider`) to plain JavaScript with the
// package's own build (providers/fly/build.js): the dynamic-provider plugin runs it with plain node, without a
// TypeScript loader. Run by the root `postinstall` and before the tests; the package's entry (providers/fly/load.js)
// also rebuilds whenever the sources changed, so nothing runs a stale build. Output: providers/fly/dist/ (not committed).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "providers", "fly");

try {
    require(join(dir, "build.js")).build(dir);
} catch (error) {
    console.error(`build-fly-provider: ${error.message}`);
    process.exit(1);
}

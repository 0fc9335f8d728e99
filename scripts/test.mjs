#!/usr/bin/env node
// Type-checks the project, builds the Fly provider package, then runs every test/**/*.test.ts with node's test runner
// (Node 20's `--test` does not expand globs itself).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir) {
    return readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) return find(path);
        return path.endsWith(".test.ts") ? [path] : [];
    });
}

// Preview runs an esbuild bundle that strips types (startup/compile.js), so a type error fails here, before any test.
const checked = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "typecheck"], { stdio: "inherit" });
if (checked.status !== 0) {
    console.error("npm test: the type check failed (npm run typecheck); no test was run");
    process.exit(checked.status ?? 1);
}

// The Fly providers run from their built package in the tests that load them as the plugin does: never a stale build.
const built = spawnSync(process.execPath, [join("scripts", "build-fly-provider.mjs")], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);

const filter = process.argv.slice(2);
const files = find("test").filter((f) => filter.length === 0 || filter.some((part) => f.includes(part))).sort();
if (files.length === 0) {
    console.error(`no test files match ${filter.join(" ")}`);
    process.exit(1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);

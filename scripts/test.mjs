#!/usr/bin/env node
// Type-checks the project, builds the Fly provider package, starts a PostgreSQL unless TEST_DATABASE_URL names one,
// then runs every test/**/*.test.ts with node's test runner.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { startTestPostgres } from "./testPostgres.mjs";

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

// The sample's migration tests (test/examples) need a real server; a fresh machine has none, so the run brings its own
// and stops it after.
// Until the tests report, a run that ends early (an await nothing will settle) must not look like a pass.
process.exitCode = 1;
const needsDatabase = !process.env.TEST_DATABASE_URL && files.some((f) => f.startsWith(join("test", "examples")));
const database = needsDatabase ? await startTestPostgres() : undefined;
const env = database ? { ...process.env, TEST_DATABASE_URL: database.url } : process.env;
// Asynchronous, so the server's log keeps draining while the tests run.
const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { stdio: "inherit", env });
const forward = (signal) => child.kill(signal);
process.on("SIGINT", forward).on("SIGTERM", forward);
const status = await new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
await database?.stop();
process.exit(status);

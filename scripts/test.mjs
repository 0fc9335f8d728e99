#!/usr/bin/env node
// Type-checks the project, builds the Fly provider package, starts a PostgreSQL when the sample's migration tests run
// and TEST_DATABASE_URL names none, then runs every test/**/*.test.ts with node's test runner, several files at a time.
//
//   node scripts/test.mjs [--fast] [substring...]
//
// --fast (npm run test:fast) is the inner loop: no type check (the editor's), none of the files in SLOW, no database.
// TEST_CONCURRENCY sets how many files run at once; TEST_TIMINGS names a file for each file's duration (bench/suite.ts).
import { availableParallelism } from "node:os";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn, spawnSync } from "node:child_process";

/**
 * The slowest files, slowest first (15 s or more each on the 2-core machine: they drive Pulumi's real runtimes or the
 * TypeScript compiler in child processes, or evaluate whole stacks dozens of times; `npm run bench -- --suite` lists
 * them). --fast leaves them out; `npm test` starts them first, in this order, so none is left running alone at the end.
 */
const SLOW = [
    "test/delivery/stack-cli.test.ts",
    "test/policies/stacks.test.ts",
    "test/engine/lifecycle.test.ts",
    "test/delivery/releaseCli.test.ts",
    "test/release/train.test.ts",
    "test/policies/rules.test.ts",
    "test/delivery/rollbackEngine.test.ts",
    "test/scripts/commands.test.ts",
    "test/review/lifecycle.test.ts",
    "test/delivery/guardEngine.test.ts",
    "test/security/canary.test.ts",
    "test/policies/engine-agreement.test.ts",
    "test/delivery/review-sweeper.test.ts",
    "test/fly/machineGroupDrain.test.ts",
    "test/config/stackName.test.ts",
    "test/fly/serialization.test.ts",
    "test/engine/semantics.test.ts",
    "test/security/engineCanary.test.ts",
    "test/repo/typecheck.test.ts",
];

/** The sample's migration tests: they need a PostgreSQL server, which the run starts unless TEST_DATABASE_URL names one. */
const NEEDS_DATABASE = "test/examples/";

function find(dir) {
    return readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) return find(path);
        return path.endsWith(".test.ts") ? [path] : [];
    });
}

const args = process.argv.slice(2);
const fast = args.includes("--fast");
const filter = args.filter((a) => a !== "--fast");

if (!fast) {
    // Preview runs an esbuild bundle that strips types (startup/bundleCache.js), so a type error fails here, before any
    // test. Incremental: a run after a small edit re-checks what the edit affects, not the whole program.
    const checked = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "typecheck", "--", "--incremental", "--tsBuildInfoFile", join("node_modules", ".cache", "api-environments-typecheck", "tsbuildinfo")], { stdio: "inherit" });
    if (checked.status !== 0) {
        console.error("npm test: the type check failed (npm run typecheck); no test was run");
        process.exit(checked.status ?? 1);
    }
}

// The Fly providers run from their built package in the tests that load them as the plugin does: never a stale build.
const built = spawnSync(process.execPath, [join("scripts", "build-fly-provider.mjs")], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);

const gone = SLOW.filter((file) => !existsSync(file));
if (gone.length > 0) console.error(`scripts/test.mjs: SLOW names files that no longer exist (remove them): ${gone.join(", ")}`);
const slowRank = (file) => {
    const rank = SLOW.indexOf(file);
    return rank < 0 ? SLOW.length : rank;
};
const files = find("test")
    .map((f) => f.split("\\").join("/"))
    .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
    // The inner loop starts no database server either.
    .filter((f) => !fast || (slowRank(f) === SLOW.length && !f.startsWith(NEEDS_DATABASE)))
    .sort((a, b) => slowRank(a) - slowRank(b) || a.localeCompare(b));
if (files.length === 0) {
    console.error(`no test files match ${filter.join(" ")}`);
    process.exit(1);
}
// Node runs one file fewer than the cores at once (one, on two cores); most files wait on child processes, the
// emulator or the disk, so more at once keeps both cores busy.
const concurrency = Number(process.env.TEST_CONCURRENCY) || availableParallelism() + 2;
const reporters = ["--test-reporter=spec", "--test-reporter-destination=stdout"];
if (process.env.TEST_TIMINGS) reporters.push("--test-reporter=./scripts/test-timings.mjs", `--test-reporter-destination=${process.env.TEST_TIMINGS}`);

// Until the tests report, a run that ends early (an await nothing will settle) must not look like a pass.
process.exitCode = 1;
// The sample's migration tests (test/examples) need a real server; a fresh machine has none, so the run brings its own
// and stops it after.
const needsDatabase = !process.env.TEST_DATABASE_URL && files.some((f) => f.startsWith(NEEDS_DATABASE));
// Loaded only then: a run without those files neither loads nor needs the server's package.
const database = needsDatabase ? await (await import("./testPostgres.mjs")).startTestPostgres() : undefined;
const env = database ? { ...process.env, TEST_DATABASE_URL: database.url } : process.env;
// Asynchronous, so the server's log keeps draining while the tests run.
// Each file's process (node passes these flags on) defers what @pulumi/pulumi loads and never uses, as the program,
// the pack and the commands do (docs/startup.md): about a third of a second of CPU per file that loads the SDK.
const defer = ["--require", fileURLToPath(new URL("../startup/deferNow.js", import.meta.url))];
const child = spawn(process.execPath, [...defer, "--import", "tsx", "--test", `--test-concurrency=${concurrency}`, ...reporters, ...files], { stdio: "inherit", env });
const forward = (signal) => child.kill(signal);
process.on("SIGINT", forward).on("SIGTERM", forward);
const status = await new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
await database?.stop();
process.exit(status);

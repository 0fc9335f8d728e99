/**
 * The test suite's wall time against its budget (180 s on the project's 2-core machine): one `npm test` as a
 * developer runs it (type check, provider build, every file), timed from outside, with the files that took longest.
 * A file's figure is the sum of its top-level tests (files run side by side, so these add up to more than the wall
 * time). Run alone with `npm run bench -- --suite`; nothing here asserts on time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { table } from "./table";

/** What `npm test` may take on the project's 2-core machine. */
export const SUITE_BUDGET_S = 180;

export interface SuiteBench {
    /** The command that ran. */
    readonly command: string;
    readonly exit: number;
    readonly seconds: number;
    /** Per file: seconds and failed top-level tests, slowest first. */
    readonly files: readonly { file: string; seconds: number; failed: number }[];
}

export function benchSuite(root: string, args: readonly string[] = []): SuiteBench {
    const dir = mkdtempSync(join(tmpdir(), "suite-bench-"));
    const timings = join(dir, "timings.json");
    try {
        const start = performance.now();
        const result = spawnSync(process.execPath, [join(root, "scripts", "test.mjs"), ...args], { cwd: root, stdio: "ignore", env: { ...process.env, TEST_TIMINGS: timings } });
        const seconds = (performance.now() - start) / 1000;
        let perFile: Record<string, { ms: number; failed: number }> = {};
        try {
            perFile = JSON.parse(readFileSync(timings, "utf8"));
        } catch {
            // The type check failed, so no test ran.
        }
        const files = Object.entries(perFile)
            .map(([file, t]) => ({ file: file.startsWith(root) ? file.slice(root.length + 1) : file, seconds: t.ms / 1000, failed: t.failed }))
            .sort((a, b) => b.seconds - a.seconds);
        return { command: args.length > 0 ? `node scripts/test.mjs ${args.join(" ")}` : "npm test", exit: result.status ?? -1, seconds, files };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

export function formatSuite(bench: SuiteBench, slowest = 12): string {
    const lines = [`Test suite (budget ${SUITE_BUDGET_S} s on 2 cores)\n`];
    lines.push(table(["suite", "exit", "seconds", "seconds/budget", "files"], [[bench.command, bench.exit, bench.seconds.toFixed(1), (bench.seconds / SUITE_BUDGET_S).toFixed(2), bench.files.length]]));
    if (bench.files.length > 0) {
        lines.push(`\nSlowest files (seconds of their own tests; they run side by side)\n`);
        lines.push(table(["file", "seconds", "failed"], bench.files.slice(0, slowest).map((f) => [f.file, f.seconds.toFixed(1), f.failed])));
    }
    return lines.join("\n");
}

// `npx tsx bench/suite.ts [--fast] [substring...]`: the same for part of the suite.
if (require.main === module) console.log(formatSuite(benchSuite(join(__dirname, ".."), process.argv.slice(2))));

/**
 * Start-up as a user lives it: `pulumi preview` of each stack through the offline engine (engine/index.ts), with the
 * policy pack under `run-policy-pack` (started and configured before the program, as the CLI does), the program under
 * Pulumi's own `cmd/run` and the Fly resources under the dynamic-provider host this project's `pulumi-nodejs` plugin
 * runs, exactly as the CLI starts them. Cold is the first run with no compile cache (the esbuild
 * builds of startup/bundleCache.js removed, and a fresh TMPDIR so no tool's temporary cache helps either); warm is the
 * median of the runs after it. Also the fixed cost of a bare node requiring `@pulumi/pulumi`, with and without what
 * startup/defer.js defers. Beside each stack, the same preview started Pulumi's default way (bench/defaultStart.ts), as a ratio.
 * Figures only; nothing here asserts on time. Run alone with `npx tsx bench/startup.ts [stack...]`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ROOT, runOperation } from "../engine";
import { TEST_TOKEN } from "../test/fly/emulator/defaults";
import { defaultWayProject } from "./defaultStart";
import { table } from "./table";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheDirOf } = require("../startup/bundleCache") as typeof import("../startup/bundleCache");

/** A cold preview (nothing compiled yet) may take this long on the project's 2-core machine. */
export const COLD_BUDGET_MS = 4000;
/** A warm preview (the build cached) may take this long. */
export const WARM_BUDGET_MS = 2000;

export interface StartupRow {
    readonly stack: string;
    readonly coldMs: number;
    readonly warmMs: number;
    /** The program process alone (start to exit), warm median. */
    readonly programMs: number;
    /**
     * Warm median of what passes before the program starts: the policy pack's start and configuration, which the CLI
     * waits for (it loads every pack before it runs the program), plus the engine's own set-up.
     */
    readonly beforeProgramMs: number;
    /** CPU time of the engine and every process it started, warm median; undefined where /proc is missing. */
    readonly warmCpuMs?: number;
    /** The same preview of the same program started Pulumi's default way (bench/defaultStart.ts), median. */
    readonly defaultMs: number;
}

/** Removes every build startup/bundleCache.js keeps: the program's and the policy pack's. */
export function clearCompileCache(): void {
    for (const dir of [ROOT, join(ROOT, "policies")]) rmSync(cacheDirOf(dir, "index.ts"), { recursive: true, force: true });
}

/** Runs `run` with TMPDIR (which every child process inherits, the policy pack included) at a new empty folder. */
async function withFreshTmpdir<T>(run: () => Promise<T>): Promise<T> {
    const saved = process.env.TMPDIR;
    const scratch = mkdtempSync(join(tmpdir(), "bench-startup-"));
    process.env.TMPDIR = scratch;
    try {
        return await run();
    } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
        rmSync(scratch, { recursive: true, force: true });
    }
}

interface Sample {
    readonly ms: number;
    readonly programMs: number;
    readonly cpuMs?: number;
}

let clockTicks: number | undefined;
/**
 * CPU time of this process and its exited children so far (Linux /proc), in ms: with other work on the machine the
 * wall time stretches, this does not.
 */
function cpuMs(): number | undefined {
    try {
        const fields = readFileSync("/proc/self/stat", "utf8").split(")").pop()!.trim().split(/\s+/);
        clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
        // utime, stime, cutime, cstime: fields 14-17 of stat(5), 12-15 here once pid and name are cut off.
        return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * (1000 / clockTicks);
    } catch {
        return undefined;
    }
}

async function preview(stack: string, project?: { root: string; policyPack: string }): Promise<Sample> {
    const cpuBefore = cpuMs();
    const start = performance.now();
    const result = await runOperation({ stack, operation: "preview", env: { FLY_API_TOKEN: TEST_TOKEN } /* a preview reads its presence, never calls Fly */, ...project });
    const ms = performance.now() - start;
    if (!result.ok) throw new Error(`preview of ${stack} failed: ${result.error}`);
    const cpuAfter = cpuMs();
    return { ms, programMs: result.program?.durationMs ?? 0, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

const sdkVersion = (): string => JSON.parse(readFileSync(join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Cold then `warmRuns` warm previews of each stack, then `defaultRuns` of the same stack started Pulumi's default way
 * (it compiles on every run, so it has no warm state to wait for).
 */
export async function benchStartup(stacks: readonly string[], warmRuns = 5, defaultRuns = 3): Promise<StartupRow[]> {
    const rows: StartupRow[] = [];
    const defaultWay = defaultWayProject(ROOT);
    try {
        for (const stack of stacks) {
            clearCompileCache();
            const cold = await withFreshTmpdir(() => preview(stack));
            const warm: Sample[] = [];
            for (let i = 0; i < warmRuns; i++) warm.push(await preview(stack));
            const byDefault: Sample[] = [];
            for (let i = 0; i < defaultRuns; i++) byDefault.push(await preview(stack, defaultWay));
            const cpu = warm.map((w) => w.cpuMs).filter((c) => c !== undefined);
            rows.push({
                stack,
                coldMs: cold.ms,
                warmMs: median(warm.map((w) => w.ms)),
                programMs: median(warm.map((w) => w.programMs)),
                beforeProgramMs: median(warm.map((w) => w.ms - w.programMs)),
                warmCpuMs: cpu.length > 0 ? median(cpu) : undefined,
                defaultMs: median(byDefault.map((d) => d.ms)),
            });
        }
    } finally {
        defaultWay.remove();
    }
    return rows;
}

/** What each process pays before the program or pack itself runs, as medians of `runs` bare nodes started from the project. */
export interface FixedCost {
    /** node + `require("@pulumi/pulumi")` with nothing deferred, as the CLI's bundled dynamic-provider plugin pays it. */
    readonly fullMs: number;
    /** The same after startup/defer.js, as the program and this project's plugin pay it (the pack too, plus the TypeScript its host loads). */
    readonly deferredMs: number;
}

export function fixedCost(runs = 5): FixedCost {
    const time = (script: string): number => {
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
            const start = performance.now();
            execFileSync(process.execPath, ["-e", script], { cwd: ROOT, stdio: "ignore" });
            samples.push(performance.now() - start);
        }
        return median(samples);
    };
    return {
        fullMs: time('require("@pulumi/pulumi")'),
        deferredMs: time('require("./startup/defer").deferUnusedModules(); require("@pulumi/pulumi")'),
    };
}

/** The section of `npm run bench`, as text. */
export function formatStartup(rows: readonly StartupRow[], fixed: FixedCost): string {
    const [one, five] = loadavg();
    return [
        `Start-up: real-runtime preview through the offline engine (budget cold ${COLD_BUDGET_MS / 1000} s, warm ${WARM_BUDGET_MS / 1000} s)`,
        "",
        table(
            ["stack", "cold ms", "cold/budget", "warm ms", "warm/budget", "default way ms", "warm/default", "pack start ms (warm)", "program ms (warm)", "CPU ms (warm, all processes)"],
            rows.map((r) => [r.stack, r.coldMs.toFixed(0), (r.coldMs / COLD_BUDGET_MS).toFixed(2), r.warmMs.toFixed(0), (r.warmMs / WARM_BUDGET_MS).toFixed(2), r.defaultMs.toFixed(0), (r.warmMs / r.defaultMs).toFixed(2), r.beforeProgramMs.toFixed(0), r.programMs.toFixed(0), r.warmCpuMs?.toFixed(0) ?? "n/a"]),
        ),
        "",
        `Default way: the same program, pack and stacks started as Pulumi starts a TypeScript project by default (typescript: true, main: index.ts, the bundled dynamic-provider plugin, no deferrals; bench/defaultStart.ts), on @pulumi/pulumi ${sdkVersion()}. warm/default below 1 is what the start-up machinery saves.`,
        "",
        "The CLI starts the policy pack and waits for it before it runs the program; the program then registers the first Fly resource, which starts the dynamic-provider host.",
        `Fixed cost of each node process Pulumi starts, node + require("@pulumi/pulumi"): ${fixed.fullMs.toFixed(0)} ms with nothing deferred (the CLI's bundled dynamic-provider plugin), ${fixed.deferredMs.toFixed(0)} ms with startup/defer.js (the program, the pack, and this project's dynamic-provider plugin)`,
        `Machine load while measuring (1 min / 5 min average): ${one.toFixed(2)} / ${five.toFixed(2)} on ${availableParallelism()} cores; other work stretches the wall times, a slower host both columns`,
    ].join("\n");
}

if (require.main === module) {
    const stacks = process.argv.slice(2);
    benchStartup(stacks.length > 0 ? stacks : ["dev", "staging", "prod"]).then(
        (rows) => console.log(formatStartup(rows, fixedCost())),
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        },
    );
}

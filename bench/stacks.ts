/**
 * Evaluation time of each stack under the offline harness. The first evaluation in a process also loads the
 * program and its providers' SDKs, so it is reported apart from the steady-state (median of the next runs).
 * Also the size of the state the run would leave (test/harness/stateSize.ts), against its budgets.
 */
import { performance } from "node:perf_hooks";
import { runStack } from "../test/harness/stack";
import { stateBytes } from "../test/harness/stateSize";

/** Budget per stack evaluation on the project's 2-core machine. */
export const STACK_BUDGET_MS = 1500;

export interface StackBenchRow {
    readonly stack: string;
    readonly resources: number;
    readonly firstMs: number;
    readonly medianMs: number;
    /** The whole state (inputs and outputs of every resource), in bytes. */
    readonly stateBytes: number;
    /** The largest `__provider` text of a dynamic resource, in bytes (0 without one). */
    readonly maxProviderBytes: number;
}

async function time(stack: string): Promise<{ ms: number; resources: number; stateBytes: number; maxProviderBytes: number }> {
    const start = performance.now();
    const run = await runStack(stack);
    const ms = performance.now() - start;
    if (run.configError) throw run.configError;
    return {
        ms,
        resources: run.resources.length,
        stateBytes: run.resources.reduce((sum, r) => sum + stateBytes(r), 0),
        maxProviderBytes: Math.max(0, ...run.resources.map((r) => r.serializedProviderLength ?? 0)),
    };
}

export async function benchStacks(stacks: readonly string[], repeats = 5): Promise<StackBenchRow[]> {
    const rows: StackBenchRow[] = [];
    for (const stack of stacks) {
        const first = await time(stack);
        const samples: number[] = [];
        for (let i = 0; i < repeats; i++) samples.push((await time(stack)).ms);
        samples.sort((a, b) => a - b);
        rows.push({ stack, resources: first.resources, firstMs: first.ms, medianMs: samples[Math.floor(samples.length / 2)], stateBytes: first.stateBytes, maxProviderBytes: first.maxProviderBytes });
    }
    return rows;
}

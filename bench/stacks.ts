/**
 * Evaluation time of each stack under the offline harness. The first evaluation in a process also loads the
 * program and its providers' SDKs, so it is reported apart from the steady-state (median of the next runs).
 */
import { performance } from "node:perf_hooks";
import { runStack } from "../test/harness/stack";

/** Budget per stack evaluation on the project's 2-core machine. */
export const STACK_BUDGET_MS = 1500;

export interface StackBenchRow {
    readonly stack: string;
    readonly resources: number;
    readonly firstMs: number;
    readonly medianMs: number;
}

async function time(stack: string): Promise<{ ms: number; resources: number }> {
    const start = performance.now();
    const run = await runStack(stack);
    if (run.configError) throw run.configError;
    return { ms: performance.now() - start, resources: run.resources.length };
}

export async function benchStacks(stacks: readonly string[], repeats = 5): Promise<StackBenchRow[]> {
    const rows: StackBenchRow[] = [];
    for (const stack of stacks) {
        const first = await time(stack);
        const samples: number[] = [];
        for (let i = 0; i < repeats; i++) samples.push((await time(stack)).ms);
        samples.sort((a, b) => a - b);
        rows.push({ stack, resources: first.resources, firstMs: first.ms, medianMs: samples[Math.floor(samples.length / 2)] });
    }
    return rows;
}

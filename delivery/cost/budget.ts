/**
 * A stack's budget, where the `budget` policy reads it: `"budget": { "monthlyUsd": N }` in `policies/<stack>.json`.
 * The plan and the PR comment print it beside the estimate; the policy judges it.
 */
import { existsSync, readFileSync } from "node:fs";

/** The monthly budget an enforcement file sets, or undefined when it sets none. */
export function budgetOf(enforcementFile: string): number | undefined {
    if (!existsSync(enforcementFile)) return undefined;
    const budget = (JSON.parse(readFileSync(enforcementFile, "utf8")) as Record<string, unknown>).budget;
    const monthlyUsd = budget !== null && typeof budget === "object" ? (budget as { monthlyUsd?: unknown }).monthlyUsd : undefined;
    // 0 is the policy's default: no budget.
    return typeof monthlyUsd === "number" && monthlyUsd > 0 ? monthlyUsd : undefined;
}

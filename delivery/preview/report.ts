/**
 * A preview's verdict in one value: policy violations, the guard's findings, the monthly cost before and after,
 * and the changes. `npm run plan`, the CI guard step and the PR comment all print this, so they never disagree.
 */
import type { GuardConfig } from "../../config";
import { estimate, money, type Estimate, type PricedResource } from "../cost/estimate";
import { judge, type GuardVerdict } from "./guard";
import type { PreviewModel } from "./model";

export interface PreviewReport {
    readonly model: PreviewModel;
    readonly guard: GuardVerdict;
    readonly cost: { readonly before: Estimate; readonly after: Estimate };
    /** The stack's budget (policies/<stack>.json `budget.monthlyUsd`), when set. */
    readonly budgetUsd?: number;
    /** False when the preview failed, a mandatory policy is violated or the guard blocks. */
    readonly ok: boolean;
}

/** The stack before and after the change, priced. */
export function costOf(model: PreviewModel): { before: Estimate; after: Estimate } {
    const side = (pick: "before" | "after"): PricedResource[] =>
        model.changes.flatMap((c) => (c[pick] && c.op !== "read" ? [{ type: c.type, name: c.renamedFrom && pick === "before" ? c.renamedFrom : c.name, inputs: c[pick] }] : []));
    return { before: estimate(side("before")), after: estimate(side("after")) };
}

export function previewReport(model: PreviewModel, guard: GuardConfig, labels: readonly string[] = [], budgetUsd?: number): PreviewReport {
    const verdict = judge(model, guard, labels);
    const mandatory = model.violations.some((v) => v.enforcementLevel === "mandatory");
    return { model, guard: verdict, cost: costOf(model), budgetUsd, ok: verdict.ok && !mandatory && model.errors.length === 0 };
}

/** `$318.82 → $321.82 (+$3.00)`. */
export function costChange(report: PreviewReport): string {
    const { before, after } = report.cost;
    const delta = after.monthlyUsd - before.monthlyUsd;
    const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
    return `${money(before.monthlyUsd)} → ${money(after.monthlyUsd)} a month (${sign}${money(Math.abs(delta))})`;
}

/** The guard's verdict as terminal lines. */
export function renderGuard(report: PreviewReport): string {
    const { guard } = report;
    if (!guard.enabled) return "Guard: off for this stack (guard.statefulChanges); replaces and deletes of data are not blocked.";
    const lines = [guard.ok ? "Guard: no unallowed replace or delete of data or identity." : `Guard: ${guard.findings.length} blocked change${guard.findings.length === 1 ? "" : "s"}:`];
    for (const f of guard.findings) lines.push(`  - ${f.message}`);
    for (const a of guard.allowed) lines.push(`  allowed: ${a.op} of ${a.resource} (${a.by})`);
    return lines.join("\n");
}

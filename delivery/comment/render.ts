/**
 * The pull-request comment of one stack's preview, verdict first: policy violations, guard findings and the cost
 * before → after; then the changes grouped by operation; then the whole diff, collapsed. The marker on its first
 * line is how the comment is found again and edited in place (post.ts).
 */
import { money } from "../cost/estimate";
import { nameOf } from "../../engine/urn";
import { UNKNOWN } from "../../engine/wire";
import { type ChangeOp, type ResourceChange } from "../preview/model";
import { costChange, type PreviewReport } from "../preview/report";
import { statefulType } from "../preview/stateful";
import { PROMOTION_SOAK_OVERRIDE } from "../../policies/rules/release/promotion-soak-override";

/** The hidden first line that marks a stack's comment. */
export function commentMarker(stack: string): string {
    return `<!-- api-environments preview: ${stack} -->`;
}

const GROUPS: readonly [ChangeOp, string][] = [
    ["replace", "Replaced"],
    ["delete", "Deleted"],
    ["create", "Created"],
    ["update", "Updated"],
];

/** Keeps a long value from flooding the comment; secrets are already `[secret]` in the model. */
const short = (value: unknown) => {
    if (value === undefined) return "—";
    const text = JSON.stringify(value).replaceAll(JSON.stringify(UNKNOWN), "(unknown until apply)");
    return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

function diffLines(change: ResourceChange): string[] {
    const before = change.before ?? {};
    const after = change.after ?? {};
    const keys = change.op === "create" ? Object.keys(after) : change.op === "delete" ? Object.keys(before) : change.diffs;
    return [...keys].sort().map((key) => {
        if (change.op === "create") return `+ ${key}: ${short(after[key])}`;
        if (change.op === "delete") return `- ${key}: ${short(before[key])}`;
        const forced = change.replaceReasons.includes(key) ? "  (forces replacement)" : "";
        return `~ ${key}: ${short(before[key])} → ${short(after[key])}${forced}`;
    });
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The comment's markdown. `runUrl` links the workflow run, for the full log. */
export function renderComment(report: PreviewReport, runUrl?: string): string {
    const { model, guard } = report;
    const mandatory = model.violations.filter((v) => v.enforcementLevel === "mandatory");
    const advisory = model.violations.filter((v) => v.enforcementLevel === "advisory");
    const out: string[] = [commentMarker(model.stack)];
    out.push(`### ${report.ok ? "✅" : "❌"} \`${model.stack}\`: ${report.ok ? "the preview passes" : "this change would be blocked"}`);
    out.push("");
    if (model.errors.length > 0) out.push(`- **The preview failed**: ${escapeCell(model.errors.join("; ")).slice(0, 1500)}`);
    out.push(`- **Policies**: ${mandatory.length} mandatory, ${advisory.length} advisory violation${advisory.length === 1 ? "" : "s"}`);
    for (const v of mandatory) out.push(`  - ❌ \`${v.policyName}\`${v.urn ? ` (${nameOf(v.urn)})` : ""}: ${escapeCell(v.message)}`);
    // An emergency promotion past the soak is advisory, yet belongs in the verdict, where a reviewer reads first.
    for (const v of advisory.filter((a) => a.policyName === PROMOTION_SOAK_OVERRIDE)) out.push(`  - ⚠️ \`${v.policyName}\`: ${escapeCell(v.message)}`);
    out.push(`- **Guard** (data and identity): ${!guard.enabled ? "off for this stack" : guard.ok ? "nothing lost" : `${guard.findings.length} blocked`}`);
    for (const f of guard.findings) out.push(`  - ❌ \`${f.resource}\`: ${escapeCell(f.message)}`);
    for (const a of guard.allowed) out.push(`  - ⚠️ allowed: ${a.op} of \`${a.resource}\` (${escapeCell(a.by)})`);
    const budget = report.budgetUsd === undefined ? "" : `, budget ${money(report.budgetUsd)}`;
    out.push(`- **Cost**: ${costChange(report)}${budget}`);
    out.push("");
    const changed = model.changes.filter((c) => c.op !== "same" && c.op !== "read");
    if (changed.length === 0) out.push("No resource changes.");
    for (const [op, title] of GROUPS) {
        const group = changed.filter((c) => c.op === op);
        if (group.length === 0) continue;
        out.push(`**${title} (${group.length})**`);
        for (const c of group) {
            const holds = statefulType(c.type) && (op === "replace" || op === "delete") ? " ⚠️ holds data or identity" : "";
            const why = op === "replace" && c.replaceReasons.length > 0 ? `: forced by ${c.replaceReasons.map((r) => `\`${r}\``).join(", ")}` : "";
            const renamed = c.renamedFrom ? ` (was \`${c.renamedFrom}\`)` : "";
            out.push(`- \`${c.name}\`${renamed} ${c.type}${why}${holds}`);
        }
        out.push("");
    }
    if (changed.length > 0) {
        out.push("<details><summary>The whole diff</summary>", "", "```diff");
        for (const c of changed) {
            const lines = diffLines(c);
            // Masked on both sides, a secret's change shows as no difference: say so rather than nothing.
            if (lines.length === 0 && c.op === "update") lines.push("~ (only secret values change)");
            out.push(`${c.op} ${c.type} ${c.name}`, ...lines.map((l) => `    ${l}`));
        }
        out.push("```", "", "</details>");
    }
    if (advisory.length > 0) {
        out.push("", `<details><summary>Advisory policy findings (${advisory.length})</summary>`, "");
        for (const v of advisory) out.push(`- \`${v.policyName}\`: ${escapeCell(v.message)}`);
        out.push("", "</details>");
    }
    out.push("", `<sub>Estimate from Fly's list prices (delivery/cost/fly-prices.json).${runUrl ? ` [Run log](${runUrl}).` : ""}</sub>`);
    return out.join("\n");
}

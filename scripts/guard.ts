/**
 * `npx tsx scripts/guard.ts --stack <stack> --preview preview.json [--events events.jsonl] [--labels '["a"]']
 * [--report comment.md] [--run-url URL]`: the CI side of the guard. Reads the real CLI's `pulumi preview --json
 * --show-sames` (and its `--event-log`, for the policy events the digest leaves out), judges it with the stack's
 * `guard` config and the pull request's labels, prints the verdict and the monthly cost before → after, and writes
 * the PR comment's markdown. Exits 1 when the preview failed, a mandatory policy is violated or the guard blocks.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { StackNameError, stackNameProblem } from "../config";
import { enforcementFileName } from "../config/stackFile";
import { budgetOf } from "../delivery/cost/budget";
import { renderEstimate } from "../delivery/cost/estimate";
import { renderComment } from "../delivery/comment/render";
import { fromCli, type CliPreviewDigest, type PreviewModel } from "../delivery/preview/model";
import { costChange, previewReport, renderGuard } from "../delivery/preview/report";
import { parseStackFile, ROOT } from "./stackFile";

/** The labels as the workflow hands them: `toJSON(github.event.pull_request.labels.*.name)`, or a comma list. */
export function parseLabels(text: string | undefined): string[] {
    if (!text?.trim()) return [];
    if (text.trim().startsWith("[")) return (JSON.parse(text) as unknown[]).map(String);
    return text.split(",").map((l) => l.trim()).filter(Boolean);
}

/** The CLI's digest, or a model that says why there is none (the preview failed before printing it). */
export function readCliPreview(stack: string, previewFile: string, eventsFile?: string): PreviewModel {
    const events = eventsFile && existsSync(eventsFile) ? readFileSync(eventsFile, "utf8") : "";
    const text = existsSync(previewFile) ? readFileSync(previewFile, "utf8").trim() : "";
    if (!text) return { stack, source: "cli", changes: [], violations: [], errors: [`pulumi preview printed no JSON to ${previewFile}: it failed before the preview ran (see the run log)`] };
    let digest: CliPreviewDigest;
    try {
        digest = JSON.parse(text) as CliPreviewDigest;
    } catch {
        return { stack, source: "cli", changes: [], violations: [], errors: [`${previewFile} is not JSON: pulumi preview --json failed part-way (see the run log)`] };
    }
    return fromCli(stack, digest, events);
}

function main(): number {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, preview: { type: "string" }, events: { type: "string" }, labels: { type: "string" }, report: { type: "string" }, "run-url": { type: "string" } },
    });
    const stack = values.stack;
    if (!stack || !values.preview) {
        console.error("usage: tsx scripts/guard.ts --stack <stack> --preview preview.json [--events events.jsonl] [--labels JSON] [--report comment.md] [--run-url URL]");
        return 2;
    }
    const badName = stackNameProblem(stack);
    if (badName !== undefined) {
        console.error(new StackNameError(stack, badName).message);
        return 2;
    }
    const guard = parseStackFile(stack).config.guard;
    const model = readCliPreview(stack, values.preview, values.events);
    const report = previewReport(model, guard, parseLabels(values.labels), budgetOf(join(ROOT, "policies", enforcementFileName(join(ROOT, "policies"), stack))));
    for (const error of model.errors) console.error(`error: ${error}`);
    console.log(renderGuard(report));
    console.log(`Cost: ${costChange(report)}\n${renderEstimate(report.cost.after)}`);
    if (values.report) writeFileSync(values.report, renderComment(report, values["run-url"]));
    return report.ok ? 0 : 1;
}

if (require.main === module) process.exit(main());

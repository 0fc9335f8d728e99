/**
 * The guard and comment steps of the workflows, as checks that return problems, so the tests can show
 * each one failing on a workflow that lacks what it checks.
 */
import { stepsIn, type Step, type Workflow } from "./workflows";

const at = (wf: Workflow, jobId: string, step: Step) => `${wf.file} job "${jobId}" step "${step.name ?? step.id ?? "?"}"`;

/**
 * `pulumi preview` writing the digest and the event log the guard reads, with the stack's policy pack. The CLI
 * registers `--event-log` only when PULUMI_DEBUG_COMMANDS is set (pkg/cmd/pulumi/operations/preview.go).
 */
function isJsonPreview(step: Step): boolean {
    const run = step.run ?? "";
    return (
        /pulumi preview\b/.test(run) && /--json\b/.test(run) && /--show-sames\b/.test(run) && /--event-log\b/.test(run) && step.env?.PULUMI_DEBUG_COMMANDS === "true" &&
        /--policy-pack policies\b/.test(run) && /--policy-pack-config "policies\/\$STACK\.json"/.test(run)
    );
}

const runsGuard = (step: Step) => /npx tsx scripts\/guard\.ts --stack "\$STACK" --preview "preview-\$STACK\.json" --events "preview-\$STACK\.events\.jsonl"/.test(step.run ?? "");

/** preview.yml: the JSON preview, the guard with the labels, and the comment on success and on failure. */
export function checkPreviewGuardAndComment(wf: Workflow): string[] {
    const problems: string[] = [];
    const types: unknown = wf.on.pull_request?.types;
    if (!Array.isArray(types) || !types.includes("labeled") || !types.includes("unlabeled")) problems.push(`${wf.file}: pull_request types need labeled and unlabeled (a label changes the guard's verdict)`);
    const steps = stepsIn(wf).filter((s) => s.jobId === "preview");
    const json = steps.findIndex((s) => isJsonPreview(s.step));
    const guard = steps.findIndex((s) => runsGuard(s.step));
    const comment = steps.findIndex((s) => /npx tsx scripts\/comment\.ts --stack "\$STACK" --pr "\$PR_NUMBER" --body "comment-\$STACK\.md"/.test(s.step.run ?? ""));
    if (json < 0) problems.push(`${wf.file}: no step runs pulumi preview --json --show-sames --event-log (PULUMI_DEBUG_COMMANDS: "true") with the stack's policy pack`);
    if (guard < 0) problems.push(`${wf.file}: no step runs scripts/guard.ts on the JSON preview`);
    if (comment < 0) problems.push(`${wf.file}: no step posts the comment with scripts/comment.ts`);
    if (json >= 0 && guard >= 0 && json > guard) problems.push(`${wf.file}: the guard runs before the JSON preview it reads`);
    if (guard >= 0 && comment >= 0 && guard > comment) problems.push(`${wf.file}: the comment is posted before the guard wrote it`);
    for (const index of [json, guard]) {
        const s = steps[index];
        if (s && !/!cancelled\(\)|always\(\)/.test(s.step.if ?? "")) problems.push(`${at(wf, s.jobId, s.step)}: needs if: \${{ !cancelled() }}, so a failed preview still gets a verdict`);
    }
    const g = steps[guard]?.step;
    if (g) {
        if (!/--labels "\$PR_LABELS"/.test(g.run ?? "") || !/github\.event\.pull_request\.labels\.\*\.name/.test(g.env?.PR_LABELS ?? "")) problems.push(`${at(wf, "preview", g)}: must pass the pull request's labels (PR_LABELS from github.event.pull_request.labels.*.name)`);
        if (!/--report "comment-\$STACK\.md"/.test(g.run ?? "")) problems.push(`${at(wf, "preview", g)}: must write the comment (--report comment-$STACK.md)`);
    }
    const c = steps[comment]?.step;
    if (c) {
        if (!/^\$\{\{\s*(!cancelled\(\)|always\(\))\s*\}\}$/.test(c.if ?? "")) problems.push(`${at(wf, "preview", c)}: needs if: \${{ !cancelled() }}: the comment is posted on failure too`);
        if (!/github\.token/.test(c.env?.COMMENT_TOKEN ?? "")) problems.push(`${at(wf, "preview", c)}: COMMENT_TOKEN must be github.token (pull-requests: write), never a provider credential`);
        if (!/github\.event\.pull_request\.number/.test(c.env?.PR_NUMBER ?? "")) problems.push(`${at(wf, "preview", c)}: PR_NUMBER must be the pull request's number`);
    }
    const permissions = wf.jobs.preview?.permissions as Record<string, string> | undefined;
    if (permissions?.["pull-requests"] !== "write") problems.push(`${wf.file} job "preview": needs permissions pull-requests: write`);
    return problems;
}

/** deploy.yml: every `npm run up` applies the plan of a preview the guard passed, in the same job. */
export function checkDeployGuard(wf: Workflow): string[] {
    const problems: string[] = [];
    const ups = stepsIn(wf).filter((s) => /\bnpm run up\b|delivery\/cli\/main\.ts up\b|\bpulumi up\b/.test(s.step.run ?? ""));
    if (ups.length === 0) problems.push(`${wf.file}: no step runs npm run up`);
    for (const up of ups) {
        const before = stepsIn(wf).filter((s) => s.jobId === up.jobId && s.index < up.index);
        const preview = before.find((s) => isJsonPreview(s.step) && runsGuard(s.step));
        if (!preview) {
            problems.push(`${at(wf, up.jobId, up.step)}: no earlier step of the job previews as JSON and runs scripts/guard.ts on it`);
            continue;
        }
        if (!/--save-plan "plan-\$STACK\.json"/.test(preview.step.run ?? "")) problems.push(`${at(wf, up.jobId, preview.step)}: must save the update plan (--save-plan "plan-$STACK.json")`);
        if (!/--plan "plan-\$STACK\.json"/.test(up.step.run ?? "")) problems.push(`${at(wf, up.jobId, up.step)}: must apply the guarded plan (--plan "plan-$STACK.json")`);
    }
    return problems;
}

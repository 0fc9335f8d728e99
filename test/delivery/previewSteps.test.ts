/**
 * The guard and comment steps in preview.yml and deploy.yml: what GitHub's runners run and this machine cannot, so
 * the steps are checked as data, each check with a workflow that breaks it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkDeployGuard, checkPreviewGuardAndComment } from "./previewSteps";
import { loadWorkflow, type Workflow } from "./workflows";

const copy = (wf: Workflow): any => structuredClone(wf);

describe("preview.yml: the guard and our own comment", () => {
    const preview = loadWorkflow("preview.yml");

    it("previews as JSON, guards with the pull request's labels, and comments on success and on failure", () => {
        assert.deepEqual(checkPreviewGuardAndComment(preview), []);
    });

    it("rejects a comment posted only on success, a guard without labels, a missing JSON preview and label events", () => {
        const wf = copy(preview);
        const steps = wf.jobs.preview.steps;
        steps.find((s: any) => /scripts\/comment\.ts/.test(s.run ?? "")).if = "${{ success() }}";
        steps.find((s: any) => /scripts\/guard\.ts/.test(s.run ?? "")).run = 'npx tsx scripts/guard.ts --stack "$STACK" --preview "preview-$STACK.json" --events "preview-$STACK.events.jsonl" --report "comment-$STACK.md"';
        wf.on.pull_request.types = ["opened", "synchronize"];
        const problems = checkPreviewGuardAndComment(wf).join("\n");
        assert.match(problems, /needs if: \$\{\{ !cancelled\(\) \}\}: the comment is posted on failure too/);
        assert.match(problems, /must pass the pull request's labels/);
        assert.match(problems, /types need labeled and unlabeled/);

        const noJson = copy(preview);
        noJson.jobs.preview.steps = noJson.jobs.preview.steps.filter((s: any) => !/pulumi preview/.test(s.run ?? ""));
        assert.match(checkPreviewGuardAndComment(noJson).join("\n"), /no step runs pulumi preview --json --show-sames --event-log/);

        // Without PULUMI_DEBUG_COMMANDS the CLI does not know --event-log: the step would fail on the flag.
        const noDebug = copy(preview);
        delete noDebug.jobs.preview.steps.find((s: any) => /pulumi preview/.test(s.run ?? "")).env.PULUMI_DEBUG_COMMANDS;
        assert.match(checkPreviewGuardAndComment(noDebug).join("\n"), /no step runs pulumi preview --json/);
    });

    it("rejects a comment token that is a provider credential", () => {
        const wf = copy(preview);
        wf.jobs.preview.steps.find((s: any) => /scripts\/comment\.ts/.test(s.run ?? "")).env.COMMENT_TOKEN = "${{ secrets.GH_PROVIDER_TOKEN }}";
        assert.match(checkPreviewGuardAndComment(wf).join("\n"), /COMMENT_TOKEN must be github\.token/);
    });
});

describe("deploy.yml: every up applies a guarded plan", () => {
    const deploy = loadWorkflow("deploy.yml");

    it("previews, guards and saves the plan before each up, which applies that plan", () => {
        assert.deepEqual(checkDeployGuard(deploy), []);
    });

    it("rejects an up without the plan, and an up with no guard before it", () => {
        const wf = copy(deploy);
        const up = wf.jobs["deploy-prod"].steps.find((s: any) => /npm run up/.test(s.run ?? ""));
        up.run = up.run.replace(/ --plan "plan-\$STACK\.json"/, "");
        wf.jobs["deploy-staging"].steps = wf.jobs["deploy-staging"].steps.filter((s: any) => !/scripts\/guard\.ts/.test(s.run ?? ""));
        const problems = checkDeployGuard(wf).join("\n");
        assert.match(problems, /job "deploy-prod" step "Up": must apply the guarded plan/);
        assert.match(problems, /job "deploy-staging" step "Up": no earlier step of the job previews as JSON and runs scripts\/guard\.ts/);
    });
});

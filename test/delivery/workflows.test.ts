/**
 * The workflows keep the gating that matters. Each rule runs on the real workflow files (no violations) and on a
 * copy broken in one place (the rule's violation), so a rule that cannot fail would show here.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../harness/stack";
import {
    checkForkSafety,
    checkPreview,
    checkProdDeploy,
    checkSecretsNotPrinted,
    checkRevertPromotion,
    checkVerifyAfterUp,
    checkStateExportBeforeUp,
    checkEndToEnd,
    checkUpConcurrency,
    stackCommand,
} from "./gating";
import { parseSecretTable } from "./access";
import { loadWorkflow, matrixValues, REVIEW_STACKS, stackFiles, stepsIn, Workflow, WORKFLOW_DIR, workflowFiles } from "./workflows";

const load = (file: string) => loadWorkflow(file);
/** A deep copy to break in one place. */
const copy = (wf: Workflow): any => structuredClone(wf);

/** GitHub environment per stack, from the stack files' `github.environment` (what the program creates). */
function githubEnvironments(): Record<string, string> {
    const project = (parseYaml(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const out: Record<string, string> = {};
    for (const { stack } of stackFiles()) {
        const doc = parseYaml(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, any> };
        const env = doc.config?.[`${project}:github`]?.environment;
        if (env) out[stack] = String(env);
    }
    return out;
}
const cloudStacks = stackFiles().filter((s) => s.platform !== "local").map((s) => s.stack);

describe("the workflow files", () => {
    it("are ci, preview, deploy, drift, review and review-sweeper", () => {
        assert.deepEqual(workflowFiles(), ["ci.yml", "deploy.yml", "drift.yml", "preview.yml", "review-sweeper.yml", "review.yml"]);
    });

    it("the stack files' GitHub environments are the ones the workflows deploy into", () => {
        assert.deepEqual(githubEnvironments(), { prod: "production", staging: "staging" });
    });
});

describe("deploy: prod", () => {
    const deploy = load("deploy.yml");

    it("runs only on main, inside production, after the tests and the policy gate", () => {
        assert.deepEqual(checkProdDeploy(deploy, load), []);
    });

    it("rejects a prod deploy that may run on another branch", () => {
        const wf = copy(deploy);
        wf.jobs["deploy-prod"].if = "github.ref == 'refs/heads/main' || github.event_name == 'workflow_dispatch'";
        assert.match(checkProdDeploy(wf, load).join("\n"), /deploy-prod.*must run only on main/);
        delete wf.jobs["deploy-prod"].if;
        assert.match(checkProdDeploy(wf, load).join("\n"), /must run only on main/);
    });

    it("rejects a prod deploy outside the production environment", () => {
        const wf = copy(deploy);
        wf.jobs["deploy-prod"].environment = { name: "staging" };
        assert.match(checkProdDeploy(wf, load).join("\n"), /expected exactly one job in environment "production", found 0/);
    });

    it("rejects a prod deploy that does not wait for the tests or the policy gate", () => {
        const wf = copy(deploy);
        wf.jobs["deploy-prod"].needs = ["policy-gate-prod"];
        wf.jobs["policy-gate-prod"].needs = [];
        assert.match(checkProdDeploy(wf, load).join("\n"), /needs no job that runs the tests/);
        wf.jobs["deploy-prod"].needs = [];
        const problems = checkProdDeploy(wf, load).join("\n");
        assert.match(problems, /needs no job that runs the tests/);
        assert.match(problems, /needs no policy gate for "prod"/);
    });

    it("finds the tests and the policy gate inside the reusable ci workflow", () => {
        const ciWithoutTests: Workflow = copy(load("ci.yml"));
        for (const job of Object.values(ciWithoutTests.jobs)) (job as any).steps = (job.steps ?? []).filter((s) => !/npm (run )?test|npm run plan/.test(s.run ?? ""));
        const wf = copy(deploy);
        wf.jobs["deploy-prod"].needs = ["ci"];
        const problems = checkProdDeploy(wf, (f) => (f === "ci.yml" ? ciWithoutTests : load(f))).join("\n");
        assert.match(problems, /needs no job that runs the tests/);
        assert.match(problems, /needs no policy gate/);
    });

    it("rejects a second job that deploys prod outside production", () => {
        const wf = copy(deploy);
        wf.jobs.sneaky = { "runs-on": "ubuntu-latest", steps: [{ run: "npm run up -- prod" }] };
        assert.match(checkProdDeploy(wf, load).join("\n"), /job "sneaky": deploys "prod" outside the "production" environment/);
    });

    it("exports the state as an artifact before the up", () => {
        assert.deepEqual(checkStateExportBeforeUp(deploy, "prod"), []);
        assert.deepEqual(checkStateExportBeforeUp(deploy, "staging"), []);
        const wf = copy(deploy);
        const steps = wf.jobs["deploy-prod"].steps;
        const upIndex = steps.findIndex((s: any) => stackCommand("up").test(s.run ?? ""));
        const [up] = steps.splice(upIndex, 1);
        steps.splice(2, 0, up);
        assert.match(checkStateExportBeforeUp(wf, "prod").join("\n"), /must both come before the up/);
        wf.jobs["deploy-prod"].steps = steps.filter((s: any) => !s.uses?.startsWith("actions/upload-artifact"));
        assert.match(checkStateExportBeforeUp(wf, "prod").join("\n"), /is not uploaded with actions\/upload-artifact/);
    });

    it("verifies after each up, rolls back only when verification failed, then fails with what happened", () => {
        assert.deepEqual(checkVerifyAfterUp(deploy, "prod"), []);
        assert.deepEqual(checkVerifyAfterUp(deploy, "staging"), []);
        const steps = (wf: any, job: string) => wf.jobs[job].steps as any[];
        const at = (wf: any, job: string, command: string) => steps(wf, job).findIndex((s) => stackCommand(command).test(s.run ?? ""));

        let wf = copy(deploy);
        wf.jobs["deploy-prod"].steps = steps(wf, "deploy-prod").filter((s) => !stackCommand("verify").test(s.run ?? ""));
        assert.match(checkVerifyAfterUp(wf, "prod").join("\n"), /job "deploy-prod": no npm run verify -- prod after the up/);

        wf = copy(deploy);
        const list = steps(wf, "deploy-staging");
        const [verify] = list.splice(at(wf, "deploy-staging", "verify"), 1);
        list.splice(at(wf, "deploy-staging", "up"), 0, verify);
        assert.match(checkVerifyAfterUp(wf, "staging").join("\n"), /no npm run verify -- staging after the up/, "a verification before the up verifies the old release");

        wf = copy(deploy);
        delete steps(wf, "deploy-prod")[at(wf, "deploy-prod", "rollback")].if;
        assert.match(checkVerifyAfterUp(wf, "prod").join("\n"), /the rollback must run only when the verification failed/);

        wf = copy(deploy);
        steps(wf, "deploy-prod")[at(wf, "deploy-prod", "rollback")].run = 'npm run rollback -- "$STACK"';
        assert.match(checkVerifyAfterUp(wf, "prod").join("\n"), /no npm run rollback -- prod --yes/, "without --yes nobody answers the confirmation");

        wf = copy(deploy);
        wf.jobs["deploy-prod"].steps = steps(wf, "deploy-prod").filter((s) => !/exit 1/.test(s.run ?? ""));
        assert.match(checkVerifyAfterUp(wf, "prod").join("\n"), /after the rollback no step fails the job/);
    });

    it("names a soak override in the prod up's message and as a warning", () => {
        const up = deploy.jobs["deploy-prod"].steps!.find((s) => stackCommand("up").test(s.run ?? ""))!;
        assert.match(up.run!, /pulumi config get --stack "\$STACK" --path promotion\.override\.reason/);
        assert.match(up.run!, /::warning::.*\$override/);
        assert.match(up.run!, /--message "[^"]*\$\{override:\+; soak overridden: \$override\}"/);
    });

    it("opens the pull request reverting the promotion when prod failed verification, with the least rights", () => {
        assert.deepEqual(checkRevertPromotion(deploy), []);
        const revert = deploy.jobs["revert-promotion"];
        assert.deepEqual(revert.permissions, { contents: "write", "pull-requests": "write" });
        const script = revert.steps!.map((s) => s.run ?? "").join("\n");
        assert.match(script, /git log -1 --format=%H -G 'healthyAt:' "\$GITHUB_SHA" -- Pulumi\.prod\.yaml/, "it reverts the last change of prod's promotion record");

        let wf = copy(deploy);
        wf.jobs["revert-promotion"].if = "failure()";
        assert.match(checkRevertPromotion(wf).join("\n"), /must run only when deploy-prod's verification failed/);
        wf = copy(deploy);
        wf.jobs["revert-promotion"].environment = "production";
        wf.jobs["revert-promotion"].steps[1].env.FLY_API_TOKEN = "${{ secrets.FLY_API_TOKEN }}";
        assert.match(checkRevertPromotion(wf).join("\n"), /must hold no deploy credentials/);
        wf = copy(deploy);
        wf.jobs["deploy-prod"].permissions = { contents: "write" };
        assert.match(checkRevertPromotion(wf).join("\n"), /job "deploy-prod": only revert-promotion may write contents or pull requests/);
        wf = copy(deploy);
        delete wf.jobs["deploy-prod"].outputs;
        assert.match(checkRevertPromotion(wf).join("\n"), /no job output carrying the verification's outcome/);
        wf = copy(deploy);
        delete wf.jobs["revert-promotion"];
        assert.match(checkRevertPromotion(wf).join("\n"), /expected one job that reverts the promotion/);
    });
});

describe("deploy: concurrency and environments of every up", () => {
    const deploy = load("deploy.yml");
    // Review stacks deploy in the one environment docs/delivery.md lists for them (review.yml).
    const review = parseSecretTable(readFileSync(join(ROOT, "docs", "delivery.md"), "utf8")).filter((r) => r.stack === REVIEW_STACKS);
    const environments = { ...githubEnvironments(), ...Object.fromEntries(review.map((r) => [REVIEW_STACKS, r.where])) };

    it("the review stacks have one environment", () => {
        assert.deepEqual(review.map((r) => r.where), ["review"]);
    });

    it("never cancels a running up, one group per stack, each in its GitHub environment", () => {
        for (const file of workflowFiles()) assert.deepEqual(checkUpConcurrency(load(file), environments), [], file);
    });

    it("staging deploys only from the staging branch", () => {
        const job = deploy.jobs["deploy-staging"];
        assert.equal(job.if, "github.ref == 'refs/heads/staging'");
        assert.deepEqual(deploy.on.push.branches, ["main", "staging"]);
    });

    it("rejects cancel-in-progress, a shared group, a missing group, and a workflow-level cancel", () => {
        let wf = copy(deploy);
        wf.jobs["deploy-prod"].concurrency["cancel-in-progress"] = true;
        assert.match(checkUpConcurrency(wf, environments).join("\n"), /deploy-prod.*never cancel a running up/);
        wf.jobs["deploy-prod"].concurrency = { group: "deploy" };
        const problems = checkUpConcurrency(wf, environments).join("\n");
        assert.match(problems, /never cancel a running up/);
        assert.match(problems, /group "deploy" is not per stack/);
        delete wf.jobs["deploy-prod"].concurrency;
        assert.match(checkUpConcurrency(wf, environments).join("\n"), /without a concurrency group/);
        wf = copy(deploy);
        wf.concurrency = { group: "deploy-${{ github.ref }}", "cancel-in-progress": true };
        assert.match(checkUpConcurrency(wf, environments).join("\n"), /workflow concurrency may cancel/);
    });

    it("rejects an up of staging inside production", () => {
        const wf = copy(deploy);
        wf.jobs["deploy-staging"].environment = { name: "production" };
        assert.match(checkUpConcurrency(wf, environments).join("\n"), /deploys "staging" outside its GitHub environment "staging"/);
    });
});

describe("preview", () => {
    const preview = load("preview.yml");

    it("runs pulumi/actions preview with the policy pack and a group per stack, for every cloud stack", () => {
        assert.deepEqual(cloudStacks, ["prod", "staging"]);
        assert.deepEqual(checkPreview(preview, cloudStacks), []);
    });

    it("rejects a preview that posts pulumi/actions' comment, lacks the policy config or a stack", () => {
        const wf = copy(preview);
        const step = wf.jobs.preview.steps.find((s: any) => s.uses?.startsWith("pulumi/actions"));
        step.with["comment-on-pr"] = true;
        delete step.with.policyPackConfigs;
        wf.jobs.preview.strategy.matrix.include = wf.jobs.preview.strategy.matrix.include.filter((leg: any) => leg.stack === "staging");
        const problems = checkPreview(wf, cloudStacks).join("\n");
        assert.match(problems, /comment-on-pr: false/);
        assert.match(problems, /policyPackConfigs must be policies\/\$\{\{ matrix.stack \}\}.json/);
        assert.match(problems, /does not preview stack "prod"/);
    });

    it("pins the same Pulumi CLI as the pulumi devDependency", () => {
        const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
        const step = stepsIn(preview).find((s) => s.step.uses?.startsWith("pulumi/actions"))!;
        assert.equal(String(step.step.with?.["pulumi-version"]), pkg.devDependencies.pulumi);
    });
});

describe("secrets and forks", () => {
    it("no workflow runs secrets for forks: no pull_request_target, same-repository condition on secret jobs", () => {
        for (const file of workflowFiles()) assert.deepEqual(checkForkSafety(load(file)), [], file);
    });

    it("rejects pull_request_target and a secret job without the same-repository condition", () => {
        const wf = copy(load("preview.yml"));
        wf.on.pull_request_target = {};
        delete wf.jobs.preview.if;
        const problems = checkForkSafety(wf).join("\n");
        assert.match(problems, /pull_request_target runs fork code with secrets/);
        assert.match(problems, /job "preview": uses secrets on pull_request without if/);
    });

    it("ci needs no secrets, so forks get it", () => {
        const text = readFileSync(join(WORKFLOW_DIR, "ci.yml"), "utf8");
        assert.doesNotMatch(text, /secrets\./);
        assert.ok("pull_request" in load("ci.yml").on);
    });

    it("no step prints a secret", () => {
        for (const file of workflowFiles()) assert.deepEqual(checkSecretsNotPrinted(load(file)), [], file);
    });

    it("rejects secrets interpolated into run, echoed, or dumped", () => {
        const wf = copy(load("deploy.yml"));
        const steps = wf.jobs["deploy-prod"].steps;
        steps.push({ name: "debug", run: "echo ${{ secrets.FLY_API_TOKEN }}" });
        steps.push({ name: "debug2", run: 'echo "token is $FLY_API_TOKEN"' });
        steps.push({ name: "debug3", run: "set -x\nprintf '%s' \"${SENTRY_AUTH_TOKEN}\"" });
        steps.push({ name: "debug4", run: "printenv | sort" });
        const problems = checkSecretsNotPrinted(wf).join("\n");
        assert.match(problems, /step debug: interpolates secrets\.\* into a run script/);
        assert.match(problems, /step debug2: prints FLY_API_TOKEN/);
        assert.match(problems, /step debug3: set -x/);
        assert.match(problems, /step debug3: prints SENTRY_AUTH_TOKEN/);
        assert.match(problems, /step debug4: dumps the environment/);
    });
});

describe("ci: the real CLI end to end", () => {
    const ci = load("ci.yml");

    it("has the e2e job: pinned CLI, dev up, health, no-op preview, image change, destroy, then staging and prod previews", () => {
        assert.deepEqual(checkEndToEnd(ci), []);
        assert.deepEqual(ci.jobs.e2e.permissions, { contents: "read" });
    });

    it("rejects a missing step, steps out of order, and a job with secrets or a lasting backend", () => {
        const wf = copy(ci);
        const steps = wf.jobs.e2e.steps;
        const destroy = steps.findIndex((s: any) => /pulumi destroy/.test(s.run ?? ""));
        const noop = steps.findIndex((s: any) => /--expect-no-changes/.test(s.run ?? ""));
        assert.ok(destroy > 0 && noop > 0);
        [steps[destroy], steps[noop]] = [steps[noop], steps[destroy]];
        wf.jobs.e2e.steps = steps.filter((s: any) => !/git diff --exit-code/.test(s.run ?? ""));
        let problems = checkEndToEnd(wf).join("\n");
        assert.match(problems, /missing: no tracked file changed/);
        assert.match(problems, /out of order: pulumi destroy/);
        const lasting = copy(ci);
        lasting.jobs.e2e.steps[2].run = lasting.jobs.e2e.steps[2].run.replace(/PULUMI_BACKEND_URL=file:\/\/\$RUNNER_TEMP/, "PULUMI_BACKEND_URL=s3://acme-state");
        lasting.jobs.e2e.env.FLY_API_TOKEN = "${{ secrets.FLY_API_TOKEN }}";
        problems = checkEndToEnd(lasting).join("\n");
        assert.match(problems, /must use no secrets/);
        assert.match(problems, /file backend under RUNNER_TEMP/);
        assert.match(checkUpConcurrency(lasting, githubEnvironments()).join("\n"), /e2e.*up of "dev" without a concurrency group/, "an up into a lasting backend gets the deploy rules");
    });
});

describe("one Node major: 24", () => {
    it("the setup action installs Node 24, every job gets Node through it, and the sample API builds and declares 24", () => {
        const setup = parseYaml(readFileSync(join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8")) as { runs: { steps: { uses?: string; with?: Record<string, unknown> }[] } };
        const node = setup.runs.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
        assert.equal(String(node?.with?.["node-version"]), "24");
        for (const file of workflowFiles()) {
            assert.ok(!stepsIn(load(file)).some((s) => s.step.uses?.startsWith("actions/setup-node@")), `${file}: set Node up through ./.github/actions/setup`);
        }
        assert.match(readFileSync(join(ROOT, "examples", "api", "Dockerfile"), "utf8"), /^FROM node:24-alpine$/m);
        const api = JSON.parse(readFileSync(join(ROOT, "examples", "api", "package.json"), "utf8")) as { engines: { node: string } };
        assert.equal(api.engines.node, ">=24");
    });
});

describe("ci and drift cover every stack", () => {
    it("ci plans every stack file offline, and runs typecheck, lint and tests", () => {
        const ci = load("ci.yml");
        assert.deepEqual(matrixValues(ci.jobs.plan, "stack").sort(), stackFiles().map((s) => s.stack));
        assert.match(ci.jobs.plan.steps!.map((s) => s.run ?? "").join("\n"), /npm run plan -- "\$STACK"/);
        const runs = ci.jobs.test.steps!.map((s) => s.run ?? "").join("\n");
        for (const cmd of ["npm run typecheck", "npm run lint", "npm test"]) assert.ok(runs.includes(cmd), cmd);
        assert.equal(ci.jobs.test.name, "ci", "the required status check is named ci");
    });

    it("drift is scheduled for every cloud stack, changes nothing, and reports through an issue", () => {
        const drift = load("drift.yml");
        assert.ok(Array.isArray(drift.on.schedule) && drift.on.schedule.length > 0);
        assert.deepEqual(matrixValues(drift.jobs.drift, "stack").sort(), cloudStacks);
        const scripts = stepsIn(drift).map((s) => s.step.run ?? "").join("\n");
        assert.match(scripts, /npm run drift -- "\$STACK"/);
        assert.doesNotMatch(scripts, new RegExp(`${stackCommand("up").source}|${stackCommand("refresh").source}|pulumi (up|refresh|destroy)\\b`));
        assert.ok(!stepsIn(drift).some((s) => s.step.uses?.startsWith("pulumi/actions")), "drift uses the stack commands only");
        assert.match(scripts, /gh issue create/);
        assert.match(scripts, /gh issue comment/);
        assert.deepEqual(drift.jobs.drift.permissions, { contents: "read", issues: "write" });
    });
});

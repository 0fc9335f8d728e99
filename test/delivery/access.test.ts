/**
 * Least-privilege delivery: the real workflows pass every access check, and each check reports a copy of a
 * workflow (or its text) broken in one place, so none of them can pass vacuously.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../harness/stack";
import {
    buildAccessModel,
    checkCredentialedJobs,
    checkIsolatedInstalls,
    checkLeastPermissions,
    checkPinsInText,
    checkPullRequestSecrets,
    checkSecretTable,
    environmentsFromStacks,
    jobSecrets,
    parseSecretTable,
    productionStacks,
    readLocalAction,
    readPins,
    REPOSITORY,
} from "./access";
import { ACTIONS_DIR, loadWorkflow, Workflow, WORKFLOW_DIR, workflowFiles } from "./workflows";

const load = (file: string) => loadWorkflow(file);
const copy = (wf: Workflow): any => structuredClone(wf);
const docs = readFileSync(join(ROOT, "docs", "delivery.md"), "utf8");
const rows = parseSecretTable(docs);
const model = buildAccessModel(rows);
const SETUP = join(ACTIONS_DIR, "setup", "action.yml");
/** Every workflow and local action, as `[path, text]`. */
const texts: [string, string][] = [
    ...workflowFiles().map((f): [string, string] => [`.github/workflows/${f}`, readFileSync(join(WORKFLOW_DIR, f), "utf8")]),
    [".github/actions/setup/action.yml", readFileSync(SETUP, "utf8")],
];
const prodLeg = (wf: any) => wf.jobs.preview.strategy.matrix.include.find((leg: any) => leg.stack === "prod");

describe("the model: which secret lives in which environment", () => {
    it("docs/delivery.md lists exactly the environments the stack files create, and nothing at repository level", () => {
        assert.deepEqual(checkSecretTable(rows), []);
        assert.deepEqual(model.repositorySecrets, []);
        assert.deepEqual(productionStacks(), ["prod"]);
        const byName = Object.fromEntries(model.environments.map((e) => [e.name, [e.kind, e.production, e.reviewed, e.branches ?? "every run"]]));
        assert.deepEqual(byName, {
            production: ["deploy", true, true, ["main"]],
            "production-preview": ["read", true, true, "every run"],
            "production-readonly": ["read", true, false, ["main"]],
            // Set up by hand for every review stack (docs/review-stacks.md); review.yml admits only what a maintainer asked for.
            review: ["deploy", false, false, "every run"],
            staging: ["deploy", false, false, ["staging"]],
            "staging-readonly": ["read", false, false, "every run"],
        });
        for (const env of model.environments) assert.ok(env.secrets.includes("PULUMI_CONFIG_PASSPHRASE"), `${env.name} holds its stack's passphrase`);
    });

    it("reports a table that misses an environment, names one no stack creates, or has no repository row", () => {
        const broken = rows.filter((r) => r.where !== "production-preview" && r.where !== REPOSITORY).map((r) => (r.where === "staging" ? { ...r, where: "stage" } : r));
        const text = checkSecretTable(broken).join("\n");
        assert.match(text, /lists no secrets for environment "production-preview" \(stack prod\)/);
        assert.match(text, /lists environment "stage", which no stack file creates/);
        assert.match(text, /must have a "repository" row/);
        assert.match(checkSecretTable(rows.map((r) => (r.where === "production-readonly" ? { ...r, stack: "staging" } : r))).join("\n"), /"production-readonly" serves stack "staging"/);
        assert.ok(environmentsFromStacks().length === 5);
    });
});

describe("pull-request jobs never read a production secret outside an approved environment", () => {
    it("holds for every workflow", () => {
        for (const file of workflowFiles()) assert.deepEqual(checkPullRequestSecrets(load(file), model, load), [], file);
    });

    it("the prod preview does read production secrets, through production-preview (the check has something to judge)", () => {
        const preview = load("preview.yml");
        const names = jobSecrets(preview, preview.jobs.preview);
        for (const name of ["PULUMI_CONFIG_PASSPHRASE", "FLY_API_TOKEN", "GH_PROVIDER_TOKEN"]) assert.ok(names.has(name), name);
        assert.equal(prodLeg(preview).environment, "production-preview");
    });

    it("reports the prod preview in an environment without reviewers, or in none", () => {
        const wf = copy(load("preview.yml"));
        prodLeg(wf).environment = "production-readonly";
        assert.match(checkPullRequestSecrets(wf, model, load).join("\n"), /job "preview" \(stack=prod, environment=production-readonly\): reads production secret PULUMI_CONFIG_PASSPHRASE from environment "production-readonly", which runs without a required reviewer/);
        delete wf.jobs.preview.environment;
        const text = checkPullRequestSecrets(wf, model, load).join("\n");
        assert.match(text, /\(stack=prod, environment=production-readonly\): reads production secret FLY_API_TOKEN outside an approved environment \(the job has no environment\)/);
        assert.match(text, /stack=staging/, "without an environment the staging leg reads the same names from the repository level");
    });

    it("reports an environment the test cannot resolve", () => {
        const wf = copy(load("preview.yml"));
        wf.jobs.preview.environment = "${{ github.event.pull_request.head.ref }}";
        assert.match(checkPullRequestSecrets(wf, model, load).join("\n"), /cannot be resolved/);
    });

    it("finds secrets in workflow env, step env, with, run, toJSON(secrets) and local composite actions", () => {
        const ci = load("ci.yml");
        let wf = copy(ci);
        wf.env = { LEAK: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" };
        assert.match(checkPullRequestSecrets(wf, model, load).join("\n"), /ci\.yml job "test": reads production secret PULUMI_CONFIG_PASSPHRASE outside an approved environment/);
        wf = copy(ci);
        wf.jobs.test.steps.push({ uses: "some/action@" + "a".repeat(40), with: { token: "${{ secrets['FLY_API_TOKEN'] }}" } });
        assert.match(checkPullRequestSecrets(wf, model, load).join("\n"), /reads production secret FLY_API_TOKEN/);
        wf = copy(ci);
        wf.jobs.plan.steps.push({ run: "echo '${{ toJSON(secrets) }}' > /dev/null" });
        assert.match(checkPullRequestSecrets(wf, model, load).join("\n"), /job "plan" \(stack=dev\): reads every secret/);
        const readAction = (uses: string) => (uses === "./.github/actions/setup" ? `${readLocalAction(uses)}\n    - run: echo "\${{ secrets.SENTRY_AUTH_TOKEN }}"\n      shell: bash\n` : readLocalAction(uses));
        assert.match(checkPullRequestSecrets(ci, model, load, { readAction }).join("\n"), /job "test": reads production secret SENTRY_AUTH_TOKEN/);
    });

    it("follows reusable workflows and secrets: inherit", () => {
        const leaky = copy(load("ci.yml"));
        leaky.jobs.test.env = { FLY_API_TOKEN: "${{ secrets.FLY_API_TOKEN }}" };
        const caller = copy(load("preview.yml"));
        caller.jobs.checks = { uses: "./.github/workflows/ci.yml", secrets: "inherit" };
        const text = checkPullRequestSecrets(caller, model, (f) => (f === "ci.yml" ? leaky : load(f))).join("\n");
        assert.match(text, /ci\.yml job "test": reads production secret FLY_API_TOKEN/);
        assert.match(text, /preview\.yml job "checks": reads every secret/);
    });

    it("reports deploy.yml if pull requests could trigger it: the prod policy gate's environment has no reviewer", () => {
        const wf = copy(load("deploy.yml"));
        wf.on.pull_request = null;
        const text = checkPullRequestSecrets(wf, model, load).join("\n");
        assert.match(text, /job "policy-gate-prod": reads production secret \w+ from environment "production-readonly", which runs without a required reviewer/);
        assert.doesNotMatch(text, /deploy-prod/, "production has required reviewers");
    });
});

describe("jobs with credentials run in an environment that holds them, of the right kind", () => {
    it("holds for every workflow: previews, policy gates and drift in read environments, ups in deploy ones", () => {
        for (const file of workflowFiles()) assert.deepEqual(checkCredentialedJobs(load(file), model), [], file);
    });

    it("reports drift without an environment, a gate in the deploy environment, an up in a read one, and a secret no environment holds", () => {
        const drift = copy(load("drift.yml"));
        delete drift.jobs.drift.environment;
        assert.match(checkCredentialedJobs(drift, model).join("\n"), /drift\.yml job "drift" \(stack=prod, environment=production-readonly\): reads .*PULUMI_CONFIG_PASSPHRASE.* outside any environment/);
        const deploy = copy(load("deploy.yml"));
        deploy.jobs["policy-gate-prod"].environment = "production";
        deploy.jobs["deploy-prod"].environment = { name: "production-readonly" };
        deploy.jobs["deploy-staging"].env.EXTRA = "${{ secrets.NEW_TOKEN }}";
        const text = checkCredentialedJobs(deploy, model).join("\n");
        assert.match(text, /job "policy-gate-prod": does not deploy but runs in deploy environment "production"/);
        assert.match(text, /job "deploy-prod": runs pulumi up but runs in read environment "production-readonly"/);
        assert.match(text, /job "deploy-staging": reads NEW_TOKEN, which environment "staging" does not hold/);
    });

    it("reports a staging preview with prod's credentials and a prod gate with staging's", () => {
        const preview = copy(load("preview.yml"));
        for (const leg of preview.jobs.preview.strategy.matrix.include) leg.environment = leg.stack === "staging" ? "production-preview" : "staging-readonly";
        const text = checkCredentialedJobs(preview, model).join("\n");
        assert.match(text, /\(stack=staging, environment=production-preview\): works on stack staging with the credentials of environment "production-preview" \(stack prod\)/);
        assert.match(text, /\(stack=prod, environment=staging-readonly\): works on stack prod/);
        const deploy = copy(load("deploy.yml"));
        deploy.jobs["policy-gate-prod"].environment = "staging-readonly";
        assert.match(checkCredentialedJobs(deploy, model).join("\n"), /job "policy-gate-prod": works on stack prod with the credentials of environment "staging-readonly"/);
    });
});

describe("every job has exactly the token permissions it uses", () => {
    it("holds for every workflow, and nothing is granted by default", () => {
        for (const file of workflowFiles()) assert.deepEqual(checkLeastPermissions(load(file), load), [], file);
    });

    it("reports a missing default, a job without a block, an unused or broader scope, and a missing one", () => {
        const preview = copy(load("preview.yml"));
        delete preview.permissions;
        preview.jobs.preview.permissions = { contents: "write", "pull-requests": "write", "id-token": "write" };
        let text = checkLeastPermissions(preview, load).join("\n");
        assert.match(text, /preview\.yml: set permissions: \{\} at the top/);
        assert.match(text, /grants contents: write, but its steps need contents: read/);
        assert.match(text, /grants id-token: write, which no step uses/);
        const drift = copy(load("drift.yml"));
        drift.jobs.drift.permissions = { contents: "read" };
        assert.match(checkLeastPermissions(drift, load).join("\n"), /job "drift": lacks issues: write/);
        const deploy = copy(load("deploy.yml"));
        deploy.jobs["deploy-prod"].permissions = "write-all";
        delete deploy.jobs.ci.permissions;
        text = checkLeastPermissions(deploy, load).join("\n");
        assert.match(text, /job "deploy-prod": declares no permissions block \(found "write-all"\)/);
        assert.match(text, /job "ci": declares no permissions block/);
    });
});

describe("actions are pinned by verified commit SHA", () => {
    const pins = readPins();

    it("pins.md lists the five verified actions", () => {
        assert.deepEqual(pins.map((p) => p.action).sort(), ["actions/cache", "actions/checkout", "actions/setup-node", "actions/upload-artifact", "pulumi/actions"]);
    });

    it("each is at its current major line (v7, cache v5), on the node24 runtime", () => {
        const rows = readFileSync(join(ROOT, "contracts", "github-actions", "pins.md"), "utf8").split("\n").filter((l) => /^\| `[\w.-]+\/[\w.-]+`/.test(l));
        assert.equal(rows.length, pins.length);
        for (const row of rows) assert.match(row, /\| node24 \|/, row);
        for (const pin of pins) assert.equal(pin.tag.split(".")[0], pin.action === "actions/cache" ? "v5" : "v7", pin.action);
    });

    it("every remote action in the workflows and local actions uses one of them, with its tag as the comment", () => {
        for (const [file, text] of texts) assert.deepEqual(checkPinsInText(file, text, pins), [], file);
        assert.ok(texts.some(([, t]) => t.includes("pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0")));
    });

    it("reports a tag, a branch, no ref, an unknown SHA, a missing or wrong tag comment", () => {
        const good = "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";
        const cases: [string, RegExp][] = [
            [good.replace(/@\S+ # v7\.0\.1/, "@v7"), /pinned by tag or branch "v7"/],
            ["      - uses: pulumi/actions@main", /pinned by tag or branch "main"/],
            ["    - uses: actions/setup-node", /has no ref/],
            [good.replace("0b1 #", "0b2 #"), /not a verified SHA/],
            ["        uses: someone/action@" + "b".repeat(40) + " # v1", /someone\/action@b{40} is not a verified SHA/],
            [good.replace(" # v7.0.1", ""), /must carry its tag as a comment \(# v7\.0\.1\), found none/],
            [good.replace("# v7.0.1", "# v7.0.0"), /found # v7\.0\.0/],
        ];
        for (const [line, expected] of cases) assert.match(checkPinsInText("x.yml", `jobs:\n${line}\n`, pins).join("\n"), expected, line);
        assert.deepEqual(checkPinsInText("x.yml", `jobs:\n${good}\n      - uses: ./.github/actions/setup\n`, pins), []);
    });
});

describe("dependency installs never see the job's credentials", () => {
    it("the setup action runs every npm install under env -i", () => {
        assert.deepEqual(checkIsolatedInstalls(".github/actions/setup/action.yml", readFileSync(SETUP, "utf8")), []);
    });

    it("reports an install with the job's environment", () => {
        const text = readFileSync(SETUP, "utf8").replace('env -i PATH="$PATH" HOME="$HOME" CI=true npm ci --no-audit', "npm ci --no-audit");
        assert.match(checkIsolatedInstalls("setup", text).join("\n"), /"run: npm ci --no-audit --no-fund" runs dependencies' install scripts/);
    });
});

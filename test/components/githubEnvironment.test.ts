import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as github from "@pulumi/github";
import { GitHubEnvironment, GitHubEnvironmentArgs, REPOSITORY_ADMIN_ROLE_ID, validateGitHubEnvironmentArgs } from "../../components/githubEnvironment";
import { GITHUB_READ_ENVIRONMENT_TYPE } from "../../components/githubReadEnvironment";
import { TEST_TOKEN } from "../fly/emulator/defaults";
import { inputsHolding, secretLeaks } from "../stacks/graph";
import { T, capture } from "./capture";

const CANARY_GITHUB_TOKEN = "ghp_CANARY0github0token0from0the0environment";

/** Runs `build` under mocks with GITHUB_TOKEN set to the canary, as in a workflow job. */
async function withGitHubToken<R extends Record<string, unknown>>(build: () => R) {
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = CANARY_GITHUB_TOKEN;
    try {
        return await capture(build);
    } finally {
        if (saved === undefined) delete process.env.GITHUB_TOKEN;
        else process.env.GITHUB_TOKEN = saved;
    }
}

const prod = (over: Partial<GitHubEnvironmentArgs> = {}): GitHubEnvironmentArgs => ({
    scope: { prefix: "api", stack: "prod" },
    owner: "acme",
    repository: "api",
    environment: "production",
    branch: "main",
    reviewers: { users: [1024001], teams: [2048001] },
    preventSelfReview: true,
    adminsCanBypass: false,
    waitTimerMinutes: 5,
    protection: { requiredApprovals: 2, statusChecks: ["ci", "plan (prod)"] },
    secrets: { FLY_API_TOKEN: TEST_TOKEN },
    variables: { PULUMI_STACK: "prod", HEALTH_URL: "https://api.acme.dev/health" },
    ...over,
});
const expose = (g: GitHubEnvironment) => ({ environment: g.environment });

describe("GitHubEnvironment", () => {
    it("creates the environment with reviewers, no self-review, no admin bypass, a wait timer and one deploying branch", async () => {
        const run = await capture(() => expose(new GitHubEnvironment("gh", prod())));
        const env = run.named("gh-environment");
        assert.equal(env.type, T.ghEnvironment);
        assert.deepEqual(env.inputs.reviewers, [{ users: [1024001], teams: [2048001] }]);
        assert.deepEqual([env.inputs.preventSelfReview, env.inputs.canAdminsBypass, env.inputs.waitTimer], [true, false, 5]);
        assert.deepEqual(env.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        const policy = run.named("gh-branch-policy");
        assert.deepEqual([policy.inputs.repository, policy.inputs.environment, policy.inputs.branchPattern], ["api", "production", "main"]);
        assert.ok(policy.dependsOn.includes(env.urn));
        assert.equal(run.outputs.environment, "production");
    });

    it("uses an explicit provider for the configured owner on every child", async () => {
        const run = await capture(() => expose(new GitHubEnvironment("gh", prod())));
        const provider = run.named("gh-provider");
        assert.equal(provider.type, T.ghProvider);
        assert.equal(provider.inputs.owner, "acme");
        for (const r of run.resources.filter((r) => r.type.startsWith("github:"))) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses the component's provider`);
        }
    });

    it("leaves GITHUB_TOKEN to the plugin: no registered input holds it, secret or not", async () => {
        const run = await withGitHubToken(() => expose(new GitHubEnvironment("gh", prod())));
        assert.ok(!("token" in run.named("gh-provider").inputs), "the provider has no token input");
        assert.deepEqual(inputsHolding(run.resources, CANARY_GITHUB_TOKEN), []);
    });

    it("the token check sees the leak the SDK's own provider has (GITHUB_TOKEN copied into a plain input)", async () => {
        const run = await withGitHubToken(() => ({ id: new github.Provider("bare", { owner: "acme" }).id }));
        assert.deepEqual(inputsHolding(run.resources, CANARY_GITHUB_TOKEN), ["bare token"]);
        assert.deepEqual(secretLeaks({ stack: "test", resources: run.resources, outputs: {}, secretOutputs: [] }, [CANARY_GITHUB_TOKEN]), ["bare token"]);
    });

    it("creates read environments: previews for every run behind reviewers, the gate and drift from main only", async () => {
        const run = await capture(() =>
            expose(
                new GitHubEnvironment("gh", prod({
                    readEnvironments: [
                        { environment: "production-preview", reviewers: { users: [1024001], teams: [2048001] } },
                        { environment: "production-readonly", branches: ["main"] },
                    ],
                })),
            ),
        );
        const provider = run.named("gh-provider");
        const preview = run.named("gh-read-production-preview-environment");
        assert.equal(run.named("gh-read-production-preview").type, GITHUB_READ_ENVIRONMENT_TYPE);
        assert.deepEqual(
            [preview.inputs.environment, preview.inputs.repository, preview.inputs.reviewers, preview.inputs.preventSelfReview, preview.inputs.canAdminsBypass],
            ["production-preview", "api", [{ users: [1024001], teams: [2048001] }], true, false],
        );
        assert.equal(preview.inputs.deploymentBranchPolicy, undefined, "pull-request runs come from refs/pull/<n>/merge, which no branch policy admits");
        const readonly = run.named("gh-read-production-readonly-environment");
        assert.deepEqual(readonly.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        assert.deepEqual(readonly.inputs.reviewers, []);
        const branch = run.named("gh-read-production-readonly-branch-main");
        assert.deepEqual([branch.inputs.environment, branch.inputs.branchPattern], ["production-readonly", "main"]);
        for (const r of [preview, readonly, branch]) assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses the component's provider`);
        assert.equal(run.ofType(T.ghDeploymentPolicy).length, 2, "main for production, main for production-readonly");
    });

    it("refuses read environments that repeat a name or use a wildcard branch, before registering anything", () => {
        const bad = prod({ readEnvironments: [{ environment: "production" }, { environment: "ro", branches: ["release/*", "main", "main"] }] });
        const text = validateGitHubEnvironmentArgs("gh", bad).join("\n");
        assert.match(text, /environment "production" is named twice/);
        assert.match(text, /GitHubReadEnvironment "gh-read-ro": branch "release\/\*" must be one branch name/);
        assert.match(text, /branches lists a branch twice/);
        assert.throws(() => new GitHubEnvironment("gh", bad), /named twice/);
    });

    it("protects the deploying branch with an active ruleset: reviews, checks, linear history, no force push or deletion, admins included", async () => {
        const run = await capture(() => expose(new GitHubEnvironment("gh", prod())));
        assert.equal(run.ofType(T.ghBranchProtection).length, 0);
        const ruleset = run.named("gh-branch-ruleset").inputs;
        assert.deepEqual([ruleset.name, ruleset.repository, ruleset.target, ruleset.enforcement], ["api-prod-deploy-main", "api", "branch", "active"]);
        assert.deepEqual(ruleset.conditions.refName.includes, ["refs/heads/main"]);
        assert.deepEqual(ruleset.bypassActors ?? [], []);
        const rules = ruleset.rules;
        assert.deepEqual([rules.deletion, rules.nonFastForward, rules.requiredLinearHistory], [true, true, true]);
        assert.deepEqual(rules.pullRequest, { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: true, requiredReviewThreadResolution: true });
        assert.deepEqual(rules.requiredStatusChecks.requiredChecks, [{ context: "ci" }, { context: "plan (prod)" }]);
    });

    it("lets admins bypass the branch rules only when enforceAdmins is off", async () => {
        const run = await capture(() => expose(new GitHubEnvironment("gh", prod({ protection: { enforceAdmins: false, statusChecks: [] } }))));
        const ruleset = run.named("gh-branch-ruleset").inputs;
        assert.deepEqual(ruleset.bypassActors, [{ actorId: REPOSITORY_ADMIN_ROLE_ID, actorType: "RepositoryRole", bypassMode: "always" }]);
        assert.equal(ruleset.rules.requiredStatusChecks, undefined, "no empty required-checks rule");
    });

    it("leaves the branch alone without protection, and sends no reviewer list when there are none", async () => {
        const run = await capture(() => expose(new GitHubEnvironment("gh", prod({ protection: undefined, reviewers: undefined }))));
        assert.equal(run.ofType(T.ghRuleset).length, 0);
        assert.deepEqual(run.named("gh-environment").inputs.reviewers, []);
    });

    it("stores environment secrets as secrets and variables as plain values", async () => {
        const run = await capture(() => expose(new GitHubEnvironment("gh", prod())));
        const secret = run.named("gh-secret-FLY_API_TOKEN");
        assert.deepEqual([secret.inputs.secretName, secret.inputs.environment, secret.inputs.repository], ["FLY_API_TOKEN", "production", "api"]);
        assert.equal(secret.inputs.plaintextValue, TEST_TOKEN);
        assert.ok(secret.secretPaths.includes("plaintextValue"));
        assert.deepEqual(
            run.ofType(T.ghVariable).map((v) => [v.inputs.variableName, v.inputs.value]).sort(),
            [["HEALTH_URL", "https://api.acme.dev/health"], ["PULUMI_STACK", "prod"]],
        );
        for (const v of run.ofType(T.ghVariable)) assert.deepEqual(v.secretPaths, []);
    });

    it("names the ruleset per stack, so two stacks never collide", async () => {
        const a = await capture(() => expose(new GitHubEnvironment("gh", prod())));
        const b = await capture(() => expose(new GitHubEnvironment("gh", prod({ scope: { prefix: "api", stack: "staging" }, branch: "staging" }))));
        assert.notEqual(a.named("gh-branch-ruleset").inputs.name, b.named("gh-branch-ruleset").inputs.name);
    });

    it("validates names and ranges without echoing values", () => {
        const problems = validateGitHubEnvironmentArgs("gh", prod({
            reviewers: { users: [1, 2, 3, 4], teams: [5, 6, 7] },
            waitTimerMinutes: -1,
            secrets: { GITHUB_TOKEN: "secret-value-x", "lower": "y" },
            variables: { GITHUB_SHA: "z", GITHUB_TOKEN_X: "w" },
        }));
        const text = problems.join("\n");
        assert.match(text, /at most 6 required reviewers, got 7/);
        assert.match(text, /waitTimerMinutes must be a whole number from 0 to 43200, got -1/);
        assert.match(text, /secret name "GITHUB_TOKEN" starts with GITHUB_/);
        assert.match(text, /secret name "lower" must be UPPER_SNAKE_CASE/);
        assert.match(text, /variable name "GITHUB_SHA" starts with GITHUB_/);
        assert.ok(!text.includes("secret-value-x"));
        assert.throws(() => new GitHubEnvironment("gh", prod({ waitTimerMinutes: -1 })), /GitHubEnvironment "gh"/);
    });
});

/**
 * What the program builds for a review stack (harness mocks, the real template): its app in staging's organization,
 * its own database and user named after it inside the cluster the template names (read, never created), staging's
 * Sentry project looked up with the environment pr-<n>, the release step, and nothing of GitHub. Two review stacks
 * share no physical name.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NAME_LIMITS, sharedClusterName } from "../../components/naming";
import { FLY_DATABASE_NAME } from "../../config/patterns";
import { ofType, readStackFile, runStack, single, type StackRun } from "../harness/stack";
import { T } from "../policies/fixtures";

const EXISTING = "pulumi-nodejs:dynamic/fly:ExistingPostgres";

/** Every physical name a stack's resources carry. */
function physicalNames(run: StackRun): string[] {
    return [single(run, T.app).inputs.name, single(run, T.pgDb).inputs.name, single(run, T.pgUser).inputs.username, single(run, T.group).inputs.app];
}

describe("a review stack from the template", () => {
    it("pr-7: its own app, database and user in the shared cluster; the cluster only read; staging's Sentry project; no GitHub", async () => {
        const run = await runStack("pr-7");
        assert.equal(run.configError, undefined);
        const template = readStackFile("pr-7");
        assert.deepEqual(ofType(run, T.pg), [], "no Managed Postgres cluster of its own");
        const cluster = single(run, EXISTING);
        assert.deepEqual({ clusterId: cluster.inputs.clusterId, orgSlug: cluster.inputs.orgSlug }, { clusterId: template.database.cluster, orgSlug: "acme-staging" });
        assert.equal(single(run, T.app).inputs.orgSlug, "acme-staging");
        assert.deepEqual(single(run, T.pgDb).inputs.name, "app_pr_7");
        assert.deepEqual(single(run, T.pgUser).inputs.username, "app_pr_7");
        for (const data of [single(run, T.pgDb), single(run, T.pgUser)]) assert.deepEqual([data.protect, data.retainOnDelete], [false, false], `${data.name} goes with the stack`);
        assert.deepEqual(run.resources.filter((r) => r.type.startsWith("github:")).map((r) => r.type), []);
        assert.deepEqual(ofType(run, T.sentryProject), [], "staging's Sentry project is looked up, not created");
        assert.deepEqual({ project: single(run, T.sentryKey).inputs.project, name: single(run, T.sentryKey).inputs.name }, { project: "api-staging", name: "pr-7" });
        const env = single(run, T.group).inputs.config.env as Record<string, string>;
        assert.deepEqual([env.ENVIRONMENT, env.SENTRY_ENVIRONMENT], ["pr-7", "pr-7"]);
        assert.deepEqual(single(run, T.release).inputs.command, ["npm", "run", "migrate"]);
        assert.equal(run.outputs.url, "https://api-pr-7.fly.dev");
    });

    it("pr-7 and pr-8 share no physical name, and use the same cluster", async () => {
        const [seven, eight] = await Promise.all([runStack("pr-7"), runStack("pr-8")]);
        const a = physicalNames(seven);
        const b = physicalNames(eight);
        assert.deepEqual(a.filter((name) => b.includes(name)), []);
        assert.deepEqual(b, ["api-pr-8", "app_pr_8", "app_pr_8", "api-pr-8"]);
        assert.equal(single(seven, EXISTING).inputs.clusterId, single(eight, EXISTING).inputs.clusterId);
    });
});

describe("names in a shared cluster", () => {
    it("are <base>_<stack> as PostgreSQL identifiers Fly takes, distinct where the stack names differ only in punctuation", () => {
        const name = (stack: string) => sharedClusterName("app", { prefix: "api", stack });
        assert.equal(name("pr-7"), "app_pr_7");
        assert.notEqual(name("pr_7"), name("pr-7"));
        const long = name(`pr-${"9".repeat(9)}-${"x".repeat(80)}`);
        assert.ok(long.length <= NAME_LIMITS.postgres, long);
        for (const n of [name("pr-7"), name("pr_7"), long, name("Feature.Branch")]) assert.match(n, FLY_DATABASE_NAME);
    });
});

/**
 * `review-isolation` with policies/review.json, the review stacks' enforcement: the real template passes; each class
 * of escape from the pull request (prod's organization, a cluster of its own, staging's database or user, a GitHub
 * environment) is blocked by name, and the monthly estimate over the budget by `budget`. Each class starts from a
 * compliant review stack and changes one thing; the control cases show the rule judges nothing where no forbidden
 * organization is configured.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { judge, judgeResources, type JudgedViolation } from "./analyzerVerdict";
import { baseline, find, T, UNKNOWN, type Fixture } from "./fixtures";
import { readStackFile, ROOT } from "../harness/stack";

const STACK = "pr-7";
const urn = (type: string, name: string) => `urn:pulumi:${STACK}::api-environments::${type}::${name}`;
const EXISTING = "pulumi-nodejs:dynamic/fly:ExistingPostgres";
const REVIEW_ENFORCEMENT = JSON.parse(readFileSync(join(ROOT, "policies", "review.json"), "utf8")) as Record<string, any>;

/** A compliant review stack as the analyzer sees it: its app in staging's organization, its own database and user in staging's cluster. */
function review(): Fixture[] {
    const r = (type: string, name: string, props: Record<string, any>): Fixture => ({ type, name, urn: urn(type, name), props });
    return [
        r(T.app, "app", { name: "api-pr-7", orgSlug: "acme-staging" }),
        r(EXISTING, "database-cluster", { clusterId: "staging-cluster", orgSlug: "acme-staging" }),
        r(T.pgDb, "database-database", { clusterId: "staging-cluster", name: "app_pr_7" }),
        r(T.pgUser, "database-user", { clusterId: "staging-cluster", username: "app_pr_7", role: "schema_admin" }),
    ];
}

async function verdict(change: (resources: Fixture[]) => void, enforcement?: unknown): Promise<JudgedViolation[]> {
    const resources = review();
    change(resources);
    return (await judgeResources(STACK, resources, { enforcement })).violations;
}

const blockedBy = (violations: readonly JudgedViolation[], policy: string, message: RegExp, also: readonly string[] = []) => {
    const fired = violations.filter((v) => v.policy === policy);
    assert.ok(fired.length > 0, `expected ${policy}, got ${JSON.stringify(violations)}`);
    for (const v of fired) assert.equal(v.level, "mandatory");
    assert.ok(fired.some((v) => message.test(v.message)), JSON.stringify(fired));
    assert.deepEqual([...new Set(violations.map((v) => v.policy))].filter((p) => p !== policy && !also.includes(p)), [], "one change breaks one rule");
};

describe("review-isolation (policies/review.json)", () => {
    it("the real template passes every rule of review.json", async () => {
        const { violations } = await judge(STACK);
        assert.deepEqual(violations, []);
    });

    it("the template pointed at prod's organization is blocked by name", async () => {
        const { violations } = await judge(STACK, { mutate: (c) => (c.fly.org = "acme") });
        blockedBy(violations, "review-isolation", /The Fly organization "acme" \(fly\.org\) is production's.*Fix: pulumi config set --path fly\.org/);
    });

    it("the compliant review stack passes (the control of every class below)", async () => {
        assert.deepEqual(await verdict(() => undefined), []);
    });

    it("prod's organization on any Fly resource, or one unknown at preview", async () => {
        blockedBy(await verdict((r) => (find(r, T.app).props.orgSlug = "ACME")), "review-isolation", /"ACME" \(fly\.org\) is production's/);
        blockedBy(await verdict((r) => (find(r, EXISTING).props.orgSlug = UNKNOWN)), "review-isolation", /unknown during preview/);
    });

    it("a Managed Postgres cluster of its own", async () => {
        const cluster = find(baseline(), T.pg);
        blockedBy(await verdict((r) => r.push({ ...cluster, urn: urn(T.pg, cluster.name), props: { ...cluster.props, orgSlug: "acme-staging" } })), "review-isolation", /Managed Postgres cluster of the review stack's own.*database\.kind flyShared/, ["budget", "release-step-present"]);
    });

    it("staging's database or staging's user in the shared cluster", async () => {
        blockedBy(await verdict((r) => (find(r, T.pgDb).props.name = "app")), "review-isolation", /the database "app" of the shared cluster's owner/);
        blockedBy(await verdict((r) => (find(r, T.pgUser).props.username = "app")), "review-isolation", /the user "app" of the shared cluster's owner/);
    });

    it("a GitHub environment", async () => {
        const env = find(baseline(), T.ghEnv);
        blockedBy(await verdict((r) => r.push({ ...env, urn: urn(T.ghEnv, env.name) })), "review-isolation", /changes GitHub; a review stack changes no GitHub environment/);
    });

    it("a monthly estimate over review.json's budget is blocked by budget", async () => {
        const machines = find(baseline(), T.group);
        blockedBy(await verdict((r) => r.push({ ...machines, urn: urn(T.group, machines.name) })), "budget", /over its budget of \$10\.00/);
    });

    it("judges nothing where no forbidden organization is configured (dev, staging, prod)", async () => {
        const { forbiddenFlyOrgs: _none, ...settings } = REVIEW_ENFORCEMENT["review-isolation"];
        const cluster = find(baseline(), T.pg);
        const violations = await verdict((r) => r.push({ ...cluster, urn: urn(T.pg, cluster.name) }), { ...REVIEW_ENFORCEMENT, "review-isolation": settings });
        assert.deepEqual(violations.filter((v) => v.policy === "review-isolation"), []);
        assert.ok(violations.some((v) => v.policy === "budget"), "the stack was judged (its cluster is over the budget)");
    });

    it("review.json names prod's organization as forbidden", () => {
        const prodOrg = (readStackFile("prod").fly as { org: string }).org;
        assert.ok(REVIEW_ENFORCEMENT["review-isolation"].forbiddenFlyOrgs.includes(prodOrg), `policies/review.json forbids ${prodOrg}`);
    });
});

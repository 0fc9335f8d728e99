/**
 * Review stacks through the offline engine (the real program, dynamic-provider host and policy analyzer) against the
 * Fly emulator, with staging's Managed Postgres cluster already there as Fly holds it: pr-7 and pr-8 are created side
 * by side without colliding; pr-7 is updated and destroyed, leaving pr-8 intact; destroying both leaves no app,
 * database or user behind and the cluster's record exactly as it was, with no request ever sent to the cluster
 * itself. A review stack pointed at prod's organization is stopped at preview by review-isolation, by name.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OperationResult } from "../../engine";
import { type Emulator, startEmulator, TEST_TOKEN } from "../fly/emulator";
import type { PostgresClusterRecord } from "../fly/emulator/types";
import { changes, explain, flyEnv, StackUnderTest } from "../engine/support";
import { readStackFile } from "../harness/stack";

const NEW_IMAGE = `registry.fly.io/api-release@sha256:${"c0ffee".repeat(10)}abcd`;
const CLUSTER = String(readStackFile("pr-7").database.cluster);

/** Staging's cluster as `fly mpg create` and staging's own stack left it: its database and user `app`. */
function stagingCluster(): PostgresClusterRecord {
    return {
        id: CLUSTER,
        name: "api-staging-db",
        orgSlug: "acme-staging",
        region: "ams",
        plan: "basic",
        diskSizeGb: 10,
        pgMajorVersion: "17",
        postgisEnabled: false,
        poolMode: "session",
        status: "ready",
        createdAt: "2026-11-01T00:00:00.000Z",
        adminUnavailableFor: 0,
        databases: new Set(["postgres", "app"]),
        users: new Map([["app", { role: "schema_admin", password: "staging-app-password" }]]),
        attachments: new Map([["api-staging", "2026-11-01T00:00:00.000Z"]]),
        backups: [],
    };
}

/** The cluster's whole record, comparable. */
function record(fly: Emulator): unknown {
    const c = fly.state.postgres.get(CLUSTER);
    assert.ok(c, "staging's cluster exists");
    return JSON.parse(JSON.stringify({ ...c, databases: [...c.databases].sort(), users: [...c.users].sort(), attachments: [...c.attachments] }));
}

const mandatory = (result: OperationResult) => result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName);

describe("review stacks pr-7 and pr-8 in staging's cluster", { concurrency: false }, () => {
    let fly: Emulator;
    let pr7: StackUnderTest;
    let pr8: StackUnderTest;
    let before7: unknown;

    before(async () => {
        fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, oneOffExits: [{ command: "npm run migrate", exitCode: 0 }], tokens: [TEST_TOKEN], organizations: ["acme-staging", "acme"] });
        fly.state.postgres.set(CLUSTER, stagingCluster());
        before7 = record(fly);
        pr7 = new StackUnderTest("pr-7", () => flyEnv(fly));
        pr8 = new StackUnderTest("pr-8", () => flyEnv(fly));
    });
    after(async () => {
        pr7.dispose();
        pr8.dispose();
        await fly.close();
    });

    const cluster = () => fly.state.postgres.get(CLUSTER)!;
    /** Mutating requests to the cluster itself, not to its databases or users. */
    const clusterChanges = () => fly.requests.filter((r) => r.method !== "GET" && new RegExp(`^/v1/postgres/${CLUSTER}/?$`).test(r.path)).map((r) => `${r.method} ${r.path}`);

    it("creates pr-7 and pr-8 side by side: distinct apps, databases and users in the one cluster", async () => {
        const [up7, up8] = [await pr7.run("up"), await pr8.run("up")];
        for (const up of [up7, up8]) {
            assert.ok(up.ok, explain(up));
            assert.deepEqual(mandatory(up), []);
            assert.ok(!up.steps.some((s) => s.type.endsWith(":ManagedPostgres")), "no cluster of its own");
        }
        assert.deepEqual([fly.state.apps.get("api-pr-7")?.orgSlug, fly.state.apps.get("api-pr-8")?.orgSlug], ["acme-staging", "acme-staging"]);
        assert.deepEqual([...cluster().databases].sort(), ["app", "app_pr_7", "app_pr_8", "postgres"]);
        assert.deepEqual([...cluster().users.keys()].sort(), ["app", "app_pr_7", "app_pr_8"]);
        assert.equal(cluster().users.get("app")?.password, "staging-app-password", "staging's user is untouched");
        assert.equal(fly.state.postgres.size, 1, "no new cluster");
        // Each app is handed its own database through the cluster's pooled endpoint; the URL itself stays a secret.
        for (const [up, db] of [[up7, "app_pr_7"], [up8, "app_pr_8"]] as const) {
            assert.match(String(up.outputs.databaseHost), new RegExp(`pgbouncer\\.${CLUSTER}\\.`));
            assert.equal(up.outputs.environment, up === up7 ? "pr-7" : "pr-8");
            assert.ok(!JSON.stringify(up.state).includes("staging-app-password"), `${db}'s state holds nothing of staging's user`);
        }
    });

    it("updates pr-7 (a new image) without touching its database, its user or pr-8", async () => {
        const pr8App = JSON.stringify(fly.state.apps.get("api-pr-8")?.machines.size);
        const update = await pr7.run("up", { mutate: (c) => (c.app.image = { ref: NEW_IMAGE }) });
        assert.ok(update.ok, explain(update));
        const changed = changes(update);
        assert.equal(changed["MachineGroup:app-machines"], "update", JSON.stringify(changed));
        for (const key of Object.keys(changed)) assert.ok(!/Postgres|PostgresDatabase|PostgresUser/.test(key), `${key} changed`);
        assert.equal(JSON.stringify(fly.state.apps.get("api-pr-8")?.machines.size), pr8App);
    });

    it("destroys pr-7: its app, database and user are gone; pr-8's are intact", async () => {
        const destroyed = await pr7.run("destroy");
        assert.ok(destroyed.ok, explain(destroyed));
        assert.equal(fly.state.apps.has("api-pr-7"), false);
        assert.deepEqual([...cluster().databases].sort(), ["app", "app_pr_8", "postgres"]);
        assert.deepEqual([...cluster().users.keys()].sort(), ["app", "app_pr_8"]);
        assert.ok(fly.state.apps.has("api-pr-8"));
        assert.deepEqual(destroyed.state.resources, []);
    });

    it("destroys pr-8 too: the cluster's record is exactly what it was, and no request ever changed the cluster", async () => {
        const destroyed = await pr8.run("destroy");
        assert.ok(destroyed.ok, explain(destroyed));
        assert.equal(fly.state.apps.has("api-pr-8"), false);
        assert.deepEqual(record(fly), before7);
        assert.deepEqual(clusterChanges(), []);
        // Control: the comparison sees a change to the cluster's record.
        cluster().databases.add("leftover");
        assert.notDeepEqual(record(fly), before7);
        cluster().databases.delete("leftover");
    });

    it("a review stack pointed at prod's organization is stopped at preview by review-isolation", async () => {
        const prodOrg = readStackFile("prod").fly.org as string;
        const preview = await pr7.run("preview", { mutate: (c) => (c.fly.org = prodOrg) });
        assert.equal(preview.ok, false);
        assert.ok(mandatory(preview).includes("review-isolation"), explain(preview));
        assert.ok(preview.violations.some((v) => v.policyName === "review-isolation" && v.message.includes(`"${prodOrg}" (fly.org) is production's`)));
        // Control: the same preview in staging's organization passes.
        const control = await pr7.run("preview");
        assert.ok(control.ok, explain(control));
    });
});

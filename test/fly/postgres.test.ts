/**
 * fly:ManagedPostgres against the emulator: only operations Fly's API has, a change it cannot make refused at
 * check with the manual fix (never a replacement), refresh after that fix, creates that never duplicate.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ManagedPostgresOutputs, managedPostgresProvider } from "../../providers/fly/managedPostgresProvider";
import { mutations, realWaits } from "./support";
import { sent, usePostgresEmulator } from "./postgresSupport";

const pg = managedPostgresProvider as Required<typeof managedPostgresProvider>;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const cluster = { name: "api-db", orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 } as const;
const stateOf = (outs: ManagedPostgresOutputs): ManagedPostgresOutputs => ({ ...cluster, ...outs });

describe("fly:ManagedPostgres", () => {
    const env = usePostgresEmulator({ postgresFailingRegions: ["jnb"] });

    it("creates through POST /v1/postgres with the spec's body, waits until ready, refreshes without mutating, deletes", async () => {
        const { fly } = env;
        const created = await pg.create({ ...cluster, plan: "performance" });
        const post = fly.requests.find((r) => r.method === "POST")!;
        assert.deepEqual(post.body, { org_slug: "personal", region: "ams", plan: "Performance", name: "api-db", disk_size_gb: 10, pg_major_version: "17" });
        assert.deepEqual(sent(fly).slice(0, 2), ["GET /v1/postgres?org_slug=personal", "POST /v1/postgres"], "looks up by name before creating");
        assert.ok(sent(fly).filter((r) => r === `GET /v1/postgres/${created.id}`).length >= 1, "polled until ready");
        assert.equal(created.outs.status, "ready");
        assert.equal(created.outs.clusterId, created.id);
        assert.equal(created.outs.plan, "performance");
        assert.equal(created.outs.pgMajorVersion, 17);
        assert.match(created.outs.pooler.host, /^pgbouncer\./);
        assert.equal(created.outs.direct.port, 5432);

        fly.clearRequests();
        const refreshed = await pg.read(created.id, created.outs);
        assert.deepEqual(refreshed.props, created.outs);
        assert.deepEqual(refreshed.inputs, { ...cluster, plan: "performance" });
        assert.equal((await pg.diff(created.id, refreshed.props, { ...cluster, plan: "performance" })).changes, false);
        assert.deepEqual((await pg.read(created.id)).inputs, { ...cluster, plan: "performance" }, "a read without state (refresh of an adopted cluster) reads every input, org included");
        assert.deepEqual(mutations(fly), []);

        await pg.delete(created.id, created.outs);
        assert.deepEqual(mutations(fly), [`DELETE /v1/postgres/${created.id}`]);
        const record = fly.state.postgres.get(created.id)!;
        await fly.settle();
        assert.equal(record.status, "deleted");
        assert.equal((await pg.read(created.id, created.outs)).id, "");
        record.status = "deleting";
        assert.equal((await pg.read(created.id, created.outs)).id, "", "a cluster being deleted reads as gone");
        await pg.delete(created.id, created.outs);
        assert.equal(fly.requests.at(-1)!.status, 410, "deleting a deleted cluster again is done, not an error");
    });

    it("refuses at check every change the API cannot make, on that property, with the manual fix", async () => {
        const olds = { ...cluster, diskSizeGb: 20 };
        const failure = async (change: Record<string, unknown>): Promise<{ property: string; reason: string }[]> =>
            (await pg.check(olds, { ...olds, ...change })).failures ?? [];

        const [plan] = await failure({ plan: "launch" });
        assert.equal(plan.property, "plan");
        assert.match(plan.reason, /fly:ManagedPostgres "api-db": plan cannot change from "basic" to "launch"/);
        assert.match(plan.reason, /Fly dashboard \(Managed Postgres → api-db → Settings → plan "launch" → "Update Configuration"/);
        assert.match(plan.reason, /then run `pulumi refresh` so the state records it \(docs\/runbooks\/change-database\.md#plan-or-disk-size\)/);
        const [grow] = await failure({ diskSizeGb: 40 });
        assert.equal(grow.property, "diskSizeGb");
        assert.match(grow.reason, /Grow the disk to 40 GB in the Fly dashboard .*`pulumi refresh`/);
        assert.match((await failure({ diskSizeGb: 10 }))[0].reason, /never shrinks\. Set diskSizeGb back to 20 or more/);
        for (const [property, value] of [["region", "fra"], ["pgMajorVersion", 16], ["name", "other-db"], ["orgSlug", "acme"]] as const) {
            const found = await failure({ [property]: value });
            assert.deepEqual(found.map((f) => f.property), [property]);
            assert.match(found[0].reason, /replacing it would lose its data|cannot move to another organization/);
        }
        assert.match((await failure({ region: "fra" }))[0].reason, /move the data to a new cluster: docs\/runbooks\/change-database\.md#move-to-a-new-cluster/);

        assert.deepEqual(await failure({ plan: "Basic".toLowerCase() }), []);
        assert.deepEqual(await failure({ readyTimeoutSeconds: 60 }), [], "the wait bound is not a cluster setting");
        assert.deepEqual(await failure({ plan: UNKNOWN, diskSizeGb: UNKNOWN }), [], "values unknown at preview are not judged");
        assert.deepEqual((await pg.check({}, { ...cluster, plan: "launch" })).failures, [], "nothing is refused on create");
        const invalid = await pg.check({}, { ...cluster, plan: "huge", diskSizeGb: 5, pgMajorVersion: 15 });
        assert.deepEqual(invalid.failures!.map((f) => f.property), ["plan", "diskSizeGb", "pgMajorVersion"]);
    });

    it("refuses to create a cluster over 500 GB, with the fix; an existing or adopted cluster may be larger", async () => {
        const [big] = (await pg.check({}, { ...cluster, diskSizeGb: 501 })).failures!;
        assert.equal(big.property, "diskSizeGb");
        assert.match(big.reason, /a new cluster starts with at most 500 GB, got 501; create it with 500 \(database\.diskGb\) and grow it later/);
        // Controls: the limit itself, a cluster that grew, and one adopted at its size.
        assert.deepEqual((await pg.check({}, { ...cluster, diskSizeGb: 500 })).failures, []);
        assert.deepEqual((await pg.check({ ...cluster, diskSizeGb: 800 }, { ...cluster, diskSizeGb: 800 })).failures, []);
        assert.deepEqual((await pg.check({}, { ...cluster, diskSizeGb: 800, adopt: "pg-big" })).failures, []);
    });

    it("never replaces: diff shows an update, and update refuses it without sending a request that mutates", async () => {
        const { fly } = env;
        const created = await pg.create({ ...cluster, name: "pg-no-replace" });
        const olds = stateOf(created.outs);
        for (const change of [{ plan: "launch" }, { diskSizeGb: 40 }, { region: "fra" }, { pgMajorVersion: 16 }, { name: "x" }, { orgSlug: "acme" }]) {
            assert.deepEqual(await pg.diff(created.id, olds, { ...olds, ...change }), { changes: true, replaces: [] }, JSON.stringify(change));
        }
        fly.clearRequests();
        await assert.rejects(pg.update(created.id, olds, { ...olds, plan: "launch", diskSizeGb: 40 }), (error: Error) => {
            assert.match(error.message, /plan cannot change from "basic" to "launch"/);
            assert.match(error.message, /diskSizeGb cannot change from 10 to 40/);
            return true;
        });
        const updated = await pg.update(created.id, olds, { ...olds, readyTimeoutSeconds: 60 });
        assert.equal(updated.outs!.readyTimeoutSeconds, 60);
        assert.deepEqual(mutations(fly), [], "no request that mutates, and no PATCH /v1/postgres/{id} (it does not exist)");
    });

    it("picks up a dashboard change on refresh, so the program that says the same previews clean", async () => {
        const { fly } = env;
        const created = await pg.create({ ...cluster, name: "pg-manual" });
        const record = fly.state.postgres.get(created.id)!;
        // What the dashboard's plan and disk change does to the cluster.
        record.plan = "launch";
        record.diskSizeGb = 40;

        fly.clearRequests();
        const refreshed = await pg.read(created.id, created.outs);
        assert.deepEqual(mutations(fly), []);
        assert.deepEqual(refreshed.inputs, { ...cluster, name: "pg-manual", plan: "launch", diskSizeGb: 40 });
        assert.equal(refreshed.props.plan, "launch");
        const program = { ...cluster, name: "pg-manual", plan: "launch", diskSizeGb: 40 };
        assert.deepEqual((await pg.check(refreshed.inputs, program)).failures, []);
        assert.equal((await pg.diff(created.id, refreshed.props, program)).changes, false);

        const stale = await pg.check(refreshed.inputs, { ...program, plan: "basic" });
        assert.deepEqual(stale.failures!.map((f) => f.property), ["plan"], "a program behind the cluster is refused too, never applied");
    });

    it("creates one cluster when the create answer is lost", async () => {
        const { fly } = env;
        fly.faults.add({ method: "POST", path: "/v1/postgres", kind: "drop", when: "after", times: 1 });
        const created = await pg.create({ ...cluster, name: "pg-dropped" });
        const named = [...fly.state.postgres.values()].filter((c) => c.name === "pg-dropped");
        assert.deepEqual(named.map((c) => c.id), [created.id]);
        assert.equal(fly.requests.filter((r) => r.method === "POST").length, 1);
    });

    it("adopts the cluster an interrupted run left, and refuses one of the same name with other settings", async () => {
        const { fly } = env;
        const left = await pg.create({ ...cluster, name: "pg-left" });
        fly.clearRequests();
        const again = await pg.create({ ...cluster, name: "pg-left" });
        assert.equal(again.id, left.id);
        assert.deepEqual(mutations(fly), []);
        await assert.rejects(pg.create({ ...cluster, name: "pg-left", region: "fra" }), /a cluster named pg-left already exists in org personal .* with region "ams" \(the program says "fra"\); it is not adopted.*set adopt to "\w+" and the program to its settings/);
        assert.deepEqual(mutations(fly), []);
    });

    it("retries 429 and 5xx while polling, honouring Retry-After", async () => {
        const { fly } = env;
        realWaits();
        fly.faults.add({ method: "GET", path: "/v1/postgres/:id", kind: "429", retryAfterSeconds: 1, times: 1 });
        fly.faults.add({ method: "GET", path: "/v1/postgres", kind: "500", times: 1 });
        const created = await pg.create({ ...cluster, name: "pg-faults" });
        assert.equal(created.outs.status, "ready");
        const polls = fly.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/postgres/"));
        const limited = polls.findIndex((r) => r.status === 429);
        assert.ok(limited >= 0 && polls[limited + 1].at - polls[limited].at >= 1000, "the poll after the 429 waited its Retry-After (1 s)");
        assert.equal([...fly.state.postgres.values()].filter((c) => c.name === "pg-faults").length, 1);
    });

    it("fails a create that Fly reports as failed with the fix, and does not adopt the failed cluster", async () => {
        const { fly } = env;
        await assert.rejects(pg.create({ ...cluster, name: "pg-fails", region: "jnb" }), /Fly reports cluster \w+ as failed\. See `fly mpg status \w+`, delete it with `fly mpg destroy \w+`/);
        fly.clearRequests();
        await assert.rejects(pg.create({ ...cluster, name: "pg-fails", region: "jnb" }), /as failed/);
        assert.equal(mutations(fly).filter((m) => m === "POST /v1/postgres").length, 1, "a new cluster, not the failed one");
    });
});

/**
 * fly:ExistingPostgres against the emulator: a cluster the stack uses without owning it. Create reads it and checks
 * it exists, is ready and belongs to the organization given, with the key to fix otherwise; refresh reads it; delete
 * sends nothing, so the cluster is never changed by the stacks that use it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { existingPostgresProvider } from "../../providers/fly/existingPostgresProvider";
import { managedPostgresProvider } from "../../providers/fly/managedPostgresProvider";
import { mutations } from "./support";
import { usePostgresEmulator } from "./postgresSupport";

const lookup = existingPostgresProvider as Required<typeof existingPostgresProvider>;
const pg = managedPostgresProvider as Required<typeof managedPostgresProvider>;

describe("fly:ExistingPostgres", () => {
    const env = usePostgresEmulator();
    const newCluster = async (name: string): Promise<string> => (await pg.create({ name, orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 })).id;

    it("reads a ready cluster of the organization: its endpoints, and nothing sent but reads; delete sends nothing", async () => {
        const { fly } = env;
        const clusterId = await newCluster("shared-db");
        const before = JSON.stringify({ ...fly.state.postgres.get(clusterId), databases: [...fly.state.postgres.get(clusterId)!.databases] });
        fly.clearRequests();
        const created = await lookup.create({ clusterId, orgSlug: "personal" });
        assert.equal(created.id, clusterId);
        assert.equal(created.outs.name, "shared-db");
        assert.match(created.outs.pooler.host, new RegExp(`^pgbouncer\\.${clusterId}\\.`));
        const read = await lookup.read(created.id, created.outs);
        assert.deepEqual(read.props, created.outs);
        await lookup.delete(created.id, created.outs);
        assert.deepEqual(mutations(fly), [], "no request that changes anything");
        assert.equal(JSON.stringify({ ...fly.state.postgres.get(clusterId), databases: [...fly.state.postgres.get(clusterId)!.databases] }), before);
    });

    it("refuses a cluster Fly does not have, or one of another organization, naming database.cluster", async () => {
        await assert.rejects(lookup.create({ clusterId: "no-such-cluster", orgSlug: "personal" }), /Fly has no cluster no-such-cluster .*Set database\.cluster/);
        const clusterId = await newCluster("other-org-db");
        await assert.rejects(lookup.create({ clusterId, orgSlug: "acme-staging" }), /belongs to the organization "personal", not "acme-staging" \(fly\.org\)\. Set database\.cluster/);
    });

    it("reads a cluster that is gone as gone; another id or organization is a new lookup", async () => {
        assert.deepEqual(await lookup.read("no-such-cluster", { clusterId: "no-such-cluster", orgSlug: "personal" }), { id: "", props: undefined });
        const olds = { clusterId: "a", orgSlug: "personal" };
        assert.deepEqual(await lookup.diff("a", olds, { clusterId: "b", orgSlug: "personal" }), { changes: true, replaces: ["clusterId"] });
        assert.deepEqual(await lookup.diff("a", olds, olds), { changes: false, replaces: [] });
        const checked = await lookup.check({}, { clusterId: "has spaces", orgSlug: "" });
        assert.deepEqual(checked.failures?.map((f) => f.property), ["clusterId", "orgSlug"]);
    });
});

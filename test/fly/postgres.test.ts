/**
 * fly:ManagedPostgres, fly:PostgresDatabase and fly:PostgresUser against the emulator.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { managedPostgresProvider } from "../../providers/fly/managedPostgres";
import { postgresDatabaseProvider } from "../../providers/fly/postgresDatabase";
import { postgresUserProvider } from "../../providers/fly/postgresUser";
import { mutations, seedApp, useEmulator } from "./support";

const pg = managedPostgresProvider as Required<typeof managedPostgresProvider>;
const db = postgresDatabaseProvider as Required<typeof postgresDatabaseProvider>;
const user = postgresUserProvider as Required<typeof postgresUserProvider>;

const cluster = { name: "api-db", orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 } as const;

describe("fly:ManagedPostgres", () => {
    const env = useEmulator();

    it("creates and waits until ready, refreshes without mutating, deletes; Fly's API has no in-place grow", async () => {
        const { fly } = env;
        const created = await pg.create(cluster);
        assert.equal(created.outs.status, "ready");
        assert.equal(created.outs.clusterId, created.id);
        assert.match(created.outs.pooler.host, /^pgbouncer\./);
        assert.equal(created.outs.direct.port, 5432);
        assert.ok(fly.requests.filter((r) => r.method === "GET" && r.path === `/v1/postgres/${created.id}`).length >= 1, "polled until ready");
        assert.deepEqual(fly.requests.find((r) => r.method === "POST")?.body, { org_slug: "personal", region: "ams", plan: "basic", name: "api-db", disk_size_gb: 10, pg_major_version: "17" });

        // The provider still sends PATCH /v1/postgres/{id} for a plan or disk change; the spec has no such operation,
        // so the contract refuses it (the Managed Postgres rework replaces it with a refusal at preview).
        const bigger = { ...cluster, plan: "launch", diskSizeGb: 40 };
        await assert.rejects(pg.update(created.id, created.outs, bigger), /HTTP 404: PATCH \/v1\/postgres\/\S+ is not an operation of Fly's API/);
        assert.deepEqual(
            fly.takeViolations().map((r) => `${r.method} ${r.path}`),
            [`PATCH /v1/postgres/${created.id}`],
        );

        fly.clearRequests();
        const refreshed = await pg.read(created.id, created.outs);
        assert.deepEqual(refreshed.props, created.outs);
        assert.equal((await pg.diff(created.id, refreshed.props, cluster)).changes, false);
        assert.deepEqual(mutations(fly), []);

        const imported = await pg.read(created.id);
        assert.deepEqual(imported.inputs, { ...cluster });

        await pg.delete(created.id, created.outs);
        assert.equal(fly.state.postgres.has(created.id), false);
        assert.equal((await pg.read(created.id, created.outs)).id, "");
    });

    it("replaces on name, org, region and major version; refuses to shrink the disk", async () => {
        const olds = { ...cluster, diskSizeGb: 20, clusterId: "c", status: "ready", pooler: { host: "", port: 0 }, direct: { host: "", port: 0 } };
        for (const [key, value] of [["name", "other"], ["orgSlug", "acme"], ["region", "fra"], ["pgMajorVersion", 16]] as const) {
            assert.deepEqual((await pg.diff("c", olds, { ...cluster, diskSizeGb: 20, [key]: value })).replaces, [key]);
        }
        await assert.rejects(pg.diff("c", olds, { ...cluster, diskSizeGb: 10 }), /fly:ManagedPostgres "api-db": cannot shrink the disk from 20 GB to 10 GB/);
        await assert.rejects(pg.update("c", olds, { ...cluster, diskSizeGb: 10 }), /cannot shrink/);
        const { failures } = await pg.check({}, { ...cluster, plan: "huge", diskSizeGb: 5, pgMajorVersion: 15 });
        assert.deepEqual(failures!.map((f) => f.property), ["plan", "diskSizeGb", "pgMajorVersion"]);
    });

    it("creates one cluster when the create answer is lost, and never adopts the cluster it replaces", async () => {
        const { fly } = env;
        const old = await pg.create({ ...cluster, name: "pg-fault", region: "fra" });
        fly.faults.add({ method: "POST", path: "/v1/postgres", kind: "drop", when: "after", times: 1 });
        const created = await pg.create({ ...cluster, name: "pg-fault" });
        assert.notEqual(created.id, old.id, "the region change made a new cluster");
        const named = [...fly.state.postgres.values()].filter((c) => c.name === "pg-fault");
        assert.equal(named.length, 2);
        assert.equal(fly.requests.filter((r) => r.method === "POST").length, 2);
    });
});

describe("fly:PostgresDatabase and fly:PostgresUser", () => {
    const env = useEmulator();

    it("manages databases and users with a secret password, role updates in place", async () => {
        const { fly } = env;
        seedApp(fly, "pg-users-app");
        const c = await pg.create({ ...cluster, name: "pg-users" });
        const clusterId = c.id;

        const database = await db.create({ clusterId, name: "api" });
        assert.equal(database.id, `${clusterId}/api`);
        assert.ok(fly.state.postgres.get(clusterId)!.databases.has("api"));
        assert.deepEqual((await db.diff(database.id, database.outs, { clusterId, name: "api2" })).replaces, ["name"]);
        assert.deepEqual((await db.diff(database.id, database.outs, { clusterId: "other", name: "api" })).replaces, ["clusterId"]);

        const created = await user.create({ clusterId, username: "api_user", role: "writer" });
        assert.equal(created.outs.password, fly.state.postgres.get(clusterId)!.users.get("api_user")!.password);
        assert.ok(created.outs.password.length >= 16);

        const news = { clusterId, username: "api_user", role: "schema_admin" };
        assert.deepEqual(await user.diff(created.id, created.outs, news), { changes: true, replaces: [] });
        assert.deepEqual((await user.diff(created.id, created.outs, { ...news, username: "other" })).replaces, ["username"]);
        fly.clearRequests();
        const updated = await user.update(created.id, created.outs, news);
        assert.deepEqual(mutations(fly), [`PATCH /v1/postgres/${clusterId}/users/api_user`]);
        assert.equal(updated.outs!.password, created.outs.password);

        fly.clearRequests();
        const read = await user.read(created.id, updated.outs);
        assert.deepEqual(read.props, updated.outs);
        assert.deepEqual((await db.read(database.id, database.outs)).props, database.outs);
        assert.deepEqual(mutations(fly), []);

        await user.delete(created.id, updated.outs);
        await db.delete(database.id, database.outs);
        assert.equal((await user.read(created.id, updated.outs)).id, "");
        assert.equal((await db.read(database.id, database.outs)).id, "");
        const { failures } = await user.check({}, { clusterId, username: "Bad-Name", role: "owner" });
        assert.deepEqual(failures!.map((f) => f.property), ["username", "role"]);
    });

    it("never creates a user or database twice under faults", async () => {
        const { fly } = env;
        const c = await pg.create({ ...cluster, name: "pg-user-faults" });
        fly.faults.add({ method: "POST", path: "/v1/postgres/:id/users", kind: "drop", when: "after", times: 1 });
        fly.faults.add({ method: "POST", path: "/v1/postgres/:id/databases", kind: "500", when: "after", times: 1 });
        const u = await user.create({ clusterId: c.id, username: "app", role: "reader" });
        await db.create({ clusterId: c.id, name: "app" });
        assert.equal(fly.state.postgres.get(c.id)!.users.size, 1);
        assert.equal(u.outs.password, fly.state.postgres.get(c.id)!.users.get("app")!.password);
        assert.deepEqual([...fly.state.postgres.get(c.id)!.databases].sort(), ["app", "postgres"]);
    });
});

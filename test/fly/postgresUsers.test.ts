/**
 * fly:PostgresDatabase and fly:PostgresUser against the emulator: role changes through the API's role operation,
 * renames and moves refused at check with the fix, pg-admin's 503 + Retry-After, creates that never duplicate.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { managedPostgresProvider } from "../../providers/fly/managedPostgresProvider";
import { postgresDatabaseProvider } from "../../providers/fly/postgresDatabaseProvider";
import { postgresUserProvider } from "../../providers/fly/postgresUserProvider";
import { mutations, realWaits } from "./support";
import { usePostgresEmulator } from "./postgresSupport";

const pg = managedPostgresProvider as Required<typeof managedPostgresProvider>;
const db = postgresDatabaseProvider as Required<typeof postgresDatabaseProvider>;
const user = postgresUserProvider as Required<typeof postgresUserProvider>;

const cluster = { orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 } as const;

describe("fly:PostgresDatabase and fly:PostgresUser", () => {
    // Every cluster's pg-admin answers its first request with 503 + Retry-After, as Fly's may right after `ready`.
    const env = usePostgresEmulator({ postgresAdminWarmupRequests: 1 });
    const newCluster = async (name: string): Promise<string> => (await pg.create({ ...cluster, name })).id;

    it("manages a database and a user whose password comes from the credentials, role changes in place", async () => {
        const { fly } = env;
        const clusterId = await newCluster("pg-users");

        const database = await db.create({ clusterId, name: "api" });
        assert.equal(database.id, `${clusterId}/api`);
        assert.equal(fly.requests.filter((r) => r.status === 503).length, 1, "the warm-up 503 was waited out");
        assert.ok(fly.state.postgres.get(clusterId)!.databases.has("api"));

        const created = await user.create({ clusterId, username: "api_user", role: "writer" });
        assert.equal(created.outs.password, fly.state.postgres.get(clusterId)!.users.get("api_user")!.password);
        assert.ok(fly.requests.some((r) => r.path === `/v1/postgres/${clusterId}/users/api_user/credentials`));

        const news = { clusterId, username: "api_user", role: "schema_admin" };
        assert.deepEqual(await user.diff(created.id, created.outs, news), { changes: true, replaces: [] });
        fly.clearRequests();
        const updated = await user.update(created.id, created.outs, news);
        assert.deepEqual(mutations(fly), [`PATCH /v1/postgres/${clusterId}/users/api_user`]);
        assert.deepEqual(fly.requests[0].body, { role: "schema_admin" });
        assert.equal(fly.requests[0].status, 204);
        assert.equal(fly.state.postgres.get(clusterId)!.users.get("api_user")!.role, "schema_admin");
        assert.equal(updated.outs!.password, created.outs.password);

        fly.clearRequests();
        assert.equal((await user.diff(created.id, updated.outs!, news)).changes, false);
        await user.update(created.id, updated.outs!, news);
        const read = await user.read(created.id, updated.outs);
        assert.deepEqual(read.props, updated.outs);
        assert.deepEqual((await db.read(database.id, database.outs)).props, database.outs);
        assert.deepEqual(mutations(fly), [], "a no-op update and refreshes send nothing that mutates");

        await user.delete(created.id, updated.outs);
        await db.delete(database.id, database.outs);
        assert.equal((await user.read(created.id, updated.outs)).id, "");
        assert.equal((await db.read(database.id, database.outs)).id, "");
    });

    it("refresh picks up a role change and a password rotation made with fly mpg", async () => {
        const { fly } = env;
        const clusterId = await newCluster("pg-refresh-user");
        const created = await user.create({ clusterId, username: "app", role: "writer" });
        const record = fly.state.postgres.get(clusterId)!.users.get("app")!;
        record.role = "reader";
        record.password = "rotated-out-of-band-3f9c";
        const read = await user.read(created.id, created.outs);
        assert.deepEqual(read.inputs, { clusterId, username: "app", role: "reader" });
        assert.equal(read.props.password, "rotated-out-of-band-3f9c");
    });

    it("refuses renames and moves at check with the fix, and never replaces", async () => {
        const olds = { clusterId: "c1", name: "app" };
        const rename = (await db.check(olds, { ...olds, name: "app2" })).failures!;
        assert.deepEqual(rename.map((f) => f.property), ["name"]);
        assert.match(rename[0].reason, /fly:PostgresDatabase "app": name cannot change from "app" to "app2": .*replacing it would drop its data.*second PostgresDatabase/);
        assert.match((await db.check(olds, { ...olds, clusterId: "c2" })).failures![0].reason, /cannot move to another cluster.*change-database\.md#move-to-a-new-cluster/);
        assert.deepEqual(await db.diff("c1/app", olds, { ...olds, name: "app2" }), { changes: true, replaces: [] });
        await assert.rejects(db.update("c1/app", olds, { ...olds, name: "app2" }), /name cannot change/);

        const owner = { clusterId: "c1", username: "app", role: "schema_admin" };
        const renamed = (await user.check(owner, { ...owner, username: "app2" })).failures!;
        assert.deepEqual(renamed.map((f) => f.property), ["username"]);
        assert.match(renamed[0].reason, /REASSIGN OWNED BY "app" TO "app2";/);
        assert.deepEqual((await user.check(owner, { ...owner, role: "reader" })).failures, [], "a role change is allowed");
        assert.deepEqual(await user.diff("c1/app", { ...owner, password: "p" }, { ...owner, clusterId: "c2" }), { changes: true, replaces: [] });
        await assert.rejects(user.update("c1/app", { ...owner, password: "p" }, { ...owner, clusterId: "c2" }), /clusterId cannot change/);

        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        assert.deepEqual((await user.check(owner, { ...owner, clusterId: unknown })).failures, [], "a cluster id unknown at preview is not judged");
        const invalid = await user.check({}, { clusterId: "c1", username: "_app", role: "owner" });
        assert.deepEqual(invalid.failures!.map((f) => f.property), ["username", "role"]);
        assert.deepEqual((await db.check({}, { clusterId: "c1", name: "app-data" })).failures, []);
    });

    it("waits out pg-admin's 503 with Retry-After right after the cluster is ready", async () => {
        const { fly } = env;
        const clusterId = await newCluster("pg-warmup");
        fly.state.postgres.get(clusterId)!.adminUnavailableFor = 3;
        fly.clearRequests();
        realWaits();
        await db.create({ clusterId, name: "app" });
        const created = await user.create({ clusterId, username: "app", role: "schema_admin" });
        const unavailable = fly.requests.map((r, i) => [r, i] as const).filter(([r]) => r.status === 503);
        assert.equal(unavailable.length, 3);
        for (const [r, i] of unavailable) assert.ok(fly.requests[i + 1].at - r.at >= 1000, `the request after the 503 at ${r.at} ms waited Retry-After (1 s)`);
        assert.deepEqual([...fly.state.postgres.get(clusterId)!.databases].sort(), ["app", "postgres"]);
        assert.equal(created.outs.password, fly.state.postgres.get(clusterId)!.users.get("app")!.password);
    });

    it("never creates a user or database twice under dropped answers, 5xx and 429", async () => {
        const { fly } = env;
        const clusterId = await newCluster("pg-user-faults");
        fly.faults.add({ method: "POST", path: "/v1/postgres/:id/users", kind: "drop", when: "after", times: 1 });
        fly.faults.add({ method: "POST", path: "/v1/postgres/:id/databases", kind: "500", when: "after", times: 1 });
        const u = await user.create({ clusterId, username: "app", role: "reader" });
        await db.create({ clusterId, name: "app" });
        assert.equal(fly.state.postgres.get(clusterId)!.users.size, 1);
        assert.equal(u.outs.password, fly.state.postgres.get(clusterId)!.users.get("app")!.password);
        assert.deepEqual([...fly.state.postgres.get(clusterId)!.databases].sort(), ["app", "postgres"]);

        fly.faults.add({ method: "POST", path: "/v1/postgres/:id/users", kind: "429", retryAfterSeconds: 1, times: 1 });
        realWaits();
        fly.clearRequests();
        await user.create({ clusterId, username: "reporting", role: "reader" });
        const posts = fly.requests.filter((r) => r.method === "POST" && r.path.endsWith("/users"));
        assert.deepEqual(posts.map((r) => r.status), [429, 201]);
        assert.ok(posts[1].at - posts[0].at >= 1000, `the create was sent again ${posts[1].at - posts[0].at} ms after the 429, expected Retry-After (1 s)`);
        assert.equal(fly.requests.filter((r) => r.method === "POST" && r.path.endsWith("/users") && r.status === 201).length, 1);
    });

    it("adopts an existing user and sets its role with the role operation", async () => {
        const { fly } = env;
        const clusterId = await newCluster("pg-adopt-user");
        fly.state.postgres.get(clusterId)!.users.set("app", { role: "reader", password: "made-elsewhere-7d1e" });
        fly.clearRequests();
        const adopted = await user.create({ clusterId, username: "app", role: "writer" });
        assert.deepEqual(mutations(fly), [`PATCH /v1/postgres/${clusterId}/users/app`]);
        assert.equal(adopted.outs.password, "made-elsewhere-7d1e");
    });
});

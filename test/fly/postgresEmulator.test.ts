/**
 * The emulator's Managed Postgres routes against Fly's `/v1/postgres` spec: exactly its operations, its statuses and
 * error bodies, its query parameters, and asynchronous clusters. Raw `fetch`, so nothing here depends on the client.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mpgOperation, mpgOperations, postgresRoutes } from "./emulator/postgres";
import { seedApp, TEST_TOKEN, useEmulator } from "./support";

const AUTH = { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" };
const CLUSTER = { org_slug: "personal", region: "ams", plan: "basic", disk_size_gb: 10, pg_major_version: "17" };

describe("Managed Postgres emulator", () => {
    // Long enough that a request right after a create or delete still sees the transitional status (settle() waits them out).
    const env = useEmulator({ postgresReadyDelayMs: 300, postgresDeleteDelayMs: 300, postgresRetryAfterSeconds: 2 });

    async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; retryAfter: string | null }> {
        const res = await fetch(`${env.fly.url}${path}`, { method, headers: AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get("retry-after") };
    }

    /** Takes the contract breaches the test made on purpose, exactly `count` of them. */
    function expectViolations(count: number): void {
        const taken = env.fly.takeViolations();
        assert.equal(taken.length, count, taken.map((r) => `${r.method} ${r.path}: ${r.violation}`).join("\n"));
    }

    async function readyCluster(name: string, extra: Record<string, unknown> = {}): Promise<string> {
        const created = await call("POST", "/v1/postgres", { ...CLUSTER, name, ...extra });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        await env.fly.settle();
        return created.body.data.id;
    }

    it("routes exactly the spec's operations, and answers a method the spec lacks with 405", async () => {
        const routed = postgresRoutes.map((r) => `${r.method} ${r.spec}`).sort();
        assert.deepEqual(routed, [...mpgOperations()].sort());
        const id = await readyCluster("emu-405");
        for (const [method, path] of [["PATCH", `/v1/postgres/${id}`], ["PUT", `/v1/postgres/${id}`], ["GET", `/v1/postgres/${id}/attachments`]] as const) {
            assert.equal(mpgOperation(method, path), undefined);
            const answer = await call(method, path, method === "GET" ? undefined : { plan: "launch" });
            assert.equal(answer.status, 405, `${method} ${path}`);
            assert.equal(typeof answer.body.error, "string");
        }
        assert.equal(env.fly.state.postgres.get(id)!.plan, "basic");
        // Each deliberately malformed request above is a breach of the contract, recorded as such.
        expectViolations(3);
    });

    it("creates clusters asynchronously, with the spec's validation statuses", async () => {
        assert.equal((await call("POST", "/v1/postgres", { region: "ams", plan: "basic" })).status, 400);
        const invalid = await call("POST", "/v1/postgres", { ...CLUSTER, plan: "huge", pg_major_version: 17, size: 3 });
        assert.equal(invalid.status, 422);
        assert.match(invalid.body.error, /body\.plan: "huge" is not one of/);
        assert.match(invalid.body.error, /body\.pg_major_version: 17 is not one of "16", "17"/, "the version is a string");
        assert.match(invalid.body.error, /body\.size: unknown field/);
        assert.equal((await call("POST", "/v1/postgres", { ...CLUSTER, disk_size_gb: 5 })).status, 422);

        const created = await call("POST", "/v1/postgres", { ...CLUSTER, name: "emu-async", plan: "performance" });
        assert.equal(created.status, 201);
        const { id } = created.body.data;
        assert.equal(created.body.data.status, "creating");
        assert.equal(created.body.data.plan, "Performance", "plans match case-insensitively and come back as the spec spells them");
        assert.deepEqual(created.body.data.endpoints, {}, "no endpoints before ready");
        assert.equal((await call("GET", `/v1/postgres/${id}/databases`)).status, 503);
        const seen = new Set<string>();
        while (!seen.has("ready")) seen.add((await call("GET", `/v1/postgres/${id}`)).body.data.status);
        assert.ok([...seen].every((s) => ["creating", "initializing", "ready"].includes(s)), [...seen].join(", "));
        const ready = (await call("GET", `/v1/postgres/${id}`)).body.data;
        assert.equal(ready.pg_major_version, "17");
        assert.deepEqual(ready.organization, { name: "personal", slug: "personal" });
        assert.match(ready.endpoints.primary.pooler.host, /^pgbouncer\./);
        // Each deliberately malformed request above is a breach of the contract, recorded as such.
        expectViolations(4);
    });

    it("ends clusters in failing regions as failed", async () => {
        env.fly.options.postgresFailingRegions = ["jnb"];
        try {
            const id = await readyCluster("emu-failed", { region: "jnb" });
            assert.equal((await call("GET", `/v1/postgres/${id}`)).body.data.status, "failed");
            assert.equal((await call("GET", `/v1/postgres/${id}/users`)).status, 503);
        } finally {
            env.fly.options.postgresFailingRegions = [];
        }
    });

    it("validates the list's query parameters and deletes asynchronously (202, deleting, deleted, then 410)", async () => {
        assert.equal((await call("GET", "/v1/postgres")).status, 400);
        assert.equal((await call("GET", "/v1/postgres?org_slug=personal&include_deleted=yes")).status, 422);
        const id = await readyCluster("emu-delete");
        const first = await call("DELETE", `/v1/postgres/${id}`);
        assert.equal(first.status, 202);
        assert.equal(first.body, undefined);
        assert.equal((await call("GET", `/v1/postgres/${id}`)).body.data.status, "deleting");
        assert.deepEqual(await call("DELETE", `/v1/postgres/${id}`), { status: 410, body: { error: "This cluster is being deleted" }, retryAfter: null });
        await env.fly.settle();
        assert.equal((await call("GET", `/v1/postgres/${id}`)).body.data.status, "deleted");
        assert.equal((await call("DELETE", `/v1/postgres/${id}`)).body.error, "This cluster has been deleted");
        const listed = async (query: string): Promise<string[]> => (await call("GET", `/v1/postgres?org_slug=personal${query}`)).body.data.map((c: { id: string }) => c.id);
        assert.ok(!(await listed("")).includes(id));
        assert.ok(await listed("&include_deleted=true").then((ids) => ids.includes(id)));
        assert.equal((await call("GET", `/v1/postgres/${id}/databases`)).status, 404);
        assert.equal((await call("GET", "/v1/postgres/nope")).status, 404);
        // Each deliberately malformed request above is a breach of the contract, recorded as such.
        expectViolations(2);
    });

    it("answers pg-admin requests with 503 and Retry-After while it warms up", async () => {
        const id = await readyCluster("emu-warmup");
        env.fly.state.postgres.get(id)!.adminUnavailableFor = 2;
        for (const path of ["databases", "users"]) {
            const answer = await call("GET", `/v1/postgres/${id}/${path}`);
            assert.equal(answer.status, 503);
            assert.equal(answer.retryAfter, "2");
            assert.match(answer.body.error, /pg-admin is unavailable/);
        }
        assert.equal((await call("GET", `/v1/postgres/${id}/databases`)).status, 200);
    });

    it("manages databases and users with the spec's statuses", async () => {
        const id = await readyCluster("emu-admin");
        const path = `/v1/postgres/${id}`;
        assert.equal((await call("POST", `${path}/databases`, {})).status, 422);
        assert.equal((await call("POST", `${path}/databases`, { name: "-bad" })).status, 400);
        assert.equal((await call("POST", `${path}/databases`, { name: "template1" })).status, 400);
        assert.deepEqual(await call("POST", `${path}/databases`, { name: "app" }), { status: 201, body: { data: { name: "app" } }, retryAfter: null });
        assert.equal((await call("DELETE", `${path}/databases/missing`)).status, 404);

        assert.equal((await call("POST", `${path}/users`, { username: "app" })).status, 422);
        assert.equal((await call("POST", `${path}/users`, { username: "app", role: "owner" })).status, 422);
        assert.equal((await call("POST", `${path}/users`, { username: "App", role: "writer" })).status, 400);
        assert.equal((await call("POST", `${path}/users`, { username: "postgres", role: "writer" })).status, 400);
        const user = await call("POST", `${path}/users`, { username: "app", role: "writer" });
        assert.deepEqual(user.body, { data: { username: "app", role: "writer" } }, "no password in the create answer");
        assert.equal((await call("POST", `${path}/users`, { username: "app", role: "reader" })).status, 409);
        assert.equal((await call("PATCH", `${path}/users/app`, { role: "boss" })).status, 422);
        assert.equal((await call("PATCH", `${path}/users/app`, { role: "reader" })).status, 204);
        assert.equal((await call("PATCH", `${path}/users/nobody`, { role: "reader" })).status, 404);
        assert.deepEqual((await call("GET", `${path}/users`)).body.data, [{ username: "app", role: "reader" }]);
        const before = (await call("GET", `${path}/users/app/credentials`)).body.data.password;
        const rotated = await call("POST", `${path}/users/app/rotate_password`, { kill_sessions: true });
        assert.notEqual(rotated.body.data.password, before);
        assert.equal((await call("POST", `${path}/users/app/rotate_password`, { kill_sessions: "yes" })).status, 422);
        assert.equal((await call("DELETE", `${path}/users/app`)).status, 204);
        assert.equal((await call("GET", `${path}/users/app/credentials`)).status, 404);
        // Each deliberately malformed request above is a breach of the contract, recorded as such.
        expectViolations(5);
    });

    it("attaches apps (201, then 200 when already attached), and restores backups into a new cluster", async () => {
        seedApp(env.fly, "emu-pg-app");
        const id = await readyCluster("emu-attach");
        const path = `/v1/postgres/${id}`;
        assert.equal((await call("POST", `${path}/attachments`, { app_name: "emu-pg-app" })).status, 201);
        assert.equal((await call("POST", `${path}/attachments`, { app_name: "emu-pg-app" })).status, 200);
        assert.equal((await call("POST", `${path}/attachments`, { app_name: "nope" })).status, 404);
        assert.deepEqual((await call("GET", path)).body.data.attached_apps, [{ name: "emu-pg-app" }]);
        assert.equal((await call("DELETE", `${path}/attachments/emu-pg-app`)).status, 204);
        assert.equal((await call("DELETE", `${path}/attachments/emu-pg-app`)).body.error, "Attachment not found");

        assert.equal((await call("POST", `${path}/backups`, { type: "full" })).status, 202);
        assert.equal((await call("POST", `${path}/backups`, { type: "full" })).status, 409);
        await env.fly.settle();
        const [backup] = (await call("GET", `${path}/backups`)).body.data;
        assert.equal(backup.status, "completed");
        assert.equal((await call("POST", `${path}/restore`, { backup_id: backup.id, pitr_time: new Date().toISOString() })).status, 422);
        assert.equal((await call("POST", `${path}/restore`, { backup_id: "missing" })).status, 404);
        const restored = await call("POST", `${path}/restore`, { backup_id: backup.id, name: "emu-restored" });
        assert.equal(restored.status, 201);
        assert.notEqual(restored.body.data.id, id);
        assert.equal(restored.body.data.status, "creating");
        assert.equal(env.fly.state.postgres.get(id)!.status, "ready", "the source is unchanged");
    });
});

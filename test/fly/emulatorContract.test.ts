/**
 * The emulator holds every request to the repository's copies of Fly's specs: the operation must exist (404 naming
 * the route otherwise, 405 on a Managed Postgres path), query parameters must be declared and typed as declared,
 * bodies must validate (OpenAPI 3.0 for machines, 3.1 for Managed Postgres), and each refusal is recorded as a
 * contract violation that fails the suite.
 * Also `wait` with every state the spec allows. Raw `fetch`, so the client's behaviour plays no part.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpecValidator } from "./emulator/schema";
import { assertContractKept, seedApp, TEST_TOKEN, useEmulator } from "./support";

const AUTH = { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" };

describe("Fly API emulator: the contract", () => {
    const env = useEmulator();

    async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
        const res = await fetch(`${env.fly.url}${path}`, { method, headers: AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    async function machine(app: string): Promise<string> {
        seedApp(env.fly, app);
        const created = await call("POST", `/v1/apps/${app}/machines`, { region: "ams", config: { image: "registry.fly.io/api:1" } });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return created.body.id as string;
    }

    it("answers 404 naming the route for an operation neither spec has (405 for a method a Managed Postgres path lacks), and records it", async () => {
        seedApp(env.fly, "c-404");
        const patch = await call("PATCH", "/v1/postgres/abc", { plan: "launch" });
        assert.equal(patch.status, 405, "Managed Postgres's router answers a method its path lacks with 405");
        assert.match(patch.body.error, /^PATCH \/v1\/postgres\/abc is not an operation of Fly's API \(\/v1\/postgres\/\{postgres_cluster_id\} allows GET, DELETE\)/);
        const nowhere = await call("GET", "/v1/apps/c-404/deployments");
        assert.equal(nowhere.status, 404);
        assert.match(nowhere.body.error, /GET \/v1\/apps\/c-404\/deployments is not an operation of Fly's API: no path of contracts\/fly\/machines-openapi\.json or contracts\/fly\/managed-postgres-openapi\.json/);
        // The Machines API is served under /v1 (its server URL); its paths without it do not exist.
        assert.equal((await call("GET", "/apps/c-404")).status, 404);
        const known = await call("GET", "/v1/apps/c-404");
        assert.equal(known.status, 200);
        const violations = env.fly.takeViolations();
        assert.deepEqual(violations.map((r) => `${r.method} ${r.path}`), ["PATCH /v1/postgres/abc", "GET /v1/apps/c-404/deployments", "GET /apps/c-404"]);
        assert.equal(env.fly.requests.find((r) => r.path === "/v1/apps/c-404")?.operation, "GET /v1/apps/{app_name}");
    });

    it("refuses query parameters the operation does not declare, or of the wrong type or value, with 400", async () => {
        const id = await machine("c-query");
        const cases: [string, RegExp][] = [
            ["/v1/apps/c-query/machines?regions=ams", /unknown query parameter "regions" \(GET \/v1\/apps\/\{app_name\}\/machines takes include_deleted, region, state, summary\)/],
            ["/v1/apps/c-query/machines?summary=maybe", /query parameter summary: "maybe" is not a boolean/],
            [`/v1/apps/c-query/machines/${id}/wait?state=running`, /query parameter state: "running" is not one of "started", "stopped", "suspended", "destroyed", "failed", "settled"/],
            [`/v1/apps/c-query/machines/${id}/wait?state=started,runing`, /query parameter state: "runing" is not one of/],
            [`/v1/apps/c-query/machines/${id}/wait?timeout=soon`, /query parameter timeout: "soon" is not an integer/],
            ["/v1/postgres", /query parameter org_slug is required/],
            ["/v1/postgres?org_slug=personal&include_deleted=yes", /query parameter include_deleted: "yes" is not a boolean/],
            ["/v1/postgres/abc/queries/slow?range=0", /query parameter range: 0 is outside \[1, 604800\]/],
            ["/v1/postgres/abc/queries/active?database=", /query parameter database: must be at least 1 characters/],
        ];
        for (const [path, expected] of cases) {
            const answer = await call("GET", path);
            const recorded = env.fly.requests.at(-1)!;
            assert.match(recorded.violation ?? "", /^invalid query: /, path);
            assert.match(recorded.violation ?? "", expected, path);
            if (path.startsWith("/v1/postgres")) {
                // Managed Postgres's own handlers answer (400 for a missing org_slug, 422 for a bad value, 404 for a cluster that is not there).
                assert.ok([400, 404, 422].includes(answer.status), `${path}: ${answer.status}`);
            } else {
                assert.equal(answer.status, 400, path);
                assert.equal(answer.body.error, recorded.violation, path);
            }
        }
        assert.equal((await call("GET", "/v1/apps/c-query/machines?summary=true&region=ams")).status, 200);
        assert.equal((await call("GET", "/v1/postgres?org_slug=personal&include_deleted=false")).status, 200);
        assert.equal(env.fly.takeViolations().length, cases.length);
    });

    it("validates Managed Postgres bodies against its OpenAPI 3.1 spec", async () => {
        // Managed Postgres's handlers answer with their own statuses (422 for invalid attributes); the contract's
        // verdict is the recorded violation, whatever the handler said.
        const violationOf = async (method: string, path: string, body?: unknown) => {
            const answer = await call(method, path, body);
            assert.ok(answer.status >= 400 && answer.status < 500, `${method} ${path}: ${answer.status}`);
            return env.fly.requests.at(-1)!.violation ?? "";
        };
        const create = await call("POST", "/v1/postgres", { org_slug: "personal", region: "ams", plan: "basic", pg_major_version: 17, disk_size_gb: 5 });
        assert.equal(create.status, 422);
        const createViolation = env.fly.requests.at(-1)!.violation ?? "";
        assert.match(createViolation, /body\.pg_major_version: 17 is not one of "16", "17"/);
        assert.match(createViolation, /body\.disk_size_gb: 5 is outside \[10, 1000\]/);
        assert.match(await violationOf("PATCH", "/v1/postgres/abc/users/app", { role: "owner" }), /body\.role: "owner" is not one of "schema_admin", "writer", "reader"/);
        assert.match(await violationOf("POST", "/v1/postgres/abc/attachments"), /request body is required/);
        assert.match(await violationOf("DELETE", "/v1/postgres/abc", { force: true }), /DELETE \/v1\/postgres\/\{postgres_cluster_id\} takes no request body/);
        assert.equal(env.fly.takeViolations().length, 4);

        const ok = await call("POST", "/v1/postgres", { org_slug: "personal", region: "ams", plan: "Performance", pg_major_version: "16", disk_size_gb: 10 });
        assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });

    it("reads OpenAPI 3.1 type arrays and null, and 3.0 nullable", () => {
        const validator = new SpecValidator();
        assert.deepEqual(validator.validateComponent("PostgresCluster", { id: "x", storage_used_bytes: null, storage_provisioned_bytes: 1024 }), []);
        assert.deepEqual(validator.validateComponent("PostgresCluster", { storage_used_bytes: "1 GB" }), ["value.storage_used_bytes: expected an integer, got string \"1 GB\""]);
        assert.deepEqual(validator.validateComponent("PostgresExtension", { name: "postgis", installed: null }), []);
        assert.deepEqual(validator.validateComponent("PostgresExtension", { installed: [] }), ["value.installed: expected an object, got an array"]);
        assert.deepEqual(validator.validate({ type: "string", nullable: true }, null), []);
        assert.deepEqual(validator.validate({ type: "string" }, null), ["body: null is not allowed"]);
        assert.deepEqual(validator.validate({ type: ["string", "null"] }, 3), ["body: expected a string, got number 3"]);
        assert.deepEqual(validator.validate({ oneOf: [{ type: "string" }, { type: "integer" }] }, true).length, 1);
    });

    it("waits for every state the spec allows: settled, failed, several at once, with a timeout", async () => {
        const id = await machine("c-wait");
        const wait = (query: string): Promise<{ status: number; body: any }> => call("GET", `/v1/apps/c-wait/machines/${id}/wait?${query}`);
        const settled = await wait("state=settled&timeout=5");
        assert.equal(settled.status, 200);
        assert.equal(settled.body.state, "started", "settled waits through starting");
        env.fly.options.waitMsPerSecond = 10;
        try {
            assert.equal((await wait("state=failed&timeout=2")).status, 408);
            const record = env.fly.state.apps.get("c-wait")!.machines.get(id)!;
            record.state = "failed";
            assert.deepEqual([(await wait("state=failed&timeout=2")).body.state, (await wait("state=settled&timeout=2")).body.state], ["failed", "failed"]);
            assert.equal((await wait("state=started,failed&timeout=2")).status, 200);
            assert.equal((await wait("state=started&state=failed&timeout=2")).status, 200);
            assert.equal((await wait("state=started,stopped&timeout=2")).status, 408);
            assert.equal((await wait("state=started&timeout=0")).status, 400);
        } finally {
            env.fly.options.waitMsPerSecond = 1000;
        }
        assert.deepEqual(env.fly.takeViolations(), [], "timeout=0 is refused by the handler, not by the contract");
    });

    it("fails a suite on any request that broke the contract", async () => {
        seedApp(env.fly, "c-guard");
        assert.doesNotThrow(() => assertContractKept(env.fly));
        await call("POST", "/v1/apps/c-guard/machines", { config: { image: "registry.fly.io/api:1", imagee: "typo" } });
        assert.throws(() => assertContractKept(env.fly), /1 request\(s\) broke Fly's API contract[\s\S]*POST \/v1\/apps\/c-guard\/machines: invalid request body: body\.config\.imagee: unknown field/);
        assert.doesNotThrow(() => assertContractKept(env.fly), "each violation is reported once");
    });
});

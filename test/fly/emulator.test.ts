/**
 * The emulator itself: spec validation, auth checks, Fly's semantics for apps and machines, faults, recording.
 * Raw `fetch` is used on purpose so these tests do not depend on the client's behaviour.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seedApp, TEST_TOKEN, useEmulator } from "./support";

const AUTH = { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" };

describe("Fly API emulator", () => {
    const env = useEmulator({ failingImages: [/:broken$/], tokens: [TEST_TOKEN, "fo1_abc"], organizations: ["personal", "one", "two"] });

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
        const res = await fetch(`${env.fly.url}${path}`, { method, headers: { ...AUTH, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    it("rejects spec-invalid bodies with Fly's error shape", async () => {
        seedApp(env.fly, "emu-spec");
        const unknown = await call("POST", "/v1/apps/emu-spec/machines", { config: { image: "registry.fly.io/nginx:1", imagee: "typo" } });
        assert.equal(unknown.status, 400);
        assert.match(unknown.body.error, /body\.config\.imagee: unknown field/);
        const wrongType = await call("POST", "/v1/apps/emu-spec/machines", { config: { image: "registry.fly.io/nginx:1", services: [{ internal_port: "8080" }] } });
        assert.equal(wrongType.status, 400);
        assert.match(wrongType.body.error, /body\.config\.services\[0\]\.internal_port: expected an integer/);
        const wrongEnv = await call("POST", "/v1/apps/emu-spec/machines", { config: { image: "registry.fly.io/nginx:1", env: { DEBUG: false } } });
        assert.match(wrongEnv.body.error, /body\.config\.env\.DEBUG: expected a string/);
        const volume = await call("POST", "/v1/apps/emu-spec/volumes", { name: "data", region: "ams", size_gb: 1.5 });
        assert.match(volume.body.error, /body\.size_gb: expected an integer/);
        const pg = await call("POST", "/v1/postgres", { org_slug: "personal", region: "ams", plan: "huge", disk_size_gb: 10, pg_major_version: 15 });
        assert.match(pg.body.error, /body\.plan: "huge" is not one of/);
        assert.match(pg.body.error, /body\.pg_major_version: 15 is not one of "16", "17"/);
        const bad = await fetch(`${env.fly.url}/v1/apps`, { method: "POST", headers: AUTH, body: "{not json" });
        assert.equal(bad.status, 400);
        const valid = await call("POST", "/v1/apps/emu-spec/machines", { name: "ok", region: "ams", config: { image: "registry.fly.io/nginx:1", guest: { cpus: 1, memory_mb: 256, cpu_kind: "shared" } } });
        assert.equal(valid.status, 200);
        const violations = env.fly.takeViolations();
        assert.deepEqual(
            violations.map((r) => `${r.status} ${r.method} ${r.path}`),
            ["400 POST /v1/apps/emu-spec/machines", "400 POST /v1/apps/emu-spec/machines", "400 POST /v1/apps/emu-spec/machines", "400 POST /v1/apps/emu-spec/volumes", "422 POST /v1/postgres", "400 POST /v1/apps"],
        );
        assert.match(violations[5].violation!, /invalid JSON body/);
    });

    it("checks the Authorization header format", async () => {
        const path = `${env.fly.url}/v1/apps?org_slug=personal`;
        assert.equal((await fetch(path)).status, 401);
        assert.equal((await fetch(path, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status, 401);
        assert.equal((await fetch(path, { headers: { authorization: "FlyV1 not-a-macaroon" } })).status, 401);
        assert.equal((await fetch(path, { headers: { authorization: "Token abc" } })).status, 401);
        assert.equal((await fetch(path, { headers: { authorization: "Bearer fo1_abc" } })).status, 200);
        assert.equal((await fetch(path, { headers: { authorization: `FlyV1 ${TEST_TOKEN}` } })).status, 200);
        assert.ok(env.fly.requests.every((r) => !("authorization" in r.headers)), "Authorization must never be recorded");
    });

    it("keeps app names globally unique", async () => {
        assert.equal((await call("POST", "/v1/apps", { name: "emu-unique", org_slug: "one" })).status, 201);
        const taken = await call("POST", "/v1/apps", { name: "emu-unique", org_slug: "two" });
        assert.equal(taken.status, 422);
        assert.equal(taken.body.status, "name_taken");
    });

    it("runs the machine state machine with checks, leases, wait and delete rules", async () => {
        seedApp(env.fly, "emu-m");
        const config = { image: "registry.fly.io/api:1", checks: { health: { type: "http", port: 8080, path: "/health" } } };
        const created = await call("POST", "/v1/apps/emu-m/machines", { name: "m1", region: "ams", config });
        const id = created.body.id as string;
        assert.match(created.body.image_ref.digest, /^sha256:[0-9a-f]{64}$/);
        assert.equal((await call("GET", `/v1/apps/emu-m/machines/${id}/wait?state=started&timeout=5`)).status, 200);
        await env.fly.settle();
        const machine = (await call("GET", `/v1/apps/emu-m/machines/${id}`)).body;
        assert.deepEqual(machine.checks.map((c: { name: string; status: string }) => [c.name, c.status]), [["health", "passing"]]);
        assert.equal(env.fly.servingMachines("emu-m").length, 1);

        const lease = (await call("POST", `/v1/apps/emu-m/machines/${id}/lease`, { ttl: 30 })).body.data;
        assert.ok(lease.nonce);
        assert.equal((await call("POST", `/v1/apps/emu-m/machines/${id}/lease`, { ttl: 30 })).status, 409);
        assert.equal((await call("POST", `/v1/apps/emu-m/machines/${id}`, { config: { ...config, image: "registry.fly.io/api:2" } })).status, 409);
        const updated = await call("POST", `/v1/apps/emu-m/machines/${id}`, { config: { ...config, image: "registry.fly.io/api:2" } }, { "fly-machine-lease-nonce": lease.nonce });
        assert.equal(updated.status, 200);
        assert.notEqual(updated.body.instance_id, machine.instance_id);
        assert.equal(env.fly.servingMachines("emu-m").length, 0, "a restarting machine does not serve");

        const refused = await call("DELETE", `/v1/apps/emu-m/machines/${id}`, undefined, { "fly-machine-lease-nonce": lease.nonce });
        assert.equal(refused.status, 412);
        assert.equal((await call("POST", `/v1/apps/emu-m/machines/${id}/stop`, {}, { "fly-machine-lease-nonce": lease.nonce })).status, 200);
        assert.equal((await call("GET", `/v1/apps/emu-m/machines/${id}/wait?state=stopped&timeout=5`)).status, 200);
        assert.equal((await call("DELETE", `/v1/apps/emu-m/machines/${id}`, undefined, { "fly-machine-lease-nonce": lease.nonce })).status, 200);
        assert.equal((await call("GET", `/v1/apps/emu-m/machines/${id}/wait?state=destroyed&timeout=5`)).status, 200);
        assert.deepEqual((await call("GET", "/v1/apps/emu-m/machines")).body, []);
    });

    it("answers 408 when a wait times out", async () => {
        seedApp(env.fly, "emu-408");
        const id = (await call("POST", "/v1/apps/emu-408/machines", { config: { image: "registry.fly.io/api:1" } })).body.id;
        env.fly.options.waitMsPerSecond = 10;
        try {
            const timedOut = await call("GET", `/v1/apps/emu-408/machines/${id}/wait?state=stopped&timeout=3`);
            assert.equal(timedOut.status, 408);
            assert.equal((await call("GET", `/v1/apps/emu-408/machines/${id}/wait?state=started&timeout=61`)).status, 200);
        } finally {
            env.fly.options.waitMsPerSecond = 1000;
        }
    });

    it("serves only registered, uncordoned machines whose checks pass", async () => {
        const { fly } = env;
        seedApp(fly, "emu-serve");
        const checks = { health: { type: "http", port: 8080, path: "/health" } };
        const watch = fly.watchServing("emu-serve");
        const green = (await call("POST", "/v1/apps/emu-serve/machines", { skip_service_registration: true, config: { image: "registry.fly.io/api:1", checks } })).body.id;
        const broken = (await call("POST", "/v1/apps/emu-serve/machines", { config: { image: "registry.fly.io/api:broken", checks } })).body.id;
        await fly.settle();
        assert.equal(fly.servingMachines("emu-serve").length, 0);
        const brokenChecks = (await call("GET", `/v1/apps/emu-serve/machines/${broken}`)).body.checks;
        assert.equal(brokenChecks[0].status, "critical");
        await call("POST", `/v1/apps/emu-serve/machines/${green}/uncordon`);
        assert.deepEqual(fly.servingMachines("emu-serve").map((m) => m.id), [green]);
        await call("POST", `/v1/apps/emu-serve/machines/${green}/cordon`);
        assert.equal(fly.servingMachines("emu-serve").length, 0);
        watch.stop();
        assert.deepEqual([watch.min, Math.max(...watch.samples)], [0, 1]);
    });

    it("injects faults per route and records them", async () => {
        const { fly } = env;
        seedApp(fly, "emu-faults");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "insufficient_capacity", times: 1 });
        const capacity = await call("POST", "/v1/apps/emu-faults/machines", { config: { image: "registry.fly.io/api:1" } });
        assert.equal(capacity.body.status, "insufficient_capacity");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "drop", when: "after", times: 1 });
        await assert.rejects(call("POST", "/v1/apps/emu-faults/machines", { name: "lost", config: { image: "registry.fly.io/api:1" } }));
        assert.equal(fly.state.apps.get("emu-faults")!.machines.size, 1, "a drop after handling carries the request out");
        fly.faults.add({ path: "/v1/apps/**", kind: "429", retryAfterSeconds: 7, times: 1 });
        const limited = await fetch(`${fly.url}/v1/apps/emu-faults/machines`, { headers: AUTH });
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get("retry-after"), "7");
        assert.deepEqual(
            fly.requests.map((r) => [r.method, r.fault ?? null, r.status]),
            [
                ["POST", "insufficient_capacity", 412],
                ["POST", "drop", 0],
                ["GET", "429", 429],
            ],
        );
        assert.deepEqual(fly.mutating().length, 2);
    });

    it("versions secrets on every change and never returns values", async () => {
        seedApp(env.fly, "emu-secrets");
        const set = await call("POST", "/v1/apps/emu-secrets/secrets", { values: { A: "1", B: "2" } });
        assert.equal(set.body.version, 1);
        assert.equal((await call("DELETE", "/v1/apps/emu-secrets/secrets/A")).body.version, 2);
        const listed = (await call("GET", "/v1/apps/emu-secrets/secrets")).body.secrets;
        assert.deepEqual(listed.map((s: { name: string }) => s.name), ["B"]);
        assert.ok(!JSON.stringify(listed).includes('"2"') && listed.every((s: { value?: string }) => s.value === undefined));
    });
});

describe("Fly API emulator: refuses what Fly refuses", () => {
    const env = useEmulator({ tokens: [TEST_TOKEN], organizations: ["personal"], images: ["registry.fly.io/api:1"] });

    async function call(method: string, path: string, body?: unknown, token = TEST_TOKEN): Promise<{ status: number; body: any }> {
        const res = await fetch(`${env.fly.url}${path}`, { method, headers: { authorization: `FlyV1 ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    it("answers 401 to a well-formed token it was not given, and 200 to the one it was", async () => {
        const wrong = await call("GET", "/v1/apps?org_slug=personal", undefined, "fm2_someone-elses-token");
        assert.equal(wrong.status, 401);
        assert.match(wrong.body.error, /token is not valid/);
        assert.equal((await call("GET", "/v1/apps?org_slug=personal")).status, 200);
    });

    it("answers 404 for an organization that does not exist, when creating or listing apps", async () => {
        const created = await call("POST", "/v1/apps", { name: "emu-no-org", org_slug: "nobody" });
        assert.equal(created.status, 404);
        assert.match(created.body.error, /organization "nobody" not found/);
        assert.equal(env.fly.state.apps.has("emu-no-org"), false, "nothing was created");
        assert.equal((await call("GET", "/v1/apps?org_slug=nobody")).status, 404);
        assert.equal((await call("POST", "/v1/apps", { name: "emu-org", org_slug: "personal" })).status, 201);
    });

    it("refuses an image its registry does not hold, on create and on update", async () => {
        seedApp(env.fly, "emu-image");
        const missing = await call("POST", "/v1/apps/emu-image/machines", { region: "ams", config: { image: "registry.fly.io/api:typo" } });
        assert.equal(missing.status, 422);
        assert.match(missing.body.error, /failed to resolve image "registry.fly.io\/api:typo"/);
        assert.equal(env.fly.state.apps.get("emu-image")!.machines.size, 0, "nothing was created");
        const made = await call("POST", "/v1/apps/emu-image/machines", { region: "ams", config: { image: "registry.fly.io/api:1" } });
        assert.equal(made.status, 200);
        const update = await call("POST", `/v1/apps/emu-image/machines/${made.body.id}`, { config: { image: "docker.io/library/api:1" } });
        assert.equal(update.status, 422);
        assert.equal(env.fly.state.apps.get("emu-image")!.machines.get(made.body.id)!.config.image, "registry.fly.io/api:1");
    });

    it("refuses a region that is not one of Fly's, for machines, volumes and Managed Postgres", async () => {
        seedApp(env.fly, "emu-region");
        const machine = await call("POST", "/v1/apps/emu-region/machines", { region: "xyz", config: { image: "registry.fly.io/api:1" } });
        assert.equal(machine.status, 422);
        assert.match(machine.body.error, /region "xyz" not found/);
        assert.equal((await call("POST", "/v1/apps/emu-region/volumes", { name: "data", region: "xyz", size_gb: 1 })).status, 422);
        const pg = await call("POST", "/v1/postgres", { org_slug: "personal", name: "emu-pg", region: "xyz", plan: "basic", disk_size_gb: 10, pg_major_version: "17" });
        assert.equal(pg.status, 422);
        assert.equal(env.fly.state.postgres.size, 0, "no cluster was created");
        assert.equal((await call("POST", "/v1/apps/emu-region/machines", { region: "ams", config: { image: "registry.fly.io/api:1" } })).status, 200);
    });

    it("ends a one-off machine no rule describes with exit code 127, not 0", async () => {
        seedApp(env.fly, "emu-oneoff");
        const made = await call("POST", "/v1/apps/emu-oneoff/machines", { region: "ams", config: { image: "registry.fly.io/api:1", auto_destroy: true, restart: { policy: "no" }, init: { cmd: ["npm", "run", "migrate"] } } });
        assert.equal(made.status, 200);
        await env.fly.settle();
        assert.equal(env.fly.state.apps.get("emu-oneoff")!.machines.get(made.body.id)!.exitCode, 127);
    });

    it("counts every request against the rate limit, a fault's answer too", async () => {
        seedApp(env.fly, "emu-limits");
        env.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "500", times: 3 });
        const body = { region: "ams", config: { image: "registry.fly.io/api:1" } };
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await call("POST", "/v1/apps/emu-limits/machines", body)).status);
        assert.deepEqual(statuses, [500, 500, 500, 429], "three faults spent the burst of 3: the fourth create is over Fly's limit");
    });
});

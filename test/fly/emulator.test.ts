/**
 * The emulator itself: spec validation, auth checks, Fly's semantics for apps and machines, faults, recording.
 * Raw `fetch` is used on purpose so these tests do not depend on the client's behaviour.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seedApp, TEST_TOKEN, useEmulator } from "./support";

const AUTH = { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" };

describe("Fly API emulator", () => {
    const env = useEmulator({ failingImages: [/:broken$/] });

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
        const res = await fetch(`${env.fly.url}${path}`, { method, headers: { ...AUTH, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }

    it("rejects spec-invalid bodies with Fly's error shape", async () => {
        seedApp(env.fly, "emu-spec");
        const unknown = await call("POST", "/v1/apps/emu-spec/machines", { config: { image: "nginx", imagee: "typo" } });
        assert.equal(unknown.status, 400);
        assert.match(unknown.body.error, /body\.config\.imagee: unknown field/);
        const wrongType = await call("POST", "/v1/apps/emu-spec/machines", { config: { image: "nginx", services: [{ internal_port: "8080" }] } });
        assert.equal(wrongType.status, 400);
        assert.match(wrongType.body.error, /body\.config\.services\[0\]\.internal_port: expected an integer/);
        const wrongEnv = await call("POST", "/v1/apps/emu-spec/machines", { config: { image: "nginx", env: { DEBUG: false } } });
        assert.match(wrongEnv.body.error, /body\.config\.env\.DEBUG: expected a string/);
        const volume = await call("POST", "/v1/apps/emu-spec/volumes", { name: "data", region: "ams", size_gb: 1.5 });
        assert.match(volume.body.error, /body\.size_gb: expected an integer/);
        const pg = await call("POST", "/v1/postgres", { org_slug: "personal", region: "ams", plan: "huge", disk_size_gb: 10, pg_major_version: 15 });
        assert.match(pg.body.error, /body\.plan: "huge" is not one of/);
        assert.match(pg.body.error, /body\.pg_major_version: 15 is not one of "16", "17"/);
        const bad = await fetch(`${env.fly.url}/v1/apps`, { method: "POST", headers: AUTH, body: "{not json" });
        assert.equal(bad.status, 400);
        const valid = await call("POST", "/v1/apps/emu-spec/machines", { name: "ok", region: "ams", config: { image: "nginx", guest: { cpus: 1, memory_mb: 256, cpu_kind: "shared" } } });
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
        const config = { image: "api:1", checks: { health: { type: "http", port: 8080, path: "/health" } } };
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
        assert.equal((await call("POST", `/v1/apps/emu-m/machines/${id}`, { config: { ...config, image: "api:2" } })).status, 409);
        const updated = await call("POST", `/v1/apps/emu-m/machines/${id}`, { config: { ...config, image: "api:2" } }, { "fly-machine-lease-nonce": lease.nonce });
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
        const id = (await call("POST", "/v1/apps/emu-408/machines", { config: { image: "api:1" } })).body.id;
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
        const green = (await call("POST", "/v1/apps/emu-serve/machines", { skip_service_registration: true, config: { image: "api:1", checks } })).body.id;
        const broken = (await call("POST", "/v1/apps/emu-serve/machines", { config: { image: "api:broken", checks } })).body.id;
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
        const capacity = await call("POST", "/v1/apps/emu-faults/machines", { config: { image: "api:1" } });
        assert.equal(capacity.body.status, "insufficient_capacity");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "drop", when: "after", times: 1 });
        await assert.rejects(call("POST", "/v1/apps/emu-faults/machines", { name: "lost", config: { image: "api:1" } }));
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

/**
 * The Fly HTTP client against the emulator: auth header rules, retries (429 with Retry-After, 5xx, dropped
 * connections, timeouts), what is never retried, and errors that name the call but never the token.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { authorizationFor, FlyApiError, flyApiBase, flyRequest } from "../../providers/fly/client";
import { paced } from "../../providers/fly/rollout/machinesApi";
import { DEFAULT_ROLLOUT_TIMING } from "../../providers/fly/rollout/timing";
import { realWaits, seedApp, TEST_TOKEN, useEmulator } from "./support";

const R = 'fly:Test "client"';

describe("authorizationFor", () => {
    it("passes FlyV1 tokens unchanged, gives macaroons FlyV1 and everything else Bearer", () => {
        assert.equal(authorizationFor("FlyV1 fm2_abc,fm2_def"), "FlyV1 fm2_abc,fm2_def");
        assert.equal(authorizationFor("fm2_abc"), "FlyV1 fm2_abc");
        assert.equal(authorizationFor("fm1_abc"), "FlyV1 fm1_abc");
        assert.equal(authorizationFor("m2.abc"), "FlyV1 m2.abc");
        assert.equal(authorizationFor("  fo1_personal  "), "Bearer fo1_personal");
        assert.equal(authorizationFor("abcdef"), "Bearer abcdef");
    });
});

describe("flyRequest", () => {
    const env = useEmulator();

    it("reads host and token at call time and sends the scheme the emulator requires", async () => {
        const { fly } = env;
        seedApp(fly, "client-app");
        const saved = process.env.FLY_API_HOSTNAME;
        process.env.FLY_API_HOSTNAME = "http://127.0.0.1:1";
        await assert.rejects(flyRequest({ method: "GET", path: "/v1/apps/client-app", resource: R, retry: "never" }), (e: FlyApiError) => e.status === 0);
        process.env.FLY_API_HOSTNAME = saved;
        const known = fly.options.tokens;
        fly.options.tokens = [...known, "fm2_abc", "plain-token"];
        try {
            for (const token of ["fm2_abc", "FlyV1 fm2_abc", "plain-token"]) {
                process.env.FLY_API_TOKEN = token;
                const app = await flyRequest<{ name: string }>({ method: "GET", path: "/apps/client-app", resource: R });
                assert.equal(app.name, "client-app");
            }
        } finally {
            fly.options.tokens = known;
            process.env.FLY_API_TOKEN = TEST_TOKEN;
        }
        // The emulator refuses a macaroon sent as Bearer, which is what the client must never do.
        const raw = await fetch(`${fly.url}/v1/apps/client-app`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
        assert.equal(raw.status, 401);
    });

    it("fails clearly without a token, naming the variable and the resource", async () => {
        const saved = process.env.FLY_API_TOKEN;
        delete process.env.FLY_API_TOKEN;
        try {
            await assert.rejects(flyRequest({ method: "GET", path: "/v1/apps/x", resource: R }), /fly:Test "client": FLY_API_TOKEN is not set/);
        } finally {
            process.env.FLY_API_TOKEN = saved;
        }
    });

    it("honours Retry-After on 429 and converges", async () => {
        const { fly } = env;
        seedApp(fly, "client-429");
        realWaits();
        fly.faults.add({ method: "GET", path: "/v1/apps/:app", kind: "429", retryAfterSeconds: 1, times: 2 });
        const app = await flyRequest<{ name: string }>({ method: "GET", path: "/v1/apps/client-429", resource: R });
        assert.equal(app.name, "client-429");
        const at = fly.requests.map((r) => r.at);
        assert.equal(at.length, 3);
        assert.ok(at[1] - at[0] >= 1000 && at[2] - at[1] >= 1000, `attempts at ${at.join(", ")} ms, expected Retry-After (1 s) between them`);
    });

    it("retries 5xx and dropped connections for safe calls", async () => {
        const { fly } = env;
        seedApp(fly, "client-5xx");
        fly.faults.add({ method: "GET", path: "/v1/apps/:app", kind: "500", times: 1 });
        fly.faults.add({ method: "GET", path: "/v1/apps/:app", kind: "drop", times: 1 });
        const app = await flyRequest<{ name: string }>({ method: "GET", path: "/v1/apps/client-5xx", resource: R });
        assert.equal(app.name, "client-5xx");
        assert.deepEqual(
            fly.requests.map((r) => r.fault ?? r.status),
            ["500", "drop", 200],
        );
    });

    it("never re-sends a POST after a 5xx or a dropped connection, but does after a 429", async () => {
        const { fly } = env;
        fly.faults.add({ method: "POST", path: "/v1/apps", kind: "500", times: 1 });
        await assert.rejects(flyRequest({ method: "POST", path: "/v1/apps", body: { name: "client-post", org_slug: "personal" }, resource: R }), (e: FlyApiError) => e.status === 500);
        assert.equal(fly.requests.length, 1);
        fly.faults.add({ method: "POST", path: "/v1/apps", kind: "drop", times: 1 });
        await assert.rejects(flyRequest({ method: "POST", path: "/v1/apps", body: { name: "client-post", org_slug: "personal" }, resource: R }), (e: FlyApiError) => e.status === 0);
        assert.equal(fly.requests.length, 2);
        fly.faults.add({ method: "POST", path: "/v1/apps", kind: "429", times: 1 });
        await flyRequest({ method: "POST", path: "/v1/apps", body: { name: "client-post", org_slug: "personal" }, resource: R });
        assert.equal(fly.requests.length, 4);
        assert.ok(fly.state.apps.has("client-post"));
    });

    it("gives up after bounded attempts with an error naming resource, call and Fly's text", async () => {
        const { fly } = env;
        fly.faults.add({ path: "/v1/apps/:app", kind: "500" });
        const error = await flyRequest({ method: "GET", path: "/v1/apps/gone", resource: R }).catch((e: unknown) => e as FlyApiError);
        assert.ok(error instanceof FlyApiError);
        assert.equal(error.status, 500);
        assert.match(error.message, /^fly:Test "client": GET \/v1\/apps\/gone failed with HTTP 500: internal server error \(after 6 attempts\)/);
        assert.equal(fly.requests.length, 6);
    });

    it("times out a slow answer per attempt and retries it", async () => {
        const { fly } = env;
        seedApp(fly, "client-slow");
        fly.faults.add({ method: "GET", path: "/v1/apps/:app", kind: "slow", delayMs: 300, times: 1 });
        const app = await flyRequest<{ name: string }>({ method: "GET", path: "/v1/apps/client-slow", resource: R, timeoutMs: 100 });
        assert.equal(app.name, "client-slow");
        assert.equal(fly.requests.length, 2);
    });

    it("resolves 404 to undefined only when allowed", async () => {
        assert.equal(await flyRequest({ method: "GET", path: "/v1/apps/nope", resource: R, allowNotFound: true }), undefined);
        await assert.rejects(flyRequest({ method: "GET", path: "/v1/apps/nope", resource: R }), (e: FlyApiError) => e.status === 404 && /app nope not found/.test(e.message));
    });

    it("keeps the token out of errors even when the server echoes it", async () => {
        const echo = createServer((req, res) => {
            res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ error: `token ${req.headers.authorization} is not allowed` }));
        });
        await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
        const saved = process.env.FLY_API_HOSTNAME;
        process.env.FLY_API_HOSTNAME = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
        try {
            const error = await flyRequest({ method: "GET", path: "/v1/apps/x", resource: R }).catch((e: unknown) => e as FlyApiError);
            assert.ok(error instanceof FlyApiError);
            assert.ok(!error.message.includes(TEST_TOKEN), error.message);
            assert.ok(!JSON.stringify(error).includes(TEST_TOKEN));
            assert.match(error.message, /\[redacted\]/);
            assert.match(error.message, /FLY_API_TOKEN/);
        } finally {
            process.env.FLY_API_HOSTNAME = saved;
            echo.close();
        }
    });

    it("defaults the host to api.machines.dev and accepts a bare hostname", () => {
        const saved = process.env.FLY_API_HOSTNAME;
        try {
            delete process.env.FLY_API_HOSTNAME;
            assert.equal(flyApiBase(), "https://api.machines.dev");
            process.env.FLY_API_HOSTNAME = "localhost:4280/";
            assert.equal(flyApiBase(), "https://localhost:4280");
        } finally {
            process.env.FLY_API_HOSTNAME = saved;
        }
    });
});

describe("paced calls under faults", () => {
    const env = useEmulator();

    it("paces every retry like a first request: 5xx answers never push an update past Fly's burst", async () => {
        const { fly } = env;
        seedApp(fly, "client-paced");
        const made = await fetch(`${fly.url}/v1/apps/client-paced/machines`, {
            method: "POST",
            headers: { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify({ region: "ams", config: { image: "registry.fly.io/api:1" } }),
        });
        const { id } = (await made.json()) as { id: string };
        fly.clearRequests();
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines/:id", kind: "500", times: 3 });
        const ctx = { app: "client-paced", resource: R, timing: DEFAULT_ROLLOUT_TIMING };
        await paced(ctx, "update", id, { method: "POST", path: `/apps/client-paced/machines/${id}`, body: { config: { image: "registry.fly.io/api:1" } }, retry: "safe" });
        const updates = fly.requests.filter((r) => r.method === "POST" && r.path.endsWith(id));
        assert.deepEqual(updates.map((r) => r.status), [500, 500, 500, 200], "three faults, then the update");
        assert.deepEqual(fly.rateLimited().map((r) => `${r.method} ${r.path}`), [], "no attempt drew a 429 from Fly's limit");
        assert.ok(updates[3].at - updates[0].at >= 1000, `the fourth attempt waited for a token: ${updates[3].at - updates[0].at} ms after the first`);
    });
});

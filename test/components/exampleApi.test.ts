/**
 * The sample API's handler over real HTTP on 127.0.0.1, with the database check injected: a check that resolves or
 * rejects, as `SELECT 1` would. Its runtime dependencies (pg, @sentry/node) are not needed for this.
 */
import assert from "node:assert/strict";
import { createServer, request, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

/* eslint-disable @typescript-eslint/no-require-imports */
const { createHandler, createLogger, hostAllowed } = require("../../examples/api/src/app.js");
const { readConfig } = require("../../examples/api/src/config.js");
const jwt = require("../../examples/api/src/jwt.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const SECRET = "test-signing-key-0123456789abcdef0123456789abcdef0123456789abcdef";
const baseEnv = {
    ENVIRONMENT: "production",
    DEBUG: "false",
    LOG_LEVEL: "WARNING",
    CORS_ORIGINS: "https://app.acme.dev",
    ALLOWED_HOSTS: "api.acme.dev",
    JWT_SECRET: SECRET,
    JWT_EXPIRY_MINUTES: "15",
    DATABASE_URL: "postgresql://app:pw@db:5432/app",
    PORT: "8080",
};

let databaseUp = true;
const lines: string[] = [];
async function serve(env: Record<string, string>): Promise<{ server: Server; url: string }> {
    const { config } = readConfig(env);
    const server = createServer(
        createHandler({
            config,
            checkDatabase: async () => {
                if (!databaseUp) throw new Error("connect ECONNREFUSED 10.0.0.1:5432");
            },
            log: createLogger(config.logLevel, (line: string) => lines.push(line)),
        }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("sample API", () => {
    let prod: { server: Server; url: string };
    let dev: { server: Server; url: string };
    before(async () => {
        prod = await serve(baseEnv);
        dev = await serve({ ...baseEnv, DEBUG: "true", ALLOWED_HOSTS: "localhost,127.0.0.1", LOG_LEVEL: "DEBUG" });
    });
    after(() => {
        prod.server.close();
        dev.server.close();
    });

    it("reports database connectivity on /health, for any Host", async () => {
        databaseUp = true;
        const ok = await fetch(`${prod.url}/health`);
        assert.equal(ok.status, 200);
        const unknownRelease = { digest: null, commit: "unknown" };
        assert.deepEqual(await ok.json(), { status: "ok", release: unknownRelease, environment: "production", database: "ok" });
        databaseUp = false;
        const down = await fetch(`${prod.url}/health`);
        assert.equal(down.status, 503);
        assert.deepEqual(await down.json(), { status: "degraded", release: unknownRelease, environment: "production", database: "unreachable" });
        assert.ok(lines.some((l) => l.includes("ECONNREFUSED")), "the reason is logged");
        databaseUp = true;
    });

    it("names the release it runs on /health: the digest of RELEASE_IMAGE and RELEASE_COMMIT", async () => {
        const digest = `sha256:${"d".repeat(64)}`;
        const released = await serve({ ...baseEnv, RELEASE_IMAGE: `registry.fly.io/api-prod@${digest}`, RELEASE_COMMIT: "e".repeat(40) });
        try {
            const body = (await (await fetch(`${released.url}/health`)).json()) as { release: unknown };
            assert.deepEqual(body.release, { digest, commit: "e".repeat(40) });
        } finally {
            released.server.close();
        }
        // Control: an image by tag has no digest to report, and none is invented.
        assert.deepEqual(readConfig({ ...baseEnv, RELEASE_IMAGE: "registry.fly.io/api-prod:latest" }).config.release, { image: "registry.fly.io/api-prod:latest", digest: null, commit: "unknown" });
    });

    it("refuses Host headers outside ALLOWED_HOSTS", async () => {
        const response = await fetch(`${prod.url}/`);
        assert.equal(response.status, 400, "127.0.0.1 is not api.acme.dev");
        assert.equal((await fetch(`${dev.url}/`)).status, 200);
        assert.ok(hostAllowed("x.acme.dev", [".acme.dev"]));
        assert.ok(hostAllowed("acme.dev", ["*.acme.dev"]));
        assert.ok(!hostAllowed("evilacme.dev", [".acme.dev"]));
    });

    it("allows only configured CORS origins", async () => {
        const allowed = await fetch(`${dev.url}/`, { headers: { origin: "https://app.acme.dev" } });
        assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.acme.dev");
        const other = await fetch(`${dev.url}/`, { headers: { origin: "https://evil.example" } });
        assert.equal(other.headers.get("access-control-allow-origin"), null);
    });

    it("accepts only tokens signed with JWT_SECRET and unexpired", async () => {
        const good = jwt.sign({ sub: "u1" }, SECRET, 15);
        const me = await fetch(`${dev.url}/me`, { headers: { authorization: `Bearer ${good}` } });
        assert.equal(me.status, 200);
        assert.equal(((await me.json()) as { sub: string }).sub, "u1");
        const forged = jwt.sign({ sub: "u1" }, "another-key", 15);
        assert.equal((await fetch(`${dev.url}/me`, { headers: { authorization: `Bearer ${forged}` } })).status, 401);
        const expired = jwt.sign({ sub: "u1" }, SECRET, 15, Math.floor(Date.now() / 1000) - 3600);
        assert.equal((await fetch(`${dev.url}/me`, { headers: { authorization: `Bearer ${expired}` } })).status, 401);
        assert.equal(jwt.verify(`${good.slice(0, -2)}xx`, SECRET), undefined);
    });

    it("issues tokens with JWT_EXPIRY_MINUTES only when DEBUG is on", async () => {
        const issued = await fetch(`${dev.url}/token`, { method: "POST", body: JSON.stringify({ sub: "dev" }) });
        const body = (await issued.json()) as { token: string; expiresInMinutes: number };
        assert.equal(body.expiresInMinutes, 15);
        const claims = jwt.verify(body.token, SECRET);
        assert.equal(claims.exp - claims.iat, 15 * 60);
        // fetch cannot set Host, so this request goes through node:http as an allowed host.
        const status = await new Promise<number>((resolve, reject) => {
            const req = request(`${prod.url}/token`, { method: "POST", headers: { host: "api.acme.dev" } }, (res) => {
                res.resume();
                resolve(res.statusCode ?? 0);
            });
            req.on("error", reject);
            req.end("{}");
        });
        assert.equal(status, 404, "no token endpoint without DEBUG");
    });

    it("requires its secrets and never echoes configuration values", () => {
        const { config, problems } = readConfig({ ...baseEnv, JWT_SECRET: "", DATABASE_URL: undefined as unknown as string, LOG_LEVEL: "LOUD", SENTRY_TRACES_SAMPLE_RATE: "2" });
        assert.equal(config, undefined);
        assert.deepEqual(problems.map((p: string) => p.split(" ")[0]).sort(), ["DATABASE_URL", "JWT_SECRET", "LOG_LEVEL", "SENTRY_TRACES_SAMPLE_RATE"]);
        assert.ok(!problems.join("\n").includes("pw@db"));
        const parsed = readConfig(baseEnv).config;
        assert.deepEqual([parsed.debug, parsed.corsOrigins, parsed.allowedHosts, parsed.port], [false, ["https://app.acme.dev"], ["api.acme.dev"], 8080]);
    });

    it("logs below the LOG_LEVEL threshold not at all", () => {
        const out: string[] = [];
        const log = createLogger("WARNING", (line: string) => out.push(line));
        log.info("hidden");
        log.warning("shown");
        assert.deepEqual(out.map((l) => JSON.parse(l).message), ["shown"]);
    });
});

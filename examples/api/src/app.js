/**
 * The HTTP handler, independent of how the database is reached, so it can be exercised without one.
 *
 *   GET  /health  the release it runs (image digest, commit), database connectivity and schema version (200 ok /
 *                 503 degraded: unreachable, or a migration pending; a database ahead of this build is healthy, so
 *                 a rollback to an older image keeps serving); answered for any Host, since platform health checks
 *                 call the machine by its private address
 *   GET  /        service name and environment
 *   GET  /me      the claims of a valid `Authorization: Bearer <JWT>`
 *   POST /token   a token for `{ "sub": "..." }`, only when DEBUG is on (local development)
 */
"use strict";

const jwt = require("./jwt");

const LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARNING: 3, ERROR: 4, CRITICAL: 5 };

/** A JSON-lines logger that drops messages below `level`. */
function createLogger(level, write = (line) => process.stdout.write(`${line}\n`)) {
    const threshold = LEVELS[level] ?? LEVELS.INFO;
    const log = (name) => (message, fields = {}) => {
        if (LEVELS[name] >= threshold) write(JSON.stringify({ level: name, message, ...fields }));
    };
    return { debug: log("DEBUG"), info: log("INFO"), warning: log("WARNING"), error: log("ERROR") };
}

function hostOf(req) {
    const host = (req.headers.host ?? "").toLowerCase();
    return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
}

/** Whether `host` matches an ALLOWED_HOSTS entry: exact, `*`, or `.example.com` / `*.example.com` for subdomains. */
function hostAllowed(host, allowed) {
    return allowed.some((entry) => {
        if (entry === "*") return true;
        const bare = entry.split(":")[0];
        if (bare.startsWith("*.") || bare.startsWith(".")) {
            const suffix = bare.slice(bare.indexOf("."));
            return host.endsWith(suffix) || host === suffix.slice(1);
        }
        return host === bare;
    });
}

function send(res, status, body, headers = {}) {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
    res.end(JSON.stringify(body));
}

async function readJson(req, limit = 16 * 1024) {
    let size = 0;
    const chunks = [];
    for await (const chunk of req) {
        size += chunk.length;
        if (size > limit) throw Object.assign(new Error("body too large"), { status: 413 });
        chunks.push(chunk);
    }
    try {
        return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
        throw Object.assign(new Error("body is not JSON"), { status: 400 });
    }
}

/**
 * Builds the request handler.
 * `checkSchema` reports the schema version this build expects, the one the database has, and this build's
 * migrations the database lacks; any pending one is unhealthy.
 * @param {{ config: object, checkDatabase: () => Promise<void>, checkSchema?: () => Promise<{ expected: string | null, found: string | null, pending: string[] }>, log?: object, reportError?: (error: Error) => void }} deps
 */
function createHandler({ config, checkDatabase, checkSchema, log = createLogger(config.logLevel), reportError = () => {} }) {
    const cors = (req) => {
        const origin = req.headers.origin;
        if (!origin) return {};
        if (config.corsOrigins.includes("*")) return { "access-control-allow-origin": "*" };
        if (!config.corsOrigins.includes(origin)) return {};
        return { "access-control-allow-origin": origin, vary: "Origin" };
    };

    // Every answer names the release, so a deploy can tell whether the release answering is the one it deployed.
    const release = { digest: config.release?.digest ?? null, commit: config.release?.commit ?? "unknown" };
    async function health(res) {
        const base = { release, environment: config.environment };
        try {
            await checkDatabase();
            if (!checkSchema) return send(res, 200, { status: "ok", ...base, database: "ok" });
            const schema = await checkSchema();
            if (schema.pending.length > 0) {
                log.warning("migrations pending: run the release command (npm run migrate)", schema);
                return send(res, 503, { status: "degraded", ...base, database: "ok", schema: { ...schema, status: "migration pending" } });
            }
            send(res, 200, { status: "ok", ...base, database: "ok", schema: { ...schema, status: "current" } });
        } catch (error) {
            // The reason is logged for operators; the response says only what is down.
            log.warning("database check failed", { error: error instanceof Error ? error.message : String(error) });
            send(res, 503, { status: "degraded", ...base, database: "unreachable" });
        }
    }

    async function route(req, res, headers) {
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        if (req.method === "GET" && path === "/health") return health(res);
        if (config.allowedHosts.length > 0 && !hostAllowed(hostOf(req), config.allowedHosts)) {
            return send(res, 400, { error: "host not allowed" });
        }
        if (req.method === "OPTIONS") {
            res.writeHead(204, { ...headers, "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "authorization, content-type", "access-control-max-age": "600" });
            return res.end();
        }
        if (req.method === "GET" && path === "/") return send(res, 200, { service: "api", environment: config.environment }, headers);
        if (req.method === "GET" && path === "/me") {
            const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
            const claims = match ? jwt.verify(match[1], config.jwtSecret) : undefined;
            return claims ? send(res, 200, { sub: claims.sub, exp: claims.exp }, headers) : send(res, 401, { error: "a valid bearer token is required" }, headers);
        }
        if (req.method === "POST" && path === "/token" && config.debug) {
            const body = await readJson(req);
            if (typeof body.sub !== "string" || body.sub.length === 0) return send(res, 400, { error: "sub is required" }, headers);
            return send(res, 200, { token: jwt.sign({ sub: body.sub }, config.jwtSecret, config.jwtExpiryMinutes), expiresInMinutes: config.jwtExpiryMinutes }, headers);
        }
        return send(res, 404, { error: "not found" }, headers);
    }

    return (req, res) => {
        const headers = cors(req);
        route(req, res, headers).catch((error) => {
            const status = error.status ?? 500;
            if (status >= 500) {
                reportError(error);
                log.error("request failed", { path: req.url, error: error.message });
            }
            send(res, status, config.debug || status < 500 ? { error: error.message } : { error: "internal error" }, headers);
        });
    };
}

module.exports = { createHandler, createLogger, hostAllowed };

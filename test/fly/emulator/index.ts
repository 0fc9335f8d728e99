/**
 * A local emulator of Fly's Machines API (plus Managed Postgres) for provider tests: an HTTP server on 127.0.0.1 at a
 * random port that holds every request to the repository's copies of Fly's specs (the operation must exist; query
 * and body must validate; anything else is answered as Fly would and recorded as a contract violation), keeps state
 * with Fly's semantics, checks the Authorization header, records every request, and injects faults per route.
 *
 * ```ts
 * const fly = await startEmulator({ healthDelayMs: 30 });
 * process.env.FLY_API_HOSTNAME = fly.url;
 * fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "drop", when: "after", times: 1 });
 * // ... run a provider ...
 * assert.equal(fly.mutating().length, 0);
 * await fly.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { appRoutes } from "./apps";
import { appOfHost, edgeAnswer, edgeFetch } from "./edge";
import { Faults } from "./faults";
import { DEFAULT_IMAGES, DEFAULT_ORGANIZATIONS, TEST_TOKEN } from "./defaults";
import { RateLimiter, FLY_RATE_LIMITS } from "./limits";
import { isServing, machineRoutes } from "./machines";
import { type ProxyWatch, watchProxy } from "./proxy";
import { postgresRoutes } from "./postgres";
import { DEFAULT_SPEC_PATHS, SpecValidator } from "./schema";
import {
    type EmulatorOptions,
    type EmulatorState,
    fail,
    type MachineRecord,
    type RecordedRequest,
    type Reply,
    type ResolvedOptions,
    type Route,
    type RouteContext,
} from "./types";

export type * from "./types";
export { isServing } from "./machines";
export { newAppRecord } from "./apps";
export type { ProxySample, ProxyWatch } from "./proxy";
export { FLY_RATE_LIMITS } from "./limits";
export { TEST_TOKEN } from "./defaults";

/** What {@link startEmulator} returns. */
export interface Emulator {
    /** Base URL, e.g. `http://127.0.0.1:41234`; set it as `FLY_API_HOSTNAME`. */
    url: string;
    /** Every request received, in order (Authorization removed). */
    requests: RecordedRequest[];
    /**
     * A `fetch` that sends each request to the emulator's edge with the URL's host as Host, as if the app's DNS
     * pointed there: `GET https://<app>.fly.dev/health` is answered by a serving machine of the app (edge.ts).
     */
    edgeFetch: typeof fetch;
    /** The requests that are not `GET`. */
    mutating(): RecordedRequest[];
    /**
     * The requests that broke Fly's contract (unknown method and path, query or body the spec refuses) since the last
     * call, which forgets them. Not cleared by `clearRequests`. A suite fails on any (see test/fly/support.ts); a
     * test that provokes one on purpose takes it and asserts on it.
     */
    takeViolations(): RecordedRequest[];
    /** Forgets the recorded requests (e.g. between the setup and the step under test). */
    clearRequests(): void;
    /** Fault injection. */
    faults: Faults;
    /** Live state; tests may edit it to simulate out-of-band changes. */
    state: EmulatorState;
    /** Options in effect (mutable: e.g. add to `failingImages` mid-test). */
    options: ResolvedOptions;
    /** Started, all checks passing, registered for service, not cordoned. */
    servingMachines(app: string): MachineRecord[];
    /** Calls `listener` after every machine change (state, checks, registration, cordon). Returns an unsubscribe. */
    onMachineChange(listener: (app: string, machine: MachineRecord) => void): () => void;
    /**
     * Samples `servingMachines(app).length` now and at every machine change of that app, until `stop()`.
     * `min` is the fewest serving machines seen.
     */
    watchServing(app: string): { samples: number[]; readonly min: number; stop(): void };
    /**
     * Watches `app` through Fly's lagging proxy (see proxy.ts): the machines every proxy routes to, and those some
     * proxy may still send requests to though they are down, at every moment until `stop()`.
     * @param lagMs how long proxies take to see a registration change; @default options.proxyLagMs
     */
    watchProxy(app: string, lagMs?: number): ProxyWatch;
    /** The requests the rate limiter answered 429. */
    rateLimited(): RecordedRequest[];
    /** Resolves once every pending state transition has happened (no timers left). */
    settle(): Promise<void>;
    /** Stops the server; then rejects if requests broke the contract and nobody took them (`takeViolations`). */
    close(): Promise<void>;
}

/** A readable report of requests that broke Fly's contract, one line each, for a failing test. */
export function contractReport(broken: readonly RecordedRequest[]): string {
    const lines = broken.map((r) => `  ${r.method} ${r.path}${Object.keys(r.query).length > 0 ? `?${new URLSearchParams(r.query)}` : ""}: ${r.violation}`);
    return `${broken.length} request(s) broke Fly's API contract (contracts/fly/*.json):\n${lines.join("\n")}`;
}

function resolveOptions(options: EmulatorOptions): ResolvedOptions {
    return {
        specPaths: options.specPaths ?? (options.specPath ? [options.specPath] : DEFAULT_SPEC_PATHS),
        startDelayMs: options.startDelayMs ?? 20,
        stopDelayMs: options.stopDelayMs ?? 20,
        healthDelayMs: options.healthDelayMs ?? 50,
        failingImages: options.failingImages ?? [],
        postgresReadyDelayMs: options.postgresReadyDelayMs ?? 50,
        postgresDeleteDelayMs: options.postgresDeleteDelayMs ?? 50,
        postgresAdminWarmupRequests: options.postgresAdminWarmupRequests ?? 0,
        postgresRetryAfterSeconds: options.postgresRetryAfterSeconds ?? 1,
        postgresFailingRegions: options.postgresFailingRegions ?? [],
        waitMsPerSecond: options.waitMsPerSecond ?? 1000,
        crashingImages: options.crashingImages ?? [],
        degradingImages: options.degradingImages ?? [],
        rateLimits: options.rateLimits ?? FLY_RATE_LIMITS,
        proxyLagMs: options.proxyLagMs ?? 2000,
        secretsPropagationMs: options.secretsPropagationMs ?? 500,
        tokens: options.tokens ?? [TEST_TOKEN],
        organizations: options.organizations ?? [...DEFAULT_ORGANIZATIONS],
        images: options.images ?? [...DEFAULT_IMAGES],
        nearestRegion: options.nearestRegion ?? "ord",
        oneOffExits: options.oneOffExits ?? [],
        enforceLeases: options.enforceLeases ?? true,
    };
}

interface CompiledRoute {
    route: Route;
    regex: RegExp;
    names: string[];
}

function compile(route: Route): CompiledRoute {
    const names: string[] = [];
    const source = route.pattern
        .split("/")
        .map((part) => {
            if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            names.push(part.slice(1));
            return "([^/]+)";
        })
        .join("/");
    return { route, regex: new RegExp(`^${source}/?$`), names };
}

const MACAROON = /^(fm1_|fm2_|m2\.)/;

/** Checks `Authorization` the way Fly reads it: `FlyV1 <macaroon>` or `Bearer <token>`. */
function authProblem(header: string | undefined, tokens: readonly string[]): string | undefined {
    if (!header) return "missing Authorization header: send `Authorization: Bearer <token>` or `FlyV1 <macaroon>`";
    const match = /^(Bearer|FlyV1) (\S+)$/.exec(header);
    if (!match) return "malformed Authorization header: expected `Bearer <token>` or `FlyV1 <macaroon>`";
    const [, scheme, token] = match;
    const macaroon = token.split(",").every((part) => MACAROON.test(part));
    if (scheme === "Bearer" && MACAROON.test(token)) return "macaroon tokens must use the FlyV1 scheme";
    if (scheme === "FlyV1" && !macaroon) return "the FlyV1 scheme needs a macaroon token (fm1_, fm2_ or m2.)";
    if (!tokens.includes(token) && !tokens.includes(`${scheme} ${token}`)) return "token is not valid";
    return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}

/** Starts the emulator. See {@link EmulatorOptions} for the knobs. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const resolved = resolveOptions(options);
    const validator = new SpecValidator(resolved.specPaths);
    const routes = [...machineRoutes, ...appRoutes, ...postgresRoutes].map(compile);
    const state: EmulatorState = { apps: new Map(), postgres: new Map() };
    const requests: RecordedRequest[] = [];
    const violations: RecordedRequest[] = [];
    const faults = new Faults();
    const listeners = new Set<(app: string, machine: MachineRecord) => void>();
    const waiters = new Map<string, Set<() => void>>();
    const timers = new Set<NodeJS.Timeout>();
    const idleWaiters = new Set<() => void>();
    const lifetime = new AbortController();
    const limiter = new RateLimiter(() => resolved.rateLimits);
    const started = Date.now();

    const machineChanged = (app: string, machine: MachineRecord): void => {
        for (const wake of waiters.get(machine.id) ?? []) wake();
        waiters.delete(machine.id);
        for (const listener of listeners) listener(app, machine);
    };
    const later = (ms: number, work: () => void): void => {
        const timer = setTimeout(() => {
            timers.delete(timer);
            work();
            if (timers.size === 0) for (const wake of [...idleWaiters]) wake();
        }, ms);
        timers.add(timer);
    };
    const nextChange = (machineId: string, ms: number): Promise<void> =>
        new Promise((resolve) => {
            const set = waiters.get(machineId) ?? new Set();
            waiters.set(machineId, set);
            const done = (): void => {
                clearTimeout(timer);
                set.delete(done);
                lifetime.signal.removeEventListener("abort", done);
                resolve();
            };
            const timer = setTimeout(done, ms);
            set.add(done);
            lifetime.signal.addEventListener("abort", done, { once: true });
        });

    const send = (res: ServerResponse, reply: Reply): void => {
        const headers: Record<string, string> = { ...reply.headers };
        if (reply.body === undefined) {
            res.writeHead(reply.status, headers).end();
            return;
        }
        headers["content-type"] = "application/json; charset=utf-8";
        res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
    };

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const method = (req.method ?? "GET").toUpperCase();
        const { authorization: _auth, ...headers } = req.headers;
        const text = await readBody(req);
        let body: unknown;
        let badJson: string | undefined;
        if (text) {
            try {
                body = JSON.parse(text);
            } catch (error) {
                badJson = (error as Error).message;
            }
        }
        const record: RecordedRequest = {
            method,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)])),
            body: badJson ? text : body,
            status: 0,
            at: Date.now() - started,
        };
        requests.push(record);
        const reply = (r: Reply): void => {
            record.status = r.status;
            send(res, r);
        };

        // A request to an app's hostname is Fly's edge, not its API: routed to a serving machine, no token needed.
        const app = appOfHost(state, req.headers.host ?? "");
        if (app) {
            record.edge = true;
            return reply(edgeAnswer(app, url.pathname));
        }

        const problem = authProblem(req.headers.authorization, resolved.tokens);
        if (problem) return reply(fail(401, problem));

        // The contract first, as Fly's router and handlers check it: a request Fly would refuse is refused here
        // whatever else the test set up, and recorded as a violation.
        const violated = (status: number, problem: string): void => {
            record.violation = problem;
            violations.push(record);
            reply(fail(status, problem));
        };
        // Managed Postgres is another service with its own router and handlers (contracts/fly/managed-postgres.md):
        // 405 for a method a path lacks, and its routes answer invalid attributes with their own statuses (400 for a
        // missing org_slug, 422 for the rest), validating with the same spec schemas. The breach is recorded either way.
        const ownValidation = url.pathname === "/v1/postgres" || url.pathname.startsWith("/v1/postgres/");
        const matched = validator.match(method, url.pathname);
        // The Machines API answers an operation it does not have with 404, whether or not the path exists for another method.
        if (!matched.operation) return violated(ownValidation && matched.pathExists ? 405 : 404, matched.problem);
        const { operation } = matched;
        record.operation = `${operation.method} ${operation.template}`;
        if (badJson) return violated(400, `invalid JSON body: ${badJson}`);
        const queryProblems = validator.checkQuery(operation, url.searchParams);
        const bodyProblems = validator.checkBody(operation, body);
        if (queryProblems.length > 0 || bodyProblems.length > 0) {
            const problem = [...queryProblems.map((p) => `invalid query: ${p}`), ...bodyProblems.map((p) => `invalid request body: ${p}`)].join("; ");
            if (!ownValidation) return violated(400, problem);
            record.violation = problem;
            violations.push(record);
        }

        // A request refused as malformed costs no token; every other one does, a fault's too (Fly counts what reaches
        // it, whatever it answers), and one over the limit is refused before it acts.
        const retryAfter = limiter.take(method, url.pathname);
        if (retryAfter !== undefined) {
            record.rateLimited = true;
            return reply({ ...fail(429, `rate limit exceeded for ${method} ${url.pathname}; retry after ${retryAfter}s`), headers: { "retry-after": String(retryAfter) } });
        }

        const fault = faults.take(method, url.pathname);
        if (fault) {
            record.fault = fault.kind;
            if (fault.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
            else if (fault.when !== "after") {
                if (fault.kind === "drop") {
                    req.socket.destroy();
                    return;
                }
                return reply(faults.answer(fault));
            }
        }

        const compiled = routes.find((c) => c.route.method === method && c.regex.test(url.pathname));
        if (!compiled) return reply(fail(501, `the emulator does not implement ${record.operation} (${operation.operationId ?? "no operationId"} in ${operation.spec})`));
        const { route } = compiled;
        if (route.bodyRequired && body === undefined) return reply(fail(400, "request body is required"));
        // A route's own schema only stands in where the spec has none for the operation.
        if (route.schema && !operation.body?.schema && body !== undefined) {
            const errors = validator.validate(route.schema, body);
            if (errors.length > 0) return violated(400, `invalid request body: ${errors.join("; ")}`);
        }

        const match = compiled.regex.exec(url.pathname)!;
        const params = Object.fromEntries(compiled.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
        const requestAborted = new AbortController();
        res.on("close", () => requestAborted.abort());
        const ctx: RouteContext = {
            method,
            path: url.pathname,
            params,
            query: url.searchParams,
            headers: req.headers,
            body,
            state,
            options: resolved,
            validator,
            machineChanged,
            later,
            nextChange,
            signal: AbortSignal.any([requestAborted.signal, lifetime.signal]),
        };
        const answer = await route.handle(ctx);
        if (fault && fault.when === "after" && fault.kind !== "slow") {
            if (fault.kind === "drop") {
                record.status = 0;
                req.socket.destroy();
                return;
            }
            return reply(faults.answer(fault));
        }
        reply(answer);
    }

    const server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => {
            if (!res.headersSent) send(res, fail(500, `emulator bug: ${(error as Error).message}`));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    const servingMachines = (app: string): MachineRecord[] => [...(state.apps.get(app)?.machines.values() ?? [])].filter(isServing);
    const onMachineChange = (listener: (app: string, machine: MachineRecord) => void): (() => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
    };

    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        edgeFetch: edgeFetch(`http://127.0.0.1:${port}`),
        mutating: () => requests.filter((r) => r.method !== "GET"),
        takeViolations: () => violations.splice(0),
        clearRequests: () => {
            requests.length = 0;
        },
        faults,
        state,
        options: resolved,
        servingMachines,
        onMachineChange,
        watchServing(app) {
            const samples = [servingMachines(app).length];
            const stop = onMachineChange((changed) => {
                if (changed === app) samples.push(servingMachines(app).length);
            });
            return {
                samples,
                get min() {
                    return Math.min(...samples);
                },
                stop,
            };
        },
        watchProxy: (app, lagMs) => watchProxy(app, lagMs ?? resolved.proxyLagMs, () => [...(state.apps.get(app)?.machines.values() ?? [])], onMachineChange),
        rateLimited: () => requests.filter((r) => r.rateLimited),
        settle: () =>
            timers.size === 0
                ? Promise.resolve()
                : new Promise<void>((resolve) => {
                      const wake = (): void => {
                          idleWaiters.delete(wake);
                          resolve();
                      };
                      idleWaiters.add(wake);
                  }),
        async close() {
            lifetime.abort();
            for (const timer of timers) clearTimeout(timer);
            timers.clear();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            if (violations.length > 0) throw new Error(contractReport(violations.splice(0)));
        },
    };
}

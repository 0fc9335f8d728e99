/**
 * Shared shapes of the Fly API emulator: options, in-memory state, routes, recorded requests.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { MachinesSchema } from "../../../providers/fly/api";
import type { operations } from "../../../providers/fly/generated/machines";
import type { RateLimitOptions } from "./limits";
import type { SpecValidator } from "./schema";

/** Options of {@link startEmulator}. Every delay is in milliseconds of real time. */
export interface EmulatorOptions {
    /**
     * The OpenAPI specs every request must satisfy (method and path, query, body).
     * @default contracts/fly/machines-openapi.json and contracts/fly/managed-postgres-openapi.json in this repository
     */
    specPaths?: string[];
    /**
     * One spec file instead of the two of `specPaths` (kept for callers written before Managed Postgres had one).
     * @default undefined
     */
    specPath?: string;
    /**
     * Time a machine spends in `created`/`starting` before it is `started` (also after an update or a start).
     * @default 20
     */
    startDelayMs?: number;
    /**
     * Time a machine spends `stopping` (and `destroying`).
     * @default 20
     */
    stopDelayMs?: number;
    /**
     * Time after `started` before the machine's checks turn `passing` (or `critical` for a failing image).
     * @default 50
     */
    healthDelayMs?: number;
    /** Images whose checks turn `critical` instead of `passing` (exact string, or a RegExp tested on the image). */
    failingImages?: (string | RegExp)[];
    /**
     * Time a Managed Postgres cluster spends `creating` and `initializing` (half each) before it is `ready`.
     * @default 50
     */
    postgresReadyDelayMs?: number;
    /**
     * Time a Managed Postgres cluster spends `deleting` before it is `deleted`.
     * @default 50
     */
    postgresDeleteDelayMs?: number;
    /**
     * How many pg-admin requests (databases, users, credentials) a cluster answers with 503 + `Retry-After` right
     * after it turns `ready`, as Fly's does while pg-admin starts. Tests may also set `adminUnavailableFor` on a record.
     * @default 0
     */
    postgresAdminWarmupRequests?: number;
    /**
     * The `Retry-After` seconds sent with a Managed Postgres 503.
     * @default 1
     */
    postgresRetryAfterSeconds?: number;
    /** Regions whose new Managed Postgres clusters end `failed` instead of `ready`. */
    postgresFailingRegions?: string[];
    /**
     * Real milliseconds per second of a machine `wait` timeout (`?timeout=N`), so 408 paths are fast in tests.
     * @default 1000
     */
    waitMsPerSecond?: number;
    /** Images whose process exits with code 1 shortly after every start and is restarted (a crash loop). */
    crashingImages?: (string | RegExp)[];
    /**
     * Images that pass Fly's checks at first and turn unhealthy later, the failure a deploy's verification exists to
     * catch: `afterMs` after its checks first pass, a machine of a matching image has them `critical` and its
     * `/health` answers 503 (see edge.ts).
     * @default []
     */
    degradingImages?: DegradingImage[];
    /**
     * Fly's rate limits on machine routes, answered 429 + `Retry-After`; `false` turns them off.
     * @default Fly's numbers (FLY_RATE_LIMITS: actions 1/s burst 3, reads 5/s burst 10)
     */
    rateLimits?: RateLimitOptions | false;
    /**
     * How long Fly's proxies take to see a registration, cordon or uncordon (used by `watchProxy`).
     * @default 2000
     */
    proxyLagMs?: number;
    /**
     * How long after a secrets change the new version is available to machine creates and updates; before that a
     * `min_secrets_version` naming it is answered 412 "not yet available".
     * @default 500
     */
    secretsPropagationMs?: number;
    /**
     * Whether a held lease refuses other deploys (409), as Fly's does. `false` models a Fly without leases, to show
     * in a test that they are what keeps two deploys apart: every lease request is granted and every nonce ignored.
     * @default true
     */
    enforceLeases?: boolean;
    /**
     * The tokens Fly knows (raw, or with their `FlyV1`/`Bearer` scheme): any other answers 401, as Fly's does.
     * @default [TEST_TOKEN] (test/fly/emulator/defaults.ts)
     */
    tokens?: string[];
    /**
     * The organizations that exist (slugs): creating or listing apps in another answers 404, as Fly's does.
     * @default ["personal", "acme", "acme-staging"] (prod's and staging's `fly.org`)
     */
    organizations?: string[];
    /**
     * The images the registry holds (exact reference, or a RegExp tested on it): a machine created or updated with
     * another is refused (422), as Fly refuses an image it cannot pull.
     * @default [/^registry\.fly\.io\//] (every image of Fly's registry, where `fly deploy` pushes)
     */
    images?: (string | RegExp)[];
    /**
     * The region Fly picks for a machine created without one (Fly's nearest to the caller). Every region named in a
     * request must be one of Fly's (providers/fly/regions.json), or the request is refused (422).
     * @default "ord"
     */
    nearestRegion?: string;
    /**
     * How one-off machines (`config.auto_destroy: true`, e.g. a release command) end: the first rule that matches the
     * machine decides. A one-off no rule matches exits 127 (its command is not found in the image) after 20 ms: a
     * test says how each release command ends.
     * @default []
     */
    oneOffExits?: OneOffExit[];
}

/** How a matching one-off machine ends once `started`. */
export interface OneOffExit {
    /** Matches the machine's `config.image` (exact string, or a RegExp). Any image when omitted. */
    image?: string | RegExp;
    /** Matches the machine's `config.init.cmd` joined with spaces (exact string, or a RegExp). Any command when omitted. */
    command?: string | RegExp;
    /** The main process's exit code; `"hang"` never exits (a command that outlives its timeout). */
    exitCode: number | "hang";
    /**
     * Time from `started` to the exit.
     * @default 20
     */
    afterMs?: number;
}

/** Options with defaults applied. */
export type ResolvedOptions = Required<Omit<EmulatorOptions, "specPath">>;

/** A check as reported on a machine: the spec's `CheckStatus`, every field set, with the statuses Fly reports. */
export type CheckRecord = Omit<Required<MachinesSchema<"CheckStatus">>, "status"> & { status: "passing" | "warning" | "critical" };

/** The states `GET .../wait` accepts (the spec's enum of its `state` parameter). */
export type WaitState = NonNullable<NonNullable<operations["Machines_wait"]["parameters"]["query"]>["state"]>;

/** A lease on a machine. */
export interface LeaseRecord {
    nonce: string;
    expiresAt: number;
    owner: string;
    description: string;
    version: string;
}

/**
 * Machine states the emulator goes through (`suspended` and `failed` only when a test sets them: the emulator has no
 * suspend route and its machines do not fail to launch).
 */
export type MachineState = "created" | "starting" | "started" | "stopping" | "stopped" | "suspended" | "failed" | "destroying" | "destroyed" | "replacing";

/** An image that turns unhealthy `afterMs` after its checks first pass (exact reference, or a RegExp tested on it). */
export interface DegradingImage {
    readonly image: string | RegExp;
    readonly afterMs: number;
}

/** One machine. `config` is exactly what the client sent (Fly's snake_case `fly.MachineConfig`). */
export interface MachineRecord {
    id: string;
    name: string;
    region: string;
    state: MachineState;
    config: MachinesSchema<"fly.MachineConfig">;
    instanceId: string;
    /** Every instance id this machine has had, oldest first (a `wait` may name an older one). */
    versions: string[];
    privateIp: string;
    createdAt: string;
    updatedAt: string;
    /** Whether Fly's proxy routes to it (false after `skip_service_registration` until `uncordon`). */
    registered: boolean;
    cordoned: boolean;
    checks: CheckRecord[];
    lease?: LeaseRecord;
    minSecretsVersion?: number;
    /**
     * Fly's events, every field set but `request`: only exit events carry one (the exit code and restart count),
     * and the spec leaves its shape open.
     */
    events: (Required<Omit<MachinesSchema<"MachineEvent">, "request">> & { request?: Record<string, unknown> })[];
    /** A one-off machine's exit code, once its main process has exited (kept after it is destroyed). */
    exitCode?: number;
}

/** A secret: the value is kept so tests can assert what reached Fly; it is never sent back by the emulator. */
export interface SecretRecord {
    value: string;
    digest: string;
    createdAt: string;
    updatedAt: string;
}

export interface IpRecord {
    ip: string;
    type: "v4" | "v6" | "shared_v4" | "private_v6";
    region: string;
    shared: boolean;
    serviceName?: string;
    createdAt: string;
}

export interface CertRecord {
    hostname: string;
    status: string;
    configured: boolean;
    createdAt: string;
}

export interface VolumeRecord {
    id: string;
    name: string;
    region: string;
    sizeGb: number;
    encrypted: boolean;
    snapshotRetention: number;
    autoBackupEnabled: boolean;
    state: string;
    createdAt: string;
    zone: string;
}

export interface AppRecord {
    id: string;
    name: string;
    orgSlug: string;
    network: string;
    createdAt: string;
    machines: Map<string, MachineRecord>;
    volumes: Map<string, VolumeRecord>;
    ips: IpRecord[];
    certificates: Map<string, CertRecord>;
    secrets: Map<string, SecretRecord>;
    /** Increases on every secrets change (set or unset). */
    secretsVersion: number;
}

/** Cluster lifecycle, as the spec's `status` enum. */
export type PostgresStatus = "creating" | "initializing" | "ready" | "deleting" | "deleted" | "failed";

export interface PostgresClusterRecord {
    id: string;
    name: string;
    orgSlug: string;
    region: string;
    /** As the spec spells it (`basic` … `scale`, `Performance`). Tests edit it to simulate a dashboard plan change. */
    plan: string;
    /** Per replica. Tests edit it to simulate a dashboard disk change. */
    diskSizeGb: number;
    pgMajorVersion: "16" | "17";
    postgisEnabled: boolean;
    poolMode: "session" | "transaction";
    status: PostgresStatus;
    createdAt: string;
    deletedAt?: string;
    /** The next N pg-admin requests answer 503 + `Retry-After` (set at `ready` from the options; tests may set it). */
    adminUnavailableFor: number;
    databases: Set<string>;
    users: Map<string, { role: string; password: string }>;
    /** App name → attached_at. */
    attachments: Map<string, string>;
    backups: { id: string; type: string; status: string; startedAt: string; finishedAt?: string }[];
}


/** Everything the emulator knows. Tests may read it, and may change it to simulate out-of-band edits (drift). */
export interface EmulatorState {
    apps: Map<string, AppRecord>;
    postgres: Map<string, PostgresClusterRecord>;
}

/** One recorded request. Authorization is never recorded. */
export interface RecordedRequest {
    method: string;
    /** Path without the query string, as sent (e.g. `/v1/apps/a/machines`). */
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: unknown;
    status: number;
    /** The fault that answered, if one did. */
    fault?: FaultKind;
    /** The spec operation the request matched, e.g. `GET /v1/apps/{app_name}/machines`. */
    operation?: string;
    /** Why the request broke Fly's contract (it was answered 4xx with this message), if it did. */
    violation?: string;
    /** True when the emulator's rate limiter answered 429. */
    rateLimited?: boolean;
    /** Sent to an app's hostname (Fly's edge, edge.ts), not to the Machines API. */
    edge?: boolean;
    /** Milliseconds since the emulator started. */
    at: number;
}

export type FaultKind = "429" | "500" | "drop" | "slow" | "insufficient_capacity";

/** A fault to inject. */
export interface FaultSpec {
    /** Method to match; any when omitted. */
    method?: string;
    /**
     * Path to match: a pattern with `:name` segments and `*` (one segment) / `**` (rest), without the query, e.g.
     * `/v1/apps/:app/machines`; or a RegExp tested on the path.
     */
    path: string | RegExp;
    kind: FaultKind;
    /** Only the next N matching calls; every matching call while installed when omitted. */
    times?: number;
    /** For `429`: the `Retry-After` seconds sent. @default 1 */
    retryAfterSeconds?: number;
    /** For `slow`: the delay before the call is handled. @default 1000 */
    delayMs?: number;
    /**
     * For `500` and `drop`: `after` handles the request first (the change happens, the answer is lost), which is the
     * case that creates duplicates in a naive client. @default "before"
     */
    when?: "before" | "after";
}

/** What a route handler answers. */
export interface Reply {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

/** Everything a route handler gets. */
export interface RouteContext {
    method: string;
    path: string;
    params: Record<string, string>;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    body: unknown;
    state: EmulatorState;
    options: ResolvedOptions;
    validator: SpecValidator;
    /** Notifies listeners that a machine changed (state, checks, registration). */
    machineChanged(app: string, machine: MachineRecord): void;
    /** Schedules work that `close()` cancels. */
    later(ms: number, work: () => void): void;
    /** Resolves when `machineChanged` fires for this machine, or after `ms`. */
    nextChange(machineId: string, ms: number): Promise<void>;
    /** Aborted when the client goes away or the emulator closes. */
    signal: AbortSignal;
}

/**
 * One route. `pattern` uses `:name` segments. Before a route runs, the request has been matched to an operation of
 * the specs and its query and body validated against it, whatever the route declares.
 */
export interface Route {
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    pattern: string;
    /** The spec's path template, for readers: validation finds the operation from the request itself. */
    spec?: string;
    /** A schema of our own, used only when the spec has no request schema for the operation. */
    schema?: import("./schema").Schema;
    /** A body is required (400 when missing). */
    bodyRequired?: boolean;
    handle(ctx: RouteContext): Reply | Promise<Reply>;
}

/** Fly's error body. */
export function fail(status: number, error: string, flyStatus?: string): Reply {
    return { status, body: flyStatus ? { error, status: flyStatus } : { error } };
}

/** A JSON answer. */
export function ok(body?: unknown, status = 200): Reply {
    return { status, body };
}

export const nowIso = (): string => new Date().toISOString();

/** Handlers answer early with a Reply; found records never have a numeric `status`. */
export const isReply = (value: unknown): value is Reply => typeof (value as { status?: unknown }).status === "number";

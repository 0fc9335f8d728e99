/**
 * Shared shapes of the Fly API emulator: options, in-memory state, routes, recorded requests.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { SpecValidator } from "./schema";

/** Options of {@link startEmulator}. Every delay is in milliseconds of real time. */
export interface EmulatorOptions {
    /**
     * Path of Fly's OpenAPI spec used to validate request bodies.
     * @default contracts/fly/machines-openapi.json in this repository
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
     * Time a Managed Postgres cluster spends `provisioning` before it is `ready`.
     * @default 50
     */
    postgresReadyDelayMs?: number;
    /**
     * Real milliseconds per second of a machine `wait` timeout (`?timeout=N`), so 408 paths are fast in tests.
     * @default 1000
     */
    waitMsPerSecond?: number;
    /** When set, only these raw tokens are accepted (after the scheme is checked); otherwise any well-formed token. */
    tokens?: string[];
    /**
     * How one-off machines (`config.auto_destroy: true`, e.g. a release command) end: the first rule that matches the
     * machine decides. A one-off no rule matches exits 0 after 20 ms.
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
export type ResolvedOptions = Required<Omit<EmulatorOptions, "tokens" | "specPath">> & Pick<EmulatorOptions, "tokens" | "specPath">;

/** A check as reported on a machine (`CheckStatus`). */
export interface CheckRecord {
    name: string;
    status: "passing" | "warning" | "critical";
    output: string;
    updated_at: string;
}

/** A lease on a machine. */
export interface LeaseRecord {
    nonce: string;
    expiresAt: number;
    owner: string;
    description: string;
    version: string;
}

/** Machine states the emulator goes through. */
export type MachineState = "created" | "starting" | "started" | "stopping" | "stopped" | "destroying" | "destroyed" | "replacing";

/** One machine. `config` is exactly what the client sent (Fly's snake_case `fly.MachineConfig`). */
export interface MachineRecord {
    id: string;
    name: string;
    region: string;
    state: MachineState;
    config: Record<string, unknown> & { image?: string };
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
    events: { id: string; type: string; status: string; source: string; timestamp: number; request?: Record<string, unknown> }[];
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

export interface PostgresClusterRecord {
    id: string;
    name: string;
    orgSlug: string;
    region: string;
    plan: string;
    diskSizeGb: number;
    pgMajorVersion: number;
    status: "provisioning" | "ready" | "failed";
    createdAt: string;
    databases: Set<string>;
    users: Map<string, { role: string; password: string }>;
    attachments: Set<string>;
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

/** One route. `pattern` uses `:name` segments; `spec` is the spec's path template used to validate the body. */
export interface Route {
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    pattern: string;
    spec?: string;
    /** A schema of our own when the spec has none (Managed Postgres). */
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

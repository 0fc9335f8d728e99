/**
 * The typed HTTP client every Fly dynamic provider uses. It reads the API host and token from the environment on
 * every call (never captured, never stored), retries what is safe to retry with jittered exponential backoff, and
 * produces errors that name the resource, the call and Fly's own error text but never the token.
 */
import { FLY_TOKEN_ENV } from "./providerInputs";

/** One call to the Machines API. */
export interface FlyCall {
    /** HTTP method. */
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    /**
     * Path, path parameters already URL-encoded, e.g. `/v1/apps/${encodeURIComponent(app)}/machines`. The spec's
     * `/v1` base is added when the path does not start with it, so `/apps/...` works too.
     */
    path: string;
    /** Query parameters; `undefined` values are left out. */
    query?: Record<string, string | number | boolean | undefined>;
    /** JSON body. */
    body?: unknown;
    /** Extra headers, e.g. `fly-machine-lease-nonce`. */
    headers?: Record<string, string>;
    /** Who is calling, for error messages, e.g. `fly:MachineGroup "api-prod"`. */
    resource: string;
    /**
     * Per-attempt timeout in milliseconds.
     * @default 30000
     */
    timeoutMs?: number;
    /**
     * `safe`: retry on 429, 5xx, timeouts and network errors. `never`: retry only on 429 (Fly refused the request before
     * doing anything); anything else is thrown so the caller can look the object up by name before trying again.
     * @default "safe" for GET, PUT and DELETE; "never" for POST and PATCH
     */
    retry?: "safe" | "never";
    /**
     * Resolve a 404 to `undefined` instead of throwing.
     * @default false
     */
    allowNotFound?: boolean;
    /**
     * Awaited before every attempt, the first and each retry: rollouts pace their calls at Fly's rate limits here, so
     * a retry after a 429 or a 5xx waits for its token like a first request instead of bursting past the limit.
     * @default no wait
     */
    beforeEachAttempt?: () => Promise<void>;
}

/** A failed call: an HTTP error answer from Fly, or a network failure / timeout (status 0) after the last attempt. */
export class FlyApiError extends Error {
    /** HTTP status, or 0 when no answer arrived (network error, timeout). */
    readonly status: number;
    /** Fly's `error` text from the body, when it sent one. */
    readonly flyError?: string;
    /** `Fly's` status code string (e.g. `name_taken`, `insufficient_capacity`), when it sent one. */
    readonly flyStatus?: string;
    /** The call, `METHOD /path`, for the message (no query string, no host, no token). */
    readonly call: string;

    constructor(args: { resource: string; call: string; status: number; flyError?: string; flyStatus?: string; attempts: number }) {
        const what = args.status === 0 ? "got no answer" : `failed with HTTP ${args.status}`;
        const detail = args.flyError ? `: ${args.flyError}` : "";
        const tries = args.attempts > 1 ? ` (after ${args.attempts} attempts)` : "";
        super(`${args.resource}: ${args.call} ${what}${detail}${tries}. ${hintFor(args.status, args.flyStatus)}`.trim());
        this.name = "FlyApiError";
        this.status = args.status;
        this.flyError = args.flyError;
        this.flyStatus = args.flyStatus;
        this.call = args.call;
    }
}

/** Tuning for retries, read from the environment at call time (the host's, where the providers run). */
interface FlyClientTuning {
    /**
     * Attempts per call, including the first (env `FLY_API_MAX_ATTEMPTS`).
     * @default 6
     */
    maxAttempts: number;
    /**
     * First backoff delay in ms; doubled each retry, with full jitter (env `FLY_API_BACKOFF_MS`).
     * @default 500
     */
    baseDelayMs: number;
    /**
     * Largest backoff delay in ms, and the cap on a `Retry-After` Fly asks for (env `FLY_API_MAX_BACKOFF_MS`).
     * @default 30000
     */
    maxDelayMs: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The tuning in effect now. */
function flyClientTuning(): FlyClientTuning {
    const env = (name: string, fallback: number): number => {
        const raw = process.env[name];
        const value = raw === undefined || raw === "" ? NaN : Number(raw);
        return Number.isFinite(value) && value >= 0 ? value : fallback;
    };
    return {
        maxAttempts: Math.max(1, env("FLY_API_MAX_ATTEMPTS", 6)),
        baseDelayMs: env("FLY_API_BACKOFF_MS", 500),
        maxDelayMs: env("FLY_API_MAX_BACKOFF_MS", 30_000),
    };
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The API base URL, from `FLY_API_HOSTNAME` at call time. @default "https://api.machines.dev" */
export function flyApiBase(): string {
    const raw = (process.env.FLY_API_HOSTNAME ?? "").trim() || "https://api.machines.dev";
    const withScheme = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
    return withScheme.replace(/\/+$/, "");
}

/**
 * The `Authorization` header value for a token: `FlyV1 …` tokens pass unchanged, macaroons (`fm1_`, `fm2_`, `m2.`)
 * get the `FlyV1` scheme, anything else is a bearer token.
 */
export function authorizationFor(token: string): string {
    const trimmed = token.trim();
    if (/^FlyV1 /.test(trimmed)) return trimmed;
    if (/^(fm1_|fm2_|m2\.)/.test(trimmed)) return `FlyV1 ${trimmed}`;
    return `Bearer ${trimmed}`;
}

function readToken(resource: string): string {
    const token = process.env[FLY_TOKEN_ENV];
    if (!token || !token.trim()) {
        throw new Error(
            `${resource}: FLY_API_TOKEN is not set. Create a token with \`fly tokens create org\` (or \`fly auth token\`) ` +
                "and export it as FLY_API_TOKEN before running pulumi; it is read at call time and never stored in state.",
        );
    }
    return token;
}

function buildUrl(call: FlyCall): string {
    const rooted = call.path.startsWith("/") ? call.path : `/${call.path}`;
    // The spec's server is `https://api.machines.dev/v1`; accept paths written with or without that prefix.
    const path = /^\/v1(\/|$)/.test(rooted) ? rooted : `/v1${rooted}`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) {
        if (value !== undefined) params.set(key, String(value));
    }
    const query = params.toString();
    return `${flyApiBase()}${path}${query ? `?${query}` : ""}`;
}

/** Seconds (or an HTTP date) from `Retry-After`, in ms; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
    if (!header) return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(attempt: number, t: FlyClientTuning): number {
    const ceiling = Math.min(t.maxDelayMs, t.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter keeps many resources that hit the same limit from retrying in lockstep.
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function hintFor(status: number, flyStatus?: string): string {
    if (flyStatus === "insufficient_capacity") return "Fly has no capacity in that region right now: retry later or choose another region.";
    if (flyStatus === "name_taken") return "App names are global across Fly: choose another name.";
    if (status === 401 || status === 403) return "Check that FLY_API_TOKEN is valid and has access to this org/app.";
    if (status === 429) return "Fly rate-limited the request; try again in a minute.";
    if (status === 0) return "Check FLY_API_HOSTNAME and the network.";
    if (status >= 500) return "Fly had a server error; run the command again.";
    return "";
}

/** Removes every occurrence of the token (and its bare form) from text Fly echoed, so it never reaches a log. */
function scrub(text: string, token: string): string {
    let out = text;
    for (const secret of [token.trim(), token.trim().replace(/^FlyV1 /, "")]) {
        if (secret.length >= 4) out = out.split(secret).join("[redacted]");
    }
    return out;
}

interface ErrorBody {
    error?: string;
    status?: string;
}

async function readBody(response: Response): Promise<{ json?: unknown; text: string }> {
    const text = await response.text();
    if (!text) return { text };
    try {
        return { json: JSON.parse(text), text };
    } catch {
        return { text };
    }
}

/**
 * Sends one call to the Machines API and returns its parsed JSON answer (`undefined` for an empty body, or for a 404
 * with `allowNotFound`). Throws {@link FlyApiError} for an error answer after the allowed retries.
 */
export async function flyRequest<T>(call: FlyCall): Promise<T> {
    const token = readToken(call.resource);
    const t = flyClientTuning();
    const retry = call.retry ?? (call.method === "POST" || call.method === "PATCH" ? "never" : "safe");
    const callName = `${call.method} ${call.path}`;
    const headers: Record<string, string> = {
        accept: "application/json",
        ...call.headers,
        authorization: authorizationFor(token),
    };
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (body !== undefined) headers["content-type"] = "application/json";

    for (let attempt = 1; ; attempt++) {
        const last = attempt >= t.maxAttempts;
        if (call.beforeEachAttempt) await call.beforeEachAttempt();
        let response: Response;
        try {
            response = await fetch(buildUrl(call), {
                method: call.method,
                headers,
                body,
                signal: AbortSignal.timeout(call.timeoutMs ?? DEFAULT_TIMEOUT_MS),
            });
        } catch (error) {
            // The request may or may not have reached Fly: only retry when the caller said the call is idempotent.
            if (retry === "safe" && !last) {
                await sleep(backoffMs(attempt, t));
                continue;
            }
            const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "network error";
            throw new FlyApiError({ resource: call.resource, call: callName, status: 0, flyError: reason, attempts: attempt });
        }

        if (response.ok) {
            const { json, text } = await readBody(response);
            return (json ?? (text ? text : undefined)) as T;
        }
        const { json, text } = await readBody(response);
        if (response.status === 404 && call.allowNotFound) return undefined as T;

        const retriable = response.status === 429 || (retry === "safe" && response.status >= 500);
        if (retriable && !last) {
            // Fly sends Retry-After with 429 and with Managed Postgres' 503 (pg-admin unavailable).
            const asked = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get("retry-after")) : undefined;
            const delay = asked === undefined ? backoffMs(attempt, t) : Math.min(t.maxDelayMs, Math.max(asked, backoffMs(attempt, t)));
            await sleep(delay);
            continue;
        }
        const errorBody = (json && typeof json === "object" ? json : {}) as ErrorBody;
        const flyError = typeof errorBody.error === "string" ? errorBody.error : text.slice(0, 500) || undefined;
        throw new FlyApiError({
            resource: call.resource,
            call: callName,
            status: response.status,
            flyError: flyError === undefined ? undefined : scrub(flyError, token),
            flyStatus: typeof errorBody.status === "string" ? errorBody.status : undefined,
            attempts: attempt,
        });
    }
}

/** `encodeURIComponent` for a path segment, named for readability at call sites. */
export const seg = (value: string): string => encodeURIComponent(value);

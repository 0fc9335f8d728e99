/**
 * Helpers shared by the non-machine Fly providers: exactly-once creates, `data` envelopes, input checks.
 *
 * Everything here runs inside the built package `@api-environments/fly-provider` that each resource's thin
 * `__provider` loads (registration.ts), so these are plain imports: no credential, host or state is captured; the
 * client reads `FLY_API_TOKEN` and `FLY_API_HOSTNAME` from the environment at call time.
 */
import { FlyApiError } from "./client";

/** A failure to report from `check`. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/** A Pulumi-safe label for errors, e.g. `fly:Volume "data" (app api-prod)`. */
export function label(kind: string, name: string, app?: string): string {
    return `fly:${kind} "${name}"${app ? ` (app ${app})` : ""}`;
}

/** Fly's Managed Postgres answers wrap results in `data`; the machines API does not. */
export function unwrap<T>(answer: T | { data: T } | undefined): T | undefined {
    if (answer && typeof answer === "object" && "data" in answer) return (answer as { data: T }).data;
    return answer as T | undefined;
}

/** A failure after which the request may or may not have been carried out, or that is worth trying again. */
export function isRetriable(error: unknown): boolean {
    if (!(error instanceof FlyApiError)) return false;
    return error.status === 0 || error.status === 429 || error.status >= 500 || error.flyStatus === "insufficient_capacity";
}

function pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function envNumber(name: string, fallback: number): number {
    const value = Number(process.env[name]);
    return process.env[name] !== undefined && process.env[name] !== "" && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Creates something exactly once. `create` is never re-sent blindly: after a failure that may have been carried out
 * (dropped connection, 5xx) or that is worth retrying (429, capacity), `find` looks for the object first and adopts
 * it. A conflict answer after such a failure (the earlier attempt did succeed) is resolved the same way.
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | undefined>, attempts = 4): Promise<T> {
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
        try {
            return await create();
        } catch (error) {
            const conflict = error instanceof FlyApiError && (error.status === 409 || error.status === 422);
            if (!isRetriable(error) && !(ambiguous && conflict)) throw error;
            ambiguous = true;
            const found = await find();
            if (found !== undefined) return found;
            if (attempt >= attempts) throw error;
            await pause(Math.min(10_000, envNumber("FLY_API_BACKOFF_MS", 500) * 2 ** (attempt - 1)));
        }
    }
}

/**
 * Polls `probe` until it returns a value, for at most `timeoutMs`. The interval comes from `FLY_POLL_INTERVAL_MS`
 * (tests make it small). @default interval 5000 ms
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    const interval = envNumber("FLY_POLL_INTERVAL_MS", 5000);
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() + interval > deadline) return undefined;
        await pause(interval);
    }
}

/** Keys whose values differ between two objects (by JSON), sorted. */
export function changedKeys<T extends object>(olds: Partial<T>, news: Partial<T>, keys: readonly (keyof T)[]): string[] {
    return keys.filter((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null)).map(String);
}

/** Splits an import id `a/b` into its parts, with an actionable error naming the expected form. */
export function splitId(kind: string, id: string, form: string): [string, string] {
    const index = id.indexOf("/");
    if (index <= 0 || index === id.length - 1) throw new Error(`fly:${kind}: cannot use id "${id}"; expected "${form}" (e.g. for \`pulumi import\`).`);
    return [id.slice(0, index), id.slice(index + 1)];
}

/** Fly app names: lowercase letters, digits and dashes, 3 to 63 characters. */
export const APP_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

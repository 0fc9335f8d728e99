/**
 * Exactly-once creates and polling for the non-machine Fly providers. Everything here runs inside the built package
 * `@api-environments/fly-provider` that each resource's thin `__provider` loads (registration.ts): no credential,
 * host or state is captured; the client reads `FLY_API_TOKEN` and `FLY_API_HOSTNAME` from the environment at call time.
 */
import { FlyApiError } from "./client";

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

/**
 * Fly's Machines API rate limits, as token buckets: every action on a machine (update, stop, cordon, lease...) about
 * 1 request/s with a burst of 3, reads (get, list, wait) about 5/s with a burst of 10, each per machine and per
 * action; app-level machine calls (create, list) per app. A request over the limit is answered 429 with
 * `Retry-After` (whole seconds until a token is back), before anything happens. Other routes are not limited.
 */

/** Refill rate and burst of the two kinds of limit. */
export interface RateLimitOptions {
    /** @default 1 */
    actionsPerSecond: number;
    /** @default 3 */
    actionBurst: number;
    /** @default 5 */
    readsPerSecond: number;
    /** @default 10 */
    readBurst: number;
}

/** The numbers Fly publishes (contracts/fly/README.md). */
export const FLY_RATE_LIMITS: RateLimitOptions = { actionsPerSecond: 1, actionBurst: 3, readsPerSecond: 5, readBurst: 10 };

const MACHINES = /^\/v1\/apps\/([^/]+)\/machines(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/;

/** The bucket a request draws from, or undefined when the route is not rate-limited. */
export function limitKey(method: string, path: string): { key: string; read: boolean } | undefined {
    const match = MACHINES.exec(path);
    if (!match) return undefined;
    const [, app, machine, action] = match;
    const read = method === "GET";
    if (!machine) return { key: `${app}/-/${read ? "list" : "create"}`, read };
    const name = action ?? (read ? "get" : method === "DELETE" ? "destroy" : "update");
    return { key: `${app}/${machine}/${name}:${method}`, read };
}

interface Bucket {
    tokens: number;
    at: number;
}

export class RateLimiter {
    private readonly buckets = new Map<string, Bucket>();

    constructor(private readonly options: () => RateLimitOptions | false) {}

    /** Takes a token for the request; returns the `Retry-After` seconds when there is none. */
    take(method: string, path: string, now = Date.now()): number | undefined {
        const limits = this.options();
        const which = limits && limitKey(method, path);
        if (!limits || !which) return undefined;
        const rate = (which.read ? limits.readsPerSecond : limits.actionsPerSecond) / 1000;
        const burst = which.read ? limits.readBurst : limits.actionBurst;
        const bucket = this.buckets.get(which.key) ?? { tokens: burst, at: now };
        bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * rate);
        bucket.at = now;
        this.buckets.set(which.key, bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return undefined;
        }
        return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
    }
}

/**
 * Client-side pacing at Fly's Machines API rate limits (contracts/fly/README.md): each action on a machine about
 * 1 request/s with a burst of 3, reads about 5/s with a burst of 10; app-level calls (create, list) are paced per app
 * the same way. A call waits for its token instead of drawing a 429, so a rollout of any size and any poll interval
 * stays within the limits. The bucket refills 10 % slower than Fly's, so network jitter (two requests arriving closer
 * together than they were sent) of up to a tenth of a refill interval never makes Fly see more than its burst.
 */
import { sleep } from "./sleep";

/** Fly's published limits, per key. */
export const FLY_LIMITS = {
    action: { perSecond: 1, burst: 3 },
    read: { perSecond: 5, burst: 10 },
} as const;

const MARGIN = 0.9;

interface Bucket {
    tokens: number;
    at: number;
}

// A plain object, not a Map: Pulumi's closure serializer cannot capture a Map.
const buckets: Record<string, Bucket> = {};
let count = 0;

/** Waits until a request under `key` (e.g. `app/machine/update`) fits within Fly's limit for its `kind`. */
export async function pace(key: string, kind: keyof typeof FLY_LIMITS): Promise<void> {
    const limit = FLY_LIMITS[kind];
    const rate = (limit.perSecond * MARGIN) / 1000;
    const burst = limit.burst;
    const now = Date.now();
    let bucket = buckets[key];
    if (!bucket) {
        bucket = { tokens: burst, at: now };
        buckets[key] = bucket;
        count++;
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * rate) - 1;
    bucket.at = now;
    // A negative balance is a reservation: this call goes when the bucket would have refilled to zero.
    if (bucket.tokens < 0) await sleep(Math.ceil(-bucket.tokens / rate));
    if (count > 10_000) forgetIdle(now);
}

function forgetIdle(now: number): void {
    for (const key of Object.keys(buckets)) {
        if (now - buckets[key].at > 60_000) {
            delete buckets[key];
            count--;
        }
    }
}

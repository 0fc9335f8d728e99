/**
 * Every delay a rollout observes, read from the environment at call time (so a child process and a test can shorten
 * them) with flyctl's values by default. Timing is configurable, never absent: a value that is not a finite number
 * of at least 0 falls back to the default.
 */

/** The delays and intervals of one rollout. */
export interface RolloutTiming {
    /**
     * Blue-green: time between green's uncordon and blue's cordon, so every Fly proxy has seen green before blue
     * stops taking new requests (env `FLY_BLUEGREEN_WAIT_BEFORE_CORDON_MS`).
     * @default 10000 (flyctl's `waitBeforeCordon`)
     */
    waitBeforeCordonMs: number;
    /**
     * Blue-green: time between blue's cordon and its stop, so every proxy has forgotten blue before it goes down
     * (env `FLY_BLUEGREEN_WAIT_BEFORE_STOP_MS`).
     * @default 10000 (flyctl's `waitBeforeStop`)
     */
    waitBeforeStopMs: number;
    /**
     * Lease TTL in whole seconds; leases are refreshed in the background every `(ttl - 1) / 3` seconds, so a crashed
     * deploy frees its machines within a TTL (env `FLY_LEASE_TTL_SECONDS`).
     * @default 13 (flyctl's `DefaultLeaseTtl`)
     */
    leaseTtlSeconds: number;
    /**
     * Longest interval between two reads of a machine's checks; the first read comes after a quarter of it, then the
     * interval doubles (env `FLY_HEALTH_POLL_MS`).
     * @default 1000 (flyctl polls checks every 1-2 s)
     */
    healthPollMs: number;
    /**
     * How long after `started` a machine is watched for a crash loop before its checks alone decide
     * (env `FLY_SMOKE_CHECK_MS`).
     * @default 10000 (flyctl's smoke-check window)
     */
    smokeCheckMs: number;
    /**
     * How long a create or update refused with 412 "min_secrets_version ... not yet available" is retried while
     * Fly propagates the new secrets (env `FLY_SECRETS_WAIT_MS`).
     * @default 60000
     */
    secretsWaitMs: number;
}

const DEFAULTS: RolloutTiming = {
    waitBeforeCordonMs: 10_000,
    waitBeforeStopMs: 10_000,
    leaseTtlSeconds: 13,
    healthPollMs: 1000,
    smokeCheckMs: 10_000,
    secretsWaitMs: 60_000,
};

const ENV: Record<keyof RolloutTiming, string> = {
    waitBeforeCordonMs: "FLY_BLUEGREEN_WAIT_BEFORE_CORDON_MS",
    waitBeforeStopMs: "FLY_BLUEGREEN_WAIT_BEFORE_STOP_MS",
    leaseTtlSeconds: "FLY_LEASE_TTL_SECONDS",
    healthPollMs: "FLY_HEALTH_POLL_MS",
    smokeCheckMs: "FLY_SMOKE_CHECK_MS",
    secretsWaitMs: "FLY_SECRETS_WAIT_MS",
};

/** The timing in effect now. */
export function rolloutTiming(): RolloutTiming {
    const out = { ...DEFAULTS };
    for (const key of Object.keys(ENV) as (keyof RolloutTiming)[]) {
        const raw = process.env[ENV[key]];
        const value = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
        if (Number.isFinite(value) && value >= 0) out[key] = value;
    }
    // Fly takes whole seconds, and a TTL under 2 s leaves no room for a refresh.
    out.leaseTtlSeconds = Math.max(2, Math.ceil(out.leaseTtlSeconds));
    return out;
}

/** The environment variable of each timing, for documentation and tests. */
export const ROLLOUT_TIMING_ENV = ENV;

/** Test-only switches; nothing in the product sets them. */
export interface RolloutTestHooks {
    /** Skip every lease (to prove in a test that the leases are what keeps two deploys from interleaving). */
    skipLeases?: boolean;
}

let hooks: RolloutTestHooks = {};

/** Sets the test hooks for this process; `{}` restores normal behaviour. */
export function setRolloutTestHooks(next: RolloutTestHooks): void {
    hooks = { ...next };
}

export function rolloutTestHooks(): RolloutTestHooks {
    return hooks;
}

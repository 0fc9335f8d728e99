/**
 * Every delay a rollout observes: options of the rollout run, carried by the MachineGroup's `rolloutTiming` input,
 * with flyctl's values by default (as flyctl's strategies carry them as fields, which its tests set to zero). Timing
 * is configurable, never absent.
 */

/** The delays and intervals of one rollout. */
export interface RolloutTiming {
    /**
     * Blue-green: time between green's uncordon and blue's cordon, so every Fly proxy has seen green before blue
     * stops taking new requests.
     * @default 10000 (flyctl's `waitBeforeCordon`)
     */
    waitBeforeCordonMs: number;
    /**
     * Blue-green: time between blue's cordon and its stop, so every proxy has forgotten blue before it goes down.
     * @default 10000 (flyctl's `waitBeforeStop`)
     */
    waitBeforeStopMs: number;
    /**
     * Lease TTL in whole seconds; leases are refreshed in the background every `(ttl - 1) / 3` seconds, so a crashed
     * deploy frees its machines within a TTL.
     * @default 13 (flyctl's `DefaultLeaseTtl`)
     */
    leaseTtlSeconds: number;
    /**
     * Longest interval between two reads of a machine's checks; the first read comes after a quarter of it, then the
     * interval doubles.
     * @default 1000 (flyctl polls checks every 1-2 s)
     */
    healthPollMs: number;
    /**
     * How long after `started` a machine is watched for a crash loop before its checks alone decide.
     * @default 10000 (flyctl's smoke-check window)
     */
    smokeCheckMs: number;
    /**
     * How long a create or update refused with 412 "min_secrets_version ... not yet available" is retried while
     * Fly propagates the new secrets.
     * @default 60000
     */
    secretsWaitMs: number;
}

/** flyctl's values: what a rollout observes unless its MachineGroup says otherwise. */
export const DEFAULT_ROLLOUT_TIMING: Readonly<RolloutTiming> = {
    waitBeforeCordonMs: 10_000,
    waitBeforeStopMs: 10_000,
    leaseTtlSeconds: 13,
    healthPollMs: 1000,
    smokeCheckMs: 10_000,
    secretsWaitMs: 60_000,
};

const KEYS = Object.keys(DEFAULT_ROLLOUT_TIMING) as (keyof RolloutTiming)[];

/** Problems with a `rolloutTiming` input, each naming the key and the fix. */
export function rolloutTimingProblems(where: string, given: unknown): string[] {
    if (given === undefined) return [];
    if (typeof given !== "object" || given === null || Array.isArray(given)) return [`${where}: rolloutTiming must be an object such as { waitBeforeStopMs: 10000 }.`];
    const problems: string[] = [];
    for (const [key, value] of Object.entries(given)) {
        if (!KEYS.includes(key as keyof RolloutTiming)) problems.push(`${where}: rolloutTiming.${key} is not a rollout timing; use one of ${KEYS.join(", ")}.`);
        else if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
            problems.push(`${where}: rolloutTiming.${key} must be a number of at least 0, got ${JSON.stringify(value)}.`);
        }
    }
    return problems;
}

/** The timing of one rollout: `given` over the defaults. */
export function resolveRolloutTiming(given: Partial<RolloutTiming> | undefined): RolloutTiming {
    const out = { ...DEFAULT_ROLLOUT_TIMING };
    for (const key of KEYS) {
        const value = given?.[key];
        if (typeof value === "number" && Number.isFinite(value) && value >= 0) out[key] = value;
    }
    // Fly takes whole seconds, and a TTL under 2 s leaves no room for a refresh.
    out.leaseTtlSeconds = Math.max(2, Math.ceil(out.leaseTtlSeconds));
    return out;
}

/**
 * Fly MachineGroup benchmark: for each rollout of a 3-machine group (rolling, blue-green, immediate, scale 3 → 5,
 * no-op) the requests, mutating requests and wall time against the local emulator (Fly's rate limits on, machines
 * start in 20 ms, checks pass 100 ms after start), beside flyctl's sequence for the same change as documented in
 * docs/fly-provider-contract.md (read from superfly/flyctl at commit ad0172face303b77584eea95b46fa3ddc61d5ddd), and
 * the peak request rate per machine and action against Fly's limit.
 *
 * Both sides run with flyctl's default timing except the blue-green drains, scaled from 10 s to 1 s each on both
 * sides (the MachineGroup's `rolloutTiming`), so the run stays short; flyctl's wall time is the sum of the sleeps and
 * waits in its sequence, not a measurement. Run alone with `npx tsx bench/fly.ts`, or through `npm run bench`.
 */
import { performance } from "node:perf_hooks";
import { flyRequest } from "../providers/fly/client";
import { machineGroupProvider as provider } from "../providers/fly/machineGroupProvider";
import type { MachineGroupInputs, MachineGroupState } from "../providers/fly/machineGroupTypes";
import { type Emulator, FLY_RATE_LIMITS, type RecordedRequest, startEmulator, TEST_TOKEN } from "../test/fly/emulator";
import { limitKey } from "../test/fly/emulator/limits";
import { table } from "./table";

/** flyctl's sequence for the same change (see docs/fly-provider-contract.md, "flyctl's sequences"). */
interface Reference {
    requests: number;
    mutating: number;
    /** Lower bound of flyctl's wall time: the sleeps and waits its sequence must spend, in ms. */
    ms: number;
}

export interface BenchRow {
    name: string;
    requests: number;
    mutating: number;
    ms: number;
    reference: Reference;
    /** Most requests to one machine and action (or app-level call) within any 1 s, actions and reads apart. */
    peakAction: number;
    peakRead: number;
}

const HEALTH_DELAY_MS = 100;
const DRAIN_MS = 1000;
/** flyctl's smoke check: a machine is read until it has been up 10 s (backoff 0.5-2 s: about 7 reads). */
const SMOKE_MS = 10_000;
const SMOKE_READS = 7;

const REFERENCE: Record<string, Reference> = {
    rolling: { requests: 1 + 3 + 3 * (1 + 1 + SMOKE_READS + 1) + 3, mutating: 9, ms: 3 * SMOKE_MS },
    bluegreen: { requests: 1 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3, mutating: 21, ms: 300 + 1000 + 2 * DRAIN_MS },
    immediate: { requests: 1 + 3 + 3 + 3, mutating: 9, ms: 0 },
    scale: { requests: 1 + 2 * (1 + 1 + SMOKE_READS + 1 + 1), mutating: 4, ms: 2 * SMOKE_MS },
    // flyctl has no diff: `fly deploy` of an unchanged app is a full rolling deploy.
    noop: { requests: 1 + 3 + 3 * (1 + 1 + SMOKE_READS + 1) + 3, mutating: 9, ms: 3 * SMOKE_MS },
};

/** A group of `count` machines of `image` in one region, rolled out with `rolloutTiming` (the short drains by default). */
export function inputsFor(app: string, strategy: MachineGroupInputs["strategy"], image: string, count = 3, rolloutTiming: MachineGroupInputs["rolloutTiming"] = { waitBeforeCordonMs: DRAIN_MS, waitBeforeStopMs: DRAIN_MS }): MachineGroupInputs {
    return {
        app,
        group: "web",
        regions: { iad: count },
        config: {
            image,
            services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }] }],
            checks: { health: { type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" } },
        },
        strategy,
        healthTimeoutSeconds: 60,
        rolloutTiming,
    };
}

/** Most requests under one rate-limit key within any 1000 ms. */
function peaks(requests: readonly RecordedRequest[]): { action: number; read: number } {
    const byKey = new Map<string, { read: boolean; at: number[] }>();
    for (const r of requests) {
        const which = limitKey(r.method, r.path);
        if (!which) continue;
        const entry = byKey.get(which.key) ?? { read: which.read, at: [] };
        entry.at.push(r.at);
        byKey.set(which.key, entry);
    }
    const out = { action: 0, read: 0 };
    for (const { read, at } of byKey.values()) {
        let start = 0;
        for (let end = 0; end < at.length; end++) {
            while (at[end] - at[start] >= 1000) start++;
            const kind = read ? "read" : "action";
            out[kind] = Math.max(out[kind], end - start + 1);
        }
    }
    return out;
}

async function measure(fly: Emulator, name: string, reference: Reference, work: () => Promise<unknown>): Promise<BenchRow> {
    await fly.settle();
    // Let every rate-limit bucket refill, as between two real deploys.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    fly.clearRequests();
    const start = performance.now();
    await work();
    const ms = performance.now() - start;
    const peak = peaks(fly.requests);
    if (fly.rateLimited().length > 0) throw new Error(`bench: ${name} drew ${fly.rateLimited().length} 429s from the rate limiter`);
    return { name, requests: fly.requests.length, mutating: fly.mutating().length, ms, reference, peakAction: peak.action, peakRead: peak.read };
}

async function group(strategy: MachineGroupInputs["strategy"], suffix = ""): Promise<{ app: string; state: MachineGroupState }> {
    const app = `bench-${strategy}${suffix}`;
    await flyRequest({ method: "POST", path: "/apps", body: { name: app, org_slug: "personal" }, resource: "bench setup" });
    const state = (await provider.create(inputsFor(app, strategy, "registry.fly.io/api:1.0"))).outs!;
    return { app, state };
}

/**
 * Runs `fn` with the Fly client on the emulator's token and short retry backoffs (both benches' setting), then puts
 * process.env back as it was, FLY_API_HOSTNAME included.
 */
export async function withBenchFlyEnv<T>(fn: () => Promise<T>): Promise<T> {
    const saved = { ...process.env };
    Object.assign(process.env, { FLY_API_TOKEN: TEST_TOKEN, FLY_API_BACKOFF_MS: "5", FLY_API_MAX_BACKOFF_MS: "2000" });
    try {
        return await fn();
    } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
    }
}

/** Runs every rollout once against a fresh emulator and returns one row per rollout. */
export function benchFly(): Promise<BenchRow[]> {
    return withBenchFlyEnv(async () => {
        const fly = await startEmulator({ startDelayMs: 20, stopDelayMs: 20, healthDelayMs: HEALTH_DELAY_MS });
        process.env.FLY_API_HOSTNAME = fly.url;
        try {
            const rows: BenchRow[] = [];
            for (const strategy of ["rolling", "bluegreen", "immediate"] as const) {
                const { app, state } = await group(strategy);
                rows.push(await measure(fly, `image update, ${strategy}`, REFERENCE[strategy], () => provider.update!(`${app}/web`, state, inputsFor(app, strategy, "registry.fly.io/api:2.0"))));
            }
            const { app, state } = await group("rolling", "-scale");
            rows.push(await measure(fly, "scale 3 → 5", REFERENCE.scale, () => provider.update!(`${app}/web`, state, inputsFor(app, "rolling", "registry.fly.io/api:1.0", 5))));
            rows.push(
                await measure(fly, "no-op up (diff)", REFERENCE.noop, async () => {
                    const diff = await provider.diff!(`${app}/web`, state, inputsFor(app, "rolling", "registry.fly.io/api:1.0"));
                    if (diff.changes) throw new Error("bench: the no-op diff found changes");
                }),
            );
            return rows;
        } finally {
            await fly.close();
        }
    });
}

/** The rows as a table, with Fly's limits in the header. */
export function formatFly(rows: readonly BenchRow[]): string {
    const headers = ["rollout", "requests", "flyctl", "mutating", "flyctl", "ms", "flyctl ms (≥)", "peak action/s", "peak read/s"];
    const cells = rows.map((r) => [r.name, r.requests, r.reference.requests, r.mutating, r.reference.mutating, r.ms.toFixed(0), r.reference.ms, r.peakAction, r.peakRead]);
    const limits = `Fly's limits per machine and action: ${FLY_RATE_LIMITS.actionsPerSecond}/s burst ${FLY_RATE_LIMITS.actionBurst}; reads ${FLY_RATE_LIMITS.readsPerSecond}/s burst ${FLY_RATE_LIMITS.readBurst}`;
    return [
        `Fly MachineGroup of 3 machines against the local emulator (checks pass ${HEALTH_DELAY_MS} ms after start, blue-green drains ${DRAIN_MS} ms each)`,
        `${limits}; peaks are the most requests to one machine and action within any 1 s.`,
        "",
        table(headers, cells),
    ].join("\n");
}

if (require.main === module) {
    benchFly().then(
        (rows) => console.log(formatFly(rows)),
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        },
    );
}

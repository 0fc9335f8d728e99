/**
 * Fly MachineGroup benchmark: requests (total and mutating) and wall time of each operation on a 3-machine group
 * against the local emulator, with fixed machine delays (start 20 ms, stop 20 ms, checks pass 100 ms after start).
 * Run alone with `npx tsx bench/fly.ts`, or through `npm run bench`.
 *
 * The reference column is the fewest requests flyctl's own sequence needs for the same operation, counted from the
 * sequence itself (one region, 3 machines, every wait succeeding at its first call, every check passing at its
 * first read):
 *
 * - create: list the app's machines (1); per machine create (1), `wait` started (1), read its checks (1): 1 + 3×3 = 10.
 * - rolling image update: list (1); per machine lease (1), update with the nonce (1), `wait` started (1), read checks
 *   (1), release the lease (1): 1 + 3×5 = 16.
 * - blue-green image update: list (1); lease each blue machine (3); per green machine create with
 *   `skip_service_registration` (1), `wait` started (1), read checks (1), uncordon (1) (12); per blue machine cordon
 *   (1), stop (1), `wait` stopped (1), destroy (1) (12): 1 + 3 + 12 + 12 = 28. (A destroyed machine's lease needs no
 *   release.)
 * - immediate image update: list (1); per machine lease, update, release (3): 1 + 3×3 = 10.
 * - no-op `up`: diff is computed from state, no request at all: 0. Refresh: one list of the app's machines: 1.
 *
 * What the provider adds on top is health polling: a check is read until it passes, so with checks passing 100 ms
 * after start a machine is read a few times (the first read comes 50 ms after `started`, then the interval doubles).
 */
import { performance } from "node:perf_hooks";
import { configureFlyClient, flyRequest } from "../providers/fly/client";
import { machineGroupProvider as provider } from "../providers/fly/machineGroup";
import type { MachineGroupInputs, MachineGroupState } from "../providers/fly/machineGroupTypes";
import { type Emulator, startEmulator } from "../test/fly/emulator";

export interface BenchRow {
    name: string;
    requests: number;
    mutating: number;
    ms: number;
    reference?: number;
}

const HEALTH_DELAY_MS = 100;

const REFERENCE = {
    create: 10,
    rolling: 16,
    bluegreen: 28,
    immediate: 10,
    noop: 0,
    refresh: 1,
} as const;

function inputsFor(app: string, strategy: MachineGroupInputs["strategy"], image: string): MachineGroupInputs {
    return {
        app,
        group: "web",
        regions: { iad: 3 },
        config: {
            image,
            env: { LOG_LEVEL: "INFO" },
            services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }] }],
            checks: { health: { type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" } },
        },
        strategy,
        healthTimeoutSeconds: 30,
    };
}

async function measure(fly: Emulator, name: string, reference: number, work: () => Promise<unknown>): Promise<BenchRow> {
    await fly.settle();
    fly.clearRequests();
    const start = performance.now();
    await work();
    const ms = performance.now() - start;
    return { name, requests: fly.requests.length, mutating: fly.mutating().length, ms, reference };
}

/** Creates a group with `strategy`, then updates its image; returns both rows (the create row only once). */
async function benchStrategy(fly: Emulator, strategy: MachineGroupInputs["strategy"], rows: BenchRow[], withCreate: boolean): Promise<MachineGroupState> {
    const app = `bench-${strategy}`;
    await flyRequest({ method: "POST", path: "/apps", body: { name: app, org_slug: "personal" }, resource: "bench setup" });
    const inputs = inputsFor(app, strategy, "registry.fly.io/api:1.0");
    let state: MachineGroupState | undefined;
    const create = await measure(fly, "create (3 machines)", REFERENCE.create, async () => {
        state = (await provider.create(inputs)).outs;
    });
    if (withCreate) rows.push(create);
    const news = inputsFor(app, strategy, "registry.fly.io/api:2.0");
    rows.push(
        await measure(fly, `image update, ${strategy}`, REFERENCE[strategy], async () => {
            state = (await provider.update!(`${app}/web`, state!, news)).outs;
        }),
    );
    if (fly.servingMachines(app).length !== 3) await fly.settle();
    return state!;
}

/** Runs every operation once against a fresh emulator and returns one row per operation. */
export async function benchFly(): Promise<BenchRow[]> {
    const saved = { host: process.env.FLY_API_HOSTNAME, token: process.env.FLY_API_TOKEN };
    const fly = await startEmulator({ startDelayMs: 20, stopDelayMs: 20, healthDelayMs: HEALTH_DELAY_MS });
    process.env.FLY_API_HOSTNAME = fly.url;
    process.env.FLY_API_TOKEN = "fm2_bench-token";
    configureFlyClient({ baseDelayMs: 5, maxDelayMs: 50 });
    try {
        const rows: BenchRow[] = [];
        const state = await benchStrategy(fly, "rolling", rows, true);
        await benchStrategy(fly, "bluegreen", rows, false);
        await benchStrategy(fly, "immediate", rows, false);
        const news = inputsFor(state.app, state.strategy, "registry.fly.io/api:2.0");
        rows.push(
            await measure(fly, "no-op up (diff)", REFERENCE.noop, async () => {
                const diff = await provider.diff!(`${state.app}/web`, state, news);
                if (diff.changes) throw new Error("bench: the no-op diff found changes");
            }),
        );
        rows.push(await measure(fly, "refresh (read)", REFERENCE.refresh, () => provider.read!(`${state.app}/web`, state)));
        return rows;
    } finally {
        configureFlyClient({});
        await fly.close();
        restore("FLY_API_HOSTNAME", saved.host);
        restore("FLY_API_TOKEN", saved.token);
    }
}

function restore(name: string, value: string | undefined): void {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
}

if (require.main === module) {
    benchFly().then(
        (rows) => {
            const headers = ["operation", "requests", "mutating", "reference", "requests/reference", "ms"];
            const cells = rows.map((r) => [r.name, r.requests, r.mutating, r.reference ?? "-", r.reference ? (r.requests / r.reference).toFixed(2) : "-", r.ms.toFixed(0)].map(String));
            const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
            const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
            console.log(`Fly MachineGroup of 3 machines against the local emulator (checks pass ${HEALTH_DELAY_MS} ms after start)\n`);
            console.log([line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n"));
        },
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        },
    );
}

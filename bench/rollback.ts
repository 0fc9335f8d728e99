/**
 * Rollback benchmark: the time from a failed verification to the previous release healthy again, for a group of 3
 * machines against the Fly emulator, with flyctl's real delays (config/defaults.ts `rolloutTiming`: 10 s drains,
 * 10 s smoke checks), against a budget of 5 minutes. Per strategy: release A runs; B, an image that passes Fly's
 * checks and degrades 3 s later, is rolled out; `verifyRelease` (app.deploy.verify's defaults) fails on it; then
 * `rollback` (delivery/release/rollback.ts, the code `npm run rollback` runs) rolls the group back to A by digest
 * and checks that A answers. The clock runs from the failed verification to that answer. The up around the rollout
 * (the engine, the release command) is not in the figure: `npm run bench`'s start-up table measures it.
 * Run alone with `npx tsx bench/rollback.ts`, or through `npm run bench`.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { APP_DEFAULTS } from "../config/defaults";
import { rollback } from "../delivery/release/rollback";
import type { ReleaseRecord } from "../delivery/release/records";
import { REAL_IO, verifyRelease, type VerifyIo } from "../delivery/release/verify";
import { flyRequest } from "../providers/fly/client";
import { machineGroupProvider as provider } from "../providers/fly/machineGroupProvider";
import type { MachineGroupInputs, MachineGroupState } from "../providers/fly/machineGroupTypes";
import { inputsFor as flyInputs, withBenchFlyEnv } from "./fly";
import { startEmulator } from "../test/fly/emulator";
import { table } from "./table";

/** The budget: the seeds ask for 15 minutes, the release train promises 5. */
export const ROLLBACK_BUDGET_MS = 5 * 60_000;
const MACHINES = 3;
const DEGRADE_AFTER_MS = 3000;
/** A Fly machine's start and first passing check take seconds, not the emulator's default milliseconds (an assumption, stated in the output). */
const START_MS = 2000;
const HEALTH_MS = 3000;

export interface RollbackRow {
    strategy: string;
    /** From the failed verification to A answering again. */
    ms: number;
    /** From the end of B's rollout to the failed verification. */
    caughtAfterMs: number;
    /** Requests some Fly proxy could send to a machine that was going away, during the rollback (most at once). */
    maxMisrouted: number;
}

const digest = (name: string) => `sha256:${createHash("sha256").update(name).digest("hex")}`;

/** flyctl's real delays, not the Fly bench's short drains. */
const inputsFor = (app: string, strategy: MachineGroupInputs["strategy"], image: string) => flyInputs(app, strategy, image, MACHINES, { ...APP_DEFAULTS.rolloutTiming });

function record(image: string, at: Date, extra: Partial<ReleaseRecord> = {}): ReleaseRecord {
    return { image, digest: image.slice(image.indexOf("@") + 1), commit: "unknown", deployedAt: at.toISOString(), healthyAt: at.toISOString(), rolledBack: false, ...extra };
}

async function benchOne(strategy: MachineGroupInputs["strategy"]): Promise<RollbackRow> {
    const app = `bench-rollback-${strategy}`;
    const [a, b] = [`registry.fly.io/${app}@${digest(`${app}-A`)}`, `registry.fly.io/${app}@${digest(`${app}-B`)}`];
    const fly = await startEmulator({ startDelayMs: START_MS, stopDelayMs: START_MS, healthDelayMs: HEALTH_MS, degradingImages: [{ image: b, afterMs: DEGRADE_AFTER_MS }] });
    process.env.FLY_API_HOSTNAME = fly.url;
    try {
        const io: VerifyIo = { ...REAL_IO, fetch: fly.edgeFetch };
        const url = `https://${app}.fly.dev/health`;
        await flyRequest({ method: "POST", path: "/apps", body: { name: app, org_slug: "personal" }, resource: "bench setup" });
        let state: MachineGroupState = (await provider.create(inputsFor(app, strategy, a))).outs!;
        state = (await provider.update!(`${app}/web`, state, inputsFor(app, strategy, b))).outs!;
        const deployedB = performance.now();
        const verdict = await verifyRelease(url, digest(`${app}-B`), APP_DEFAULTS.verify, io);
        if (verdict.ok) throw new Error(`bench: the degrading release verified: ${verdict.summary}`);
        const failed = performance.now();
        const releasedAt = new Date();
        let records: ReleaseRecord[] = [record(b, releasedAt), record(a, new Date(releasedAt.getTime() - 86_400_000))];
        const watch = fly.watchProxy(app);
        const outcome = await rollback(
            app,
            {
                outputs: async () => ({ release: records[0], releases: records, healthUrl: url }),
                async upWithRollback(key) {
                    state = (await provider.update!(`${app}/web`, state, inputsFor(app, strategy, key.to))).outs!;
                    const now = new Date();
                    records = [record(key.to, now, { rollbackOf: records[0].digest }), { ...records[0], rolledBack: true, rolledBackAt: now.toISOString() }, ...records.slice(1)];
                    return 0;
                },
            },
            { reason: "verification failed in the benchmark", window: { windowSeconds: 0, intervalSeconds: 1 }, io },
        );
        const ms = performance.now() - failed;
        watch.stop();
        if (!outcome.ok) throw new Error(`bench: ${outcome.summary}`);
        return { strategy, ms, caughtAfterMs: failed - deployedB, maxMisrouted: watch.maxMisrouted };
    } finally {
        await fly.close();
    }
}

/** One row per strategy prod and staging use. */
export function benchRollback(): Promise<RollbackRow[]> {
    return withBenchFlyEnv(async () => {
        const rows: RollbackRow[] = [];
        for (const strategy of ["bluegreen", "rolling"] as const) rows.push(await benchOne(strategy));
        return rows;
    });
}

export function formatRollback(rows: readonly RollbackRow[]): string {
    const t = APP_DEFAULTS.rolloutTiming;
    return [
        `Rollback of ${MACHINES} machines: failed verification → previous release healthy and answering (budget ${ROLLBACK_BUDGET_MS / 60_000} min)`,
        `flyctl's delays: drains ${t.waitBeforeCordonMs / 1000} s + ${t.waitBeforeStopMs / 1000} s, smoke check ${t.smokeCheckMs / 1000} s; verification every ${APP_DEFAULTS.verify.intervalSeconds} s; B degrades ${DEGRADE_AFTER_MS / 1000} s after its checks pass`,
        `machines start in ${START_MS / 1000} s and pass their checks ${HEALTH_MS / 1000} s later (assumed); the up around the rollout is not counted`,
        "",
        table(
            ["strategy", "measured s", "budget s", "measured/budget", "caught after s", "max misrouted"],
            rows.map((r) => [r.strategy, (r.ms / 1000).toFixed(1), ROLLBACK_BUDGET_MS / 1000, (r.ms / ROLLBACK_BUDGET_MS).toFixed(2), (r.caughtAfterMs / 1000).toFixed(1), r.maxMisrouted]),
        ),
    ].join("\n");
}

if (require.main === module) {
    benchRollback().then(
        (rows) => console.log(formatRollback(rows)),
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        },
    );
}

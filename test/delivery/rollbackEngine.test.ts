/**
 * The release train's rollback end to end, through the offline engine (the real program, providers and policy
 * pack) and the Fly emulator: staging runs release A, then B, an image that passes Fly's checks and degrades
 * shortly after. The deploy's verification (delivery/release/verify.ts) fails on B; the rollback
 * (delivery/release/rollback.ts, the code `npm run rollback` runs, with the offline engine as its driver instead of
 * the CLI) deploys A by digest: every machine ends on A, the proxy never sends a request to a machine going away and
 * keeps serving once A is back, the release step runs A's forward-only migration (never a down migration), and the
 * `releases` output says B was rolled back.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OperationResult } from "../../engine";
import { isSecret } from "../../engine/wire";
import { readReleases } from "../../delivery/release/records";
import { rollback, type RollbackOutcome } from "../../delivery/release/rollback";
import { REAL_IO, verifyRelease, type Verdict, type VerifyIo } from "../../delivery/release/verify";
import { type Emulator, type ProxyWatch, startEmulator, TEST_TOKEN } from "../fly/emulator";
import { explain, flyEnv, StackUnderTest } from "../engine/support";
import { digestFor } from "./releaseRecords";

const A = `registry.fly.io/api-staging-app@${digestFor("release A")}`;
const B = `registry.fly.io/api-staging-app@${digestFor("release B")}`;
/** B passes its checks, then turns unhealthy this long after: later than its rollout, within the verification window. */
const DEGRADE_AFTER_MS = 4000;
const MACHINES = 3;
const WINDOW = { windowSeconds: 10, intervalSeconds: 1 };
const PROXY_LAG_MS = 150;

/** The stack's outputs as `pulumi stack output --json` prints the plain ones. */
const plainOutputs = (result: OperationResult): Record<string, unknown> => Object.fromEntries(Object.entries(result.outputs).filter(([, v]) => !isSecret(v)));

describe("rollback through the offline engine and the Fly emulator", { timeout: 180_000 }, () => {
    let fly: Emulator;
    let stack: StackUnderTest;
    let last: OperationResult;
    let verdictB: Verdict;
    let outcome: RollbackOutcome;
    let watch: ProxyWatch;
    /** One-off machines (release steps) the rollback's up started: image and command. */
    let releaseSteps: { image: string; cmd: string }[] = [];
    const io = (): VerifyIo => ({ ...REAL_IO, fetch: fly.edgeFetch });
    /**
     * Staging with three machines rolled blue-green, running the prebuilt `image`. Its drains outlast the proxies' lag
     * (PROXY_LAG_MS), as flyctl's 10 s drains outlast Fly's, scaled down so the test stays short.
     */
    const release = (image: string) => (config: Record<string, any>) => {
        config.app.image = { ref: image };
        config.app.machines = { ...config.app.machines, count: MACHINES };
        config.app.deploy = { ...config.app.deploy, strategy: "bluegreen", timing: { ...config.app.deploy.timing, waitBeforeCordonMs: 2 * PROXY_LAG_MS, waitBeforeStopMs: 2 * PROXY_LAG_MS } };
        config.app.autostop = "off";
        config.app.minRunning = MACHINES;
    };
    const appName = () => [...fly.state.apps.values()].find((app) => [...app.machines.values()].some((m) => m.config.auto_destroy !== true))!.name;
    const serving = () => [...fly.state.apps.get(appName())!.machines.values()].filter((m) => m.config.auto_destroy !== true && m.state !== "destroyed");

    before(async () => {
        fly = await startEmulator({
            startDelayMs: 5,
            stopDelayMs: 5,
            healthDelayMs: 10,
            postgresReadyDelayMs: 30,
            oneOffExits: [{ command: "npm run migrate", exitCode: 0 }],
            tokens: [TEST_TOKEN],
            degradingImages: [{ image: B, afterMs: DEGRADE_AFTER_MS }],
            proxyLagMs: PROXY_LAG_MS,
        });
        stack = new StackUnderTest("staging", () => flyEnv(fly));

        last = await stack.run("up", { mutate: release(A) });
        assert.ok(last.ok, explain(last));
        last = await stack.run("up", { mutate: release(B) });
        assert.ok(last.ok, explain(last));
        const records = readReleases("staging", plainOutputs(last));
        verdictB = await verifyRelease(records.healthUrl!, records.release.digest, WINDOW, io());

        outcome = await rollback(
            "staging",
            {
                outputs: async () => plainOutputs(last),
                async upWithRollback(key) {
                    fly.clearRequests();
                    watch = fly.watchProxy(appName());
                    // The stack file still says B (as the deploy that failed left it); the key is set for this up only.
                    last = await stack.run("up", { mutate: (config) => (release(B)(config), (config.rollback = { ...key })) });
                    watch.stop();
                    releaseSteps = fly
                        .mutating()
                        .filter((r) => r.method === "POST" && /\/machines$/.test(r.path) && (r.body as any)?.config?.auto_destroy === true)
                        .map((r) => ({ image: (r.body as any).config.image, cmd: ((r.body as any).config.init?.cmd ?? []).join(" ") }));
                    return last.ok ? 0 : 1;
                },
            },
            { reason: "verification of B failed: HTTP 503", window: WINDOW, io: io() },
        );
    });
    after(async () => {
        stack?.dispose();
        await fly?.close();
    });

    it("verification fails on B once it degrades, though Fly's checks passed when the up ended", () => {
        assert.equal(verdictB.ok, false);
        assert.equal(verdictB.probes[0].digest, digestFor("release B"), "B answered at first");
        assert.match(verdictB.summary, /answered HTTP 503/);
    });

    it("the rollback deploys A and verifies it", () => {
        assert.ok(outcome.ok, `${outcome.summary}\n${explain(last)}`);
        assert.equal(outcome.from.image, B);
        assert.equal(outcome.to.image, A);
        assert.ok(outcome.verdict!.probes.every((p) => p.digest === digestFor("release A")));
    });

    it("every machine ends on A, and the proxy keeps serving once A is back, never routing to a machine going away", () => {
        const machines = serving();
        assert.equal(machines.length, MACHINES);
        assert.deepEqual([...new Set(machines.map((m) => m.config.image))], [A]);
        assert.equal(fly.servingMachines(appName()).length, MACHINES);
        const samples = watch.samples;
        const back = samples.findIndex((s) => s.routable > 0);
        assert.ok(back >= 0, "A became routable");
        assert.deepEqual(samples.slice(back).filter((s) => s.routable === 0), [], "no moment without a healthy machine once A is back");
        assert.equal(samples.at(-1)!.routable, MACHINES);
        assert.equal(watch.maxMisrouted, 0, "no proxy sent a request to a machine going away");
    });

    it("the release step runs A's forward-only migration, never a down migration", () => {
        assert.deepEqual(releaseSteps, [{ image: A, cmd: "npm run migrate" }]);
    });

    it("the releases output says B was rolled back, and records the rollback", () => {
        const records = readReleases("staging", plainOutputs(last));
        assert.deepEqual(
            records.releases.map((r) => [r.image, r.rolledBack, r.rollbackOf ?? null]),
            [
                [A, false, digestFor("release B")],
                [B, true, null],
                [A, false, null],
            ],
        );
        assert.ok(records.releases[1].rolledBackAt, "when B was rolled back");
    });
});

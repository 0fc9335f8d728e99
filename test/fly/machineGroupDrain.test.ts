/**
 * Zero downtime as Fly's lagging proxy sees it, and the safety nets around rollouts: blue-green keeps the full count
 * routable and never stops a machine a proxy may still route to, but only thanks to its drain delays (each removed
 * in turn makes the proxy count a dip); rolling keeps count - maxUnavailable routable, and its leases keep a second
 * deploy from interleaving (a Fly that ignored them would let the proxy count a dip); leases are refreshed during slow waits; a
 * crash-looping image fails fast with the machine and its logs command; blue-green leftovers are cleaned up; no
 * rollout draws a 429 from the emulator's rate limiter, and an injected 429 is retried after its `Retry-After`.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { machineGroupProvider as provider } from "../../providers/fly/machineGroupProvider";
import { TAG_CANDIDATE, validateMachineGroupInputs } from "../../providers/fly/machineGroupConfig";
import type { MachineGroupInputs, MachineGroupState } from "../../providers/fly/machineGroupTypes";
import type { RolloutTiming } from "../../providers/fly/rollout/timing";
import { liveMachines, rolloutInputs, withImage } from "./rolloutFixtures";
import { FAST_ROLLOUTS, useMachineGroupEmulator } from "./support";

const BROKEN = "registry.fly.io/api:broken";
const CRASHING = "registry.fly.io/api:crashing";
/** Proxies see registration changes this long after they happen; the drains below are longer. */
const LAG_MS = 120;
const DRAIN_MS = 200;
/** The suite's rollout timing: drains longer than the proxy lag. */
const DRAINS: Partial<RolloutTiming> = { ...FAST_ROLLOUTS, waitBeforeCordonMs: DRAIN_MS, waitBeforeStopMs: DRAIN_MS };
const suite = useMachineGroupEmulator("mg-drain", { failingImages: [BROKEN], crashingImages: [CRASHING], proxyLagMs: LAG_MS });

/** `inputs` with the rollout's timing changed. */
function timed(inputs: MachineGroupInputs, timing: Partial<RolloutTiming>): MachineGroupInputs {
    return { ...inputs, rolloutTiming: { ...DRAINS, ...timing } };
}

afterEach(() => {
    suite.fly.options.enforceLeases = true;
    process.env.FLY_API_MAX_BACKOFF_MS = "10";
    suite.fly.faults.clear();
    suite.fly.options.healthDelayMs = 30;
});

async function healthyGroup(overrides: Partial<MachineGroupInputs> = {}): Promise<{ app: string; id: string; inputs: MachineGroupInputs; state: MachineGroupState }> {
    const app = await suite.newApp();
    const inputs = rolloutInputs(app, { healthTimeoutSeconds: 5, rolloutTiming: DRAINS, ...overrides });
    const result = await provider.create(inputs);
    await suite.fly.settle();
    suite.fly.clearRequests();
    return { app, id: result.id, inputs, state: result.outs! };
}

const live = (app: string) => liveMachines(suite.fly, app);

/** Runs an update while the lagging proxy watches; returns what it counted. */
async function watched(app: string, work: () => Promise<unknown>) {
    const proxy = suite.fly.watchProxy(app);
    await work();
    await suite.fly.settle();
    proxy.stop();
    assert.ok(proxy.samples.length > 10, `the proxy sampled ${proxy.samples.length} moments`);
    return proxy;
}

/** Resolves once `n` machine updates have been answered (the rollout under test is that far). */
async function untilUpdates(n: number): Promise<void> {
    while (suite.fly.requests.filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path) && r.status === 200).length < n) {
        await new Promise((resolve) => setTimeout(resolve, 2));
    }
}

function assertNoRateLimit(): void {
    assert.deepEqual(
        suite.fly.rateLimited().map((r) => `${r.method} ${r.path}`),
        [],
        "no request drew a 429 from the rate limiter",
    );
}

/** Blue-green groups have 2 machines: every create beyond Fly's burst of 3 per app waits a second. */
const BLUE_GREEN = { strategy: "bluegreen", regions: { iad: 2 } } as const;

describe("blue-green through a lagging proxy", () => {
    it("keeps both machines routable and stops none a proxy may still route to", async () => {
        const { app, id, inputs, state } = await healthyGroup(BLUE_GREEN);
        const proxy = await watched(app, () => provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0")));
        assert.ok(proxy.minRoutable >= 2, `fewest routable machines: ${proxy.minRoutable}`);
        assert.equal(proxy.maxMisrouted, 0, "no machine was stopped while a proxy could still route to it");
        assert.equal(live(app).length, 2);
        assertNoRateLimit();
    });

    it("dips when blue is cordoned right after green's uncordon (no wait before the cordon)", async () => {
        const { app, id, inputs, state } = await healthyGroup(BLUE_GREEN);
        const proxy = await watched(app, () => provider.update!(id, state, withImage(timed(inputs, { waitBeforeCordonMs: 0 }), "registry.fly.io/api:2.0")));
        assert.ok(proxy.minRoutable < 2, `the proxy counted a dip: fewest routable ${proxy.minRoutable}`);
    });

    it("misroutes when blue is stopped right after its cordon (no wait before the stop)", async () => {
        const { app, id, inputs, state } = await healthyGroup(BLUE_GREEN);
        const proxy = await watched(app, () => provider.update!(id, state, withImage(timed(inputs, { waitBeforeStopMs: 0 }), "registry.fly.io/api:2.0")));
        assert.ok(proxy.maxMisrouted > 0, "a proxy could still route to a stopped blue machine");
    });

    it("is refused without health checks, at check time, with the fix", async () => {
        const inputs = rolloutInputs("mg-drain-x", { strategy: "bluegreen" });
        const noChecks = { ...inputs, config: { image: inputs.config.image, services: [{ protocol: "tcp", internal_port: 8080 }] } };
        const problems = validateMachineGroupInputs("web", noChecks);
        assert.equal(problems.length, 1);
        assert.match(problems[0], /strategy "bluegreen" needs at least one health check.*Add config\.checks.*or use strategy "rolling"/);
        const checked = await provider.check!(undefined as never, noChecks);
        assert.equal(checked.failures?.length, 1);
    });

    it("tags green machines its rollback could not destroy, and the next rollout destroys them first", async () => {
        // A failing image fails at the health timeout: keep it short.
        const { app, id, inputs, state } = await healthyGroup({ ...BLUE_GREEN, healthTimeoutSeconds: 1 });
        const blue = new Set(state.machineIds);
        suite.fly.faults.add({ method: "DELETE", path: /\/machines\/[^/]+$/, kind: "500" });
        await assert.rejects(provider.update!(id, state, withImage(inputs, BROKEN)), /Rollback left green machine\(s\) .* tagged pulumi_bluegreen_candidate/);
        suite.fly.faults.clear();
        await suite.fly.settle();
        const leftovers = live(app).filter((m) => !blue.has(m.id));
        assert.equal(leftovers.length, 2);
        for (const m of leftovers) assert.ok((m.config.metadata as Record<string, string>)[TAG_CANDIDATE], `leftover ${m.id} is tagged`);

        const { outs } = await provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0"));
        await suite.fly.settle();
        const now = live(app);
        assert.equal(now.length, 2, "leftovers and blue are gone, 2 green serve");
        assert.ok(now.every((m) => !leftovers.some((l) => l.id === m.id) && !blue.has(m.id)));
        assert.ok(now.every((m) => !(TAG_CANDIDATE in ((m.config.metadata as Record<string, string>) ?? {}))), "promoted green carries no candidate tag");
        assert.deepEqual([...outs!.machineIds].sort(), now.map((m) => m.id).sort());
    });
});

describe("rolling through a lagging proxy", () => {
    it("keeps count - maxUnavailable routable, with every machine leased before the first update", async () => {
        const { app, id, inputs, state } = await healthyGroup();
        const proxy = await watched(app, () => provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0")));
        assert.ok(proxy.minRoutable >= 2, `fewest routable machines: ${proxy.minRoutable}`);
        const leases = suite.fly.requests.map((r, i) => [r, i] as const).filter(([r]) => r.method === "POST" && r.path.endsWith("/lease"));
        const firstUpdate = suite.fly.requests.findIndex((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path));
        assert.equal(leases.length, 3);
        assert.ok(leases.every(([, i]) => i < firstUpdate), "all three leases come before the first update");
        assertNoRateLimit();
    });

    it("refuses a second deploy while the first holds the leases, so they never interleave", async () => {
        const { app, id, inputs, state } = await healthyGroup();
        suite.fly.options.healthDelayMs = 200;
        const proxy = suite.fly.watchProxy(app);
        const first = provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0"));
        await untilUpdates(2);
        await assert.rejects(provider.update!(id, state, withImage(inputs, "registry.fly.io/api:3.0")), /is leased by another deploy/);
        await first;
        await suite.fly.settle();
        proxy.stop();
        assert.ok(proxy.minRoutable >= 2, `fewest routable machines: ${proxy.minRoutable}`);
        assert.ok(live(app).every((m) => m.config.image !== "registry.fly.io/api:3.0"), "the second deploy changed nothing");
    });

    it("on a Fly that ignored leases two deploys would interleave, and the proxy counts the dip (control)", async () => {
        const { app, id, inputs, state } = await healthyGroup();
        suite.fly.options.enforceLeases = false;
        suite.fly.options.healthDelayMs = 200;
        const proxy = suite.fly.watchProxy(app);
        const first = provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0"));
        // The second deploy starts while the first updates its second machine, and begins with the first machine.
        await untilUpdates(2);
        const second = provider.update!(id, state, withImage(inputs, "registry.fly.io/api:3.0"));
        await Promise.allSettled([first, second]);
        await suite.fly.settle();
        proxy.stop();
        assert.ok(proxy.minRoutable < 2, `two machines were down at once: fewest routable ${proxy.minRoutable}`);
    });

    it("refreshes its leases while a slow machine starts, and releases them at the end", async () => {
        const { app, id, inputs, state } = await healthyGroup({ maxUnavailable: 3 });
        suite.fly.options.healthDelayMs = 900;
        await provider.update!(id, state, withImage(timed(inputs, { leaseTtlSeconds: 2 }), "registry.fly.io/api:2.0"));
        const refreshes = suite.fly.requests.filter((r) => r.method === "POST" && r.path.endsWith("/lease") && r.headers["fly-machine-lease-nonce"]);
        assert.ok(refreshes.length >= 3, `leases refreshed ${refreshes.length} times`);
        assert.ok(refreshes.every((r) => r.status === 200));
        assert.equal(suite.fly.requests.filter((r) => r.status === 409).length, 0, "no lease expired under the rollout");
        for (const m of live(app)) assert.equal(m.lease, undefined, `lease on ${m.id} released`);
    });
});

describe("smoke checks and rate limits", () => {
    it("fails fast on a crash-looping image, naming the machine and where to read its logs", async () => {
        const { app, id, inputs, state } = await healthyGroup({ healthTimeoutSeconds: 120 });
        await assert.rejects(provider.update!(id, state, withImage({ ...inputs, healthTimeoutSeconds: 120 }, CRASHING)), (error: Error) => {
            assert.match(error.message, /machine ([0-9a-f]+) in region iad is crash-looping \(exit code 1, restarted \d+ times\)/);
            const machine = error.message.match(/machine ([0-9a-f]+) in region/)![1];
            assert.ok(error.message.includes(`fly logs -a ${app} --machine ${machine}`));
            assert.match(error.message, /Rolled back/);
            return true;
        });
        await suite.fly.settle();
        assert.equal(suite.fly.servingMachines(app).length, 3, "the rollback restored the previous image");
    });

    it("retries an injected 429 after its Retry-After", async () => {
        const { id, inputs, state } = await healthyGroup();
        process.env.FLY_API_MAX_BACKOFF_MS = "5000";
        suite.fly.faults.add({ method: "POST", path: /\/machines\/[^/]+$/, kind: "429", retryAfterSeconds: 1, times: 1 });
        await provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0"));
        const updates = suite.fly.requests.filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path));
        const limited = updates.findIndex((r) => r.status === 429);
        assert.ok(limited >= 0, "the fault answered");
        const retry = updates.slice(limited + 1).find((r) => r.path === updates[limited].path)!;
        assert.ok(retry.at - updates[limited].at >= 1000, `retried ${retry.at - updates[limited].at} ms later`);
        assert.equal(retry.status, 200);
    });
});

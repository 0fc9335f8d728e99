/**
 * MachineGroup rollouts against the local Fly emulator: blue-green and rolling image updates of a 3-machine group keep
 * enough machines serving at every machine change, a failing image rolls back and leaves the old machines serving
 * (the error naming machine, region and check), a secrets-version bump rolls the machines, and immediate updates all
 * machines without waiting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flyRequest } from "../../providers/fly/client";
import { machineGroupProvider as provider } from "../../providers/fly/machineGroupProvider";
import type { MachineGroupInputs, MachineGroupState } from "../../providers/fly/machineGroupTypes";
import type { RecordedRequest } from "./emulator";
import { liveMachines, rolloutInputs, withImage } from "./rolloutFixtures";
import { useMachineGroupEmulator } from "./support";

const BROKEN = "registry.fly.io/api:broken";
const suite = useMachineGroupEmulator("mg-rollout", { failingImages: [BROKEN] });
const newApp = suite.newApp;

/** A healthy 3-machine group, with the request log cleared. */
async function healthyGroup(overrides: Partial<MachineGroupInputs> = {}): Promise<{ app: string; id: string; inputs: MachineGroupInputs; state: MachineGroupState }> {
    const app = await newApp();
    const inputs = rolloutInputs(app, overrides);
    const result = await provider.create(inputs);
    await suite.fly.settle();
    assert.equal(suite.fly.servingMachines(app).length, 3);
    suite.fly.clearRequests();
    return { app, id: result.id, inputs, state: result.outs! };
}

const live = (app: string) => liveMachines(suite.fly, app);

const machineOf = (r: RecordedRequest): string | undefined => r.path.match(/\/machines\/([^/]+)/)?.[1];
const action = (r: RecordedRequest): string => `${r.method} ${r.path.replace(/^.*\/machines(\/[^/]+)?/, "") || "/"}`;

describe("blue-green", () => {
    it("updates the image with at least 3 machines serving at every change, in flyctl's order", async () => {
        const { app, id, inputs, state } = await healthyGroup({ strategy: "bluegreen" });
        const blue = new Set(state.machineIds);
        const watch = suite.fly.watchServing(app);
        const { outs } = await provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0"));
        await suite.fly.settle();
        watch.stop();

        assert.ok(watch.samples.length > 20, `sampled ${watch.samples.length} machine changes`);
        assert.ok(watch.min >= 3, `fewest serving machines during the rollout: ${watch.min}`);
        const machines = live(app);
        assert.equal(machines.length, 3);
        assert.ok(machines.every((m) => !blue.has(m.id)), "blue is retired");
        assert.deepEqual([...outs!.machineIds].sort(), machines.map((m) => m.id).sort());
        assert.match(outs!.imageRef, /^registry\.fly\.io\/api@sha256:/);
        assert.notEqual(outs!.imageRef, state.imageRef);
        assert.equal(suite.fly.servingMachines(app).length, 3);

        const creates = suite.fly.requests.filter((r) => r.method === "POST" && /\/machines$/.test(r.path));
        assert.equal(creates.length, 3);
        for (const c of creates) assert.equal((c.body as { skip_service_registration?: boolean }).skip_service_registration, true);
        const index = (pred: (r: RecordedRequest) => boolean, last = false) => {
            const found = suite.fly.requests.map((r, i) => (pred(r) ? i : -1)).filter((i) => i >= 0);
            return last ? found[found.length - 1] : found[0];
        };
        const lastUncordon = index((r) => action(r) === "POST /uncordon", true);
        const firstCordon = index((r) => action(r) === "POST /cordon");
        const lastCheckPoll = index((r) => r.method === "GET" && !blue.has(machineOf(r) ?? "") && /\/machines\/[^/]+$/.test(r.path), true);
        assert.ok(lastCheckPoll < lastUncordon, "green is uncordoned only after its checks pass");
        assert.ok(lastUncordon < firstCordon, "green serves before blue is cordoned");
        for (const machineId of blue) {
            const calls = suite.fly.requests.filter((r) => machineOf(r) === machineId && r.method !== "GET").map(action);
            assert.deepEqual(calls, ["POST /lease", "POST /cordon", "POST /stop", "DELETE /"], `blue ${machineId}: ${calls.join(", ")}`);
        }
    });

    it("rolls back a failing image: green is destroyed, blue keeps serving, the error names machine, region and check", async () => {
        const { app, id, inputs, state } = await healthyGroup({ strategy: "bluegreen" });
        const watch = suite.fly.watchServing(app);
        await assert.rejects(provider.update!(id, state, withImage(inputs, BROKEN)), (error: Error) => {
            assert.match(error.message, /MachineGroup "web": bluegreen rollout of app mg-rollout-\d+ failed: machine [0-9a-f]+ in region iad failed check "health"/);
            assert.match(error.message, /connection refused: the app is not listening/);
            assert.match(error.message, /Rolled back: 3 green machine\(s\) destroyed/);
            const named = error.message.match(/machine ([0-9a-f]+) in region/)![1];
            assert.ok(!state.machineIds.includes(named), "the failing machine named is a green one");
            return true;
        });
        await suite.fly.settle();
        watch.stop();
        assert.ok(watch.min >= 3, `fewest serving machines: ${watch.min}`);
        assert.deepEqual(live(app).map((m) => m.id).sort(), [...state.machineIds].sort(), "only blue is left");
        assert.equal(suite.fly.servingMachines(app).length, 3);
        for (const m of live(app)) assert.equal(m.lease, undefined, "blue leases released");
    });
});

describe("rolling", () => {
    it("updates in place with at least 3 - maxUnavailable machines serving, under a lease per machine", async () => {
        const { app, id, inputs, state } = await healthyGroup();
        const watch = suite.fly.watchServing(app);
        const { outs } = await provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0"));
        await suite.fly.settle();
        watch.stop();

        assert.ok(watch.min >= 2, `fewest serving machines: ${watch.min}`);
        assert.ok(watch.samples.includes(2), "one machine at a time was out of service");
        assert.deepEqual([...outs!.machineIds].sort(), [...state.machineIds].sort(), "rolling keeps the machines");
        assert.notEqual(outs!.imageRef, state.imageRef);
        for (const m of live(app)) {
            assert.ok(m.config.image === "registry.fly.io/api:2.0" || m.config.image === outs!.imageRef);
            assert.equal(m.lease, undefined);
        }
        for (const machineId of state.machineIds) {
            const calls = suite.fly.requests.filter((r) => machineOf(r) === machineId && r.method !== "GET");
            assert.deepEqual(calls.map(action), ["POST /lease", "POST /", "DELETE /lease"]);
            assert.ok(calls.slice(1).every((r) => r.headers["fly-machine-lease-nonce"]), "nonce on every mutating call");
        }
        // A batch waits for health before the next starts: machine n+1 is updated after machine n's checks pass.
        const updates = suite.fly.requests.map((r, i) => [r, i] as const).filter(([r]) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path));
        for (let k = 1; k < updates.length; k++) {
            const previous = machineOf(updates[k - 1][0]);
            const polledBetween = suite.fly.requests.slice(updates[k - 1][1], updates[k][1]).some((r) => r.method === "GET" && r.path.endsWith(`/machines/${previous}`));
            assert.ok(polledBetween, `machine ${previous}'s checks were read before the next batch`);
        }
    });

    it("with maxUnavailable 2 keeps at least 1 serving and updates two machines per batch", async () => {
        const { app, id, inputs, state } = await healthyGroup({ maxUnavailable: 2 });
        const watch = suite.fly.watchServing(app);
        await provider.update!(id, state, withImage(inputs, "registry.fly.io/api:2.0", { maxUnavailable: 2 }));
        await suite.fly.settle();
        watch.stop();
        assert.ok(watch.min >= 1, `fewest serving machines: ${watch.min}`);
        assert.ok(watch.samples.includes(1), "two machines were out of service together");
        assert.equal(suite.fly.servingMachines(app).length, 3);
    });

    it("rolls back a failing image: updated machines get the previous config back and serve again", async () => {
        const { app, id, inputs, state } = await healthyGroup();
        const before = new Map(live(app).map((m) => [m.id, m.config.image]));
        const watch = suite.fly.watchServing(app);
        let named = "";
        await assert.rejects(provider.update!(id, state, withImage(inputs, BROKEN)), (error: Error) => {
            assert.match(error.message, /rolling rollout of app mg-rollout-\d+ failed: machine [0-9a-f]+ in region iad failed check "health" \(status critical, output: connection refused/);
            assert.match(error.message, /Rolled back: machine\(s\) [0-9a-f]+ restored to the previous config/);
            named = error.message.match(/machine ([0-9a-f]+) in region/)![1];
            assert.ok(state.machineIds.includes(named));
            return true;
        });
        await suite.fly.settle();
        watch.stop();
        assert.ok(watch.min >= 2, `fewest serving machines: ${watch.min}`);
        assert.equal(suite.fly.servingMachines(app).length, 3);
        for (const m of live(app)) {
            const previous = before.get(m.id) === state.imageRef ? [state.imageRef] : [before.get(m.id), state.imageRef];
            assert.ok(previous.includes(m.config.image), `machine ${m.id} runs its previous image (pinned): ${m.config.image}`);
            assert.equal(m.lease, undefined);
        }
        assert.equal(suite.fly.state.apps.get(app)!.machines.get(named)!.config.image, state.imageRef, "restored to the pinned digest, not the tag");
        const updated = new Set(suite.fly.requests.filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path)).map(machineOf));
        assert.equal(updated.size, 1, "the rollout stopped at the first failing batch");
    });
});

describe("secrets and immediate", () => {
    it("rolls every machine when the secrets version rises, passing min_secrets_version", async () => {
        const { app, id, inputs, state } = await healthyGroup({ minSecretsVersion: 0 });
        // Long enough that the update below surely comes while the new version propagates, even on a loaded machine.
        suite.fly.options.secretsPropagationMs = 400;
        const answer = await flyRequest<{ version: number }>({ method: "POST", path: `/apps/${app}/secrets`, body: { values: { JWT_SECRET: "not-a-real-secret" } }, resource: "test setup" });
        const news = { ...inputs, minSecretsVersion: answer.version };
        assert.deepEqual(((await provider.diff!(id, state, news)) as { changed?: string[] }).changed, ["minSecretsVersion", "config"]);
        const instances = new Map(live(app).map((m) => [m.id, m.instanceId]));
        suite.fly.clearRequests();
        await provider.update!(id, state, news);
        await suite.fly.settle();
        for (const m of live(app)) {
            assert.equal(m.minSecretsVersion, answer.version);
            assert.notEqual(m.instanceId, instances.get(m.id), `machine ${m.id} restarted on the new secrets`);
        }
        const updates = suite.fly.requests.filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path));
        const refused = updates.filter((r) => r.status === 412);
        assert.ok(refused.length >= 1, "the first update drew Fly's 412 while the new secrets propagated");
        const bodies = updates.filter((r) => r.status === 200).map((r) => r.body as { min_secrets_version?: number });
        assert.equal(bodies.length, 3, "then every machine was updated");
        assert.ok(bodies.every((b) => b.min_secrets_version === answer.version));
        suite.fly.options.secretsPropagationMs = 40;
    });

    it("immediate updates every machine without waiting for health", async () => {
        const { app, id, inputs, state } = await healthyGroup({ strategy: "immediate" });
        const { outs } = await provider.update!(id, state, withImage(inputs, "registry.fly.io/api:3.0"));
        assert.equal(suite.fly.requests.filter((r) => r.path.endsWith("/wait")).length, 0, "no wait");
        assert.equal(suite.fly.requests.filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path)).length, 3);
        await suite.fly.settle();
        assert.equal(suite.fly.servingMachines(app).length, 3);
        assert.deepEqual([...outs!.machineIds].sort(), [...state.machineIds].sort());
    });
});

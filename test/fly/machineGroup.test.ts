/**
 * MachineGroup provider against the local Fly emulator: create/read/update/delete/diff through the provider object
 * Pulumi calls, the replace trigger, image pinning, drift repair, import, zero mutating requests for a no-op and a
 * refresh, and convergence without duplicates under injected faults.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flyRequest } from "../../providers/fly/client";
import { machineGroupProvider as provider } from "../../providers/fly/machineGroupProvider";
import type { MachineGroupInputs, MachineGroupState } from "../../providers/fly/machineGroupTypes";
import { FAST_ROLLOUTS, useMachineGroupEmulator } from "./support";

const suite = useMachineGroupEmulator("mg-crud");
const newApp = suite.newApp;

function inputsFor(app: string, overrides: Partial<MachineGroupInputs> = {}): MachineGroupInputs {
    return {
        app,
        group: "web",
        regions: { iad: 2, ams: 1 },
        config: {
            image: "registry.fly.io/api:1.0",
            env: { LOG_LEVEL: "INFO" },
            guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
            services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }], checks: [{ type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" }] }],
            checks: { health: { type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" } },
            restart: { policy: "on-failure", max_retries: 3 },
        },
        strategy: "rolling",
        healthTimeoutSeconds: 5,
        rolloutTiming: FAST_ROLLOUTS,
        ...overrides,
    };
}

/** Machines of the app that are not destroyed (every one, tagged or not: duplicates must show). */
function liveMachines(app: string) {
    return [...(suite.fly.state.apps.get(app)?.machines.values() ?? [])].filter((m) => m.state !== "destroyed" && m.state !== "destroying");
}

async function create(inputs: MachineGroupInputs): Promise<{ id: string; state: MachineGroupState }> {
    const checked = await provider.check!(undefined as never, inputs);
    assert.deepEqual(checked.failures, []);
    const result = await provider.create(inputs);
    await suite.fly.settle();
    return { id: result.id, state: result.outs! };
}

describe("MachineGroup create", () => {
    it("creates the machines per region, tagged, healthy and serving, with the image pinned by digest", async () => {
        const app = await newApp();
        const { id, state } = await create(inputsFor(app));
        assert.equal(id, `${app}/web`);
        assert.match(state.imageRef, /^registry\.fly\.io\/api@sha256:[0-9a-f]{64}$/);
        assert.equal(state.machineIds.length, 3);
        const machines = liveMachines(app);
        assert.deepEqual(machines.map((m) => m.region).sort(), ["ams", "iad", "iad"]);
        assert.deepEqual(machines.map((m) => m.id).sort(), [...state.machineIds].sort());
        for (const m of machines) {
            assert.equal(m.config.metadata && (m.config.metadata as Record<string, string>).pulumi_machine_group, "web");
            assert.equal((m.config.metadata as Record<string, string>).fly_process_group, "app");
        }
        // Only the first machine is created from the tag; the others run the digest Fly resolved for it.
        const images = machines.map((m) => m.config.image).sort();
        assert.deepEqual(images.filter((i) => i === state.imageRef).length, 2);
        assert.equal(suite.fly.servingMachines(app).length, 3);
        assert.equal(new Set(machines.map((m) => m.name)).size, 3);
    });

    it("adopts machines an interrupted create left behind instead of duplicating them", async () => {
        const app = await newApp();
        const inputs = inputsFor(app);
        const first = await create(inputs);
        const again = await create(inputs);
        assert.deepEqual([...again.state.machineIds].sort(), [...first.state.machineIds].sort());
        assert.equal(liveMachines(app).length, 3);
    });
});

describe("MachineGroup read, diff and no-op", () => {
    it("refreshes an unchanged group and runs a no-op update with zero mutating requests", async () => {
        const app = await newApp();
        const inputs = inputsFor(app);
        const { id, state } = await create(inputs);
        suite.fly.clearRequests();

        const read = await provider.read!(id, state);
        assert.equal(read.id, id);
        assert.deepEqual(read.props, state);
        const diff = await provider.diff!(id, read.props!, inputs);
        assert.equal(diff.changes, false);
        const updated = await provider.update!(id, read.props!, inputs);
        assert.deepEqual(updated.outs, state);

        assert.equal(suite.fly.mutating().length, 0, JSON.stringify(suite.fly.mutating()));
        assert.ok(suite.fly.requests.length > 0, "read and update did look at the machines");
    });

    it("says which properties change, and replaces only when the app changes", async () => {
        const app = await newApp();
        const inputs = inputsFor(app);
        const { id, state } = await create(inputs);
        const scale = (await provider.diff!(id, state, { ...inputs, regions: { iad: 3 } })) as { changed?: string[]; replaces?: string[]; changes?: boolean };
        assert.deepEqual(scale.changed, ["regions"]);
        assert.deepEqual(scale.replaces, []);
        const image = (await provider.diff!(id, state, { ...inputs, config: { ...inputs.config, image: "registry.fly.io/api:2.0" } })) as { changed?: string[] };
        assert.deepEqual(image.changed, ["config"]);
        const move = (await provider.diff!(id, state, { ...inputs, app: "elsewhere" })) as { changed?: string[]; replaces?: string[] };
        assert.deepEqual(move.replaces, ["app"]);
    });

    it("replaces on a new app: the new group is created there, then the old one is deleted", async () => {
        const oldApp = await newApp();
        const newAppName = await newApp();
        const { id, state } = await create(inputsFor(oldApp));
        // Pulumi's default replace order: create the replacement, then delete the old resource.
        const replacement = await create(inputsFor(newAppName));
        await provider.delete!(id, state);
        await suite.fly.settle();
        assert.equal(liveMachines(oldApp).length, 0);
        assert.equal(liveMachines(newAppName).length, 3);
        assert.equal(suite.fly.servingMachines(newAppName).length, 3);
        assert.equal(replacement.id, `${newAppName}/web`);
    });

    it("imports a group from its id, rebuilding the inputs from the tagged machines", async () => {
        const app = await newApp();
        const inputs = inputsFor(app, { minSecretsVersion: 0 });
        const { state } = await create(inputs);
        const imported = await provider.read!(`${app}/web`, undefined);
        assert.equal(imported.id, `${app}/web`);
        const importedInputs = imported.inputs as MachineGroupInputs;
        assert.deepEqual(importedInputs.regions, { ams: 1, iad: 2 });
        assert.equal(importedInputs.config.image, state.imageRef);
        assert.deepEqual(importedInputs.config.env, inputs.config.env);
        assert.equal(importedInputs.minSecretsVersion, 0);
        assert.equal(importedInputs.config.metadata, undefined, "the provider's own tags are not user inputs");
        assert.deepEqual([...(imported.props as MachineGroupState).machineIds].sort(), [...state.machineIds].sort());
        assert.deepEqual(await provider.read!(`${app}/nothing-here`, undefined), {});
    });

    it("reports the group gone when its app no longer exists", async () => {
        const { state } = await create(inputsFor(await newApp()));
        assert.deepEqual(await provider.read!("gone-app/web", { ...state, app: "gone-app" }), {});
    });
});

describe("MachineGroup update and delete", () => {
    it("scales per region: retires the extras (stop, then destroy) and adds what is missing", async () => {
        const app = await newApp();
        const inputs = inputsFor(app);
        const { id, state } = await create(inputs);
        const news = { ...inputs, regions: { iad: 1, ord: 2 } };
        const { outs } = await provider.update!(id, state, news);
        await suite.fly.settle();
        const machines = liveMachines(app);
        assert.deepEqual(machines.map((m) => m.region).sort(), ["iad", "ord", "ord"]);
        assert.deepEqual([...outs!.machineIds].sort(), machines.map((m) => m.id).sort());
        assert.ok(state.machineIds.some((m) => outs!.machineIds.includes(m)), "the iad machine that fits is kept");
        assert.equal((await provider.diff!(id, outs!, news)).changes, false);
    });

    it("deletes every machine: lease, stop, then destroy with force only after the stop", async () => {
        const app = await newApp();
        const { id, state } = await create(inputsFor(app));
        suite.fly.clearRequests();
        await provider.delete!(id, state);
        await suite.fly.settle();
        assert.equal(liveMachines(app).length, 0);
        for (const machineId of state.machineIds) {
            const calls = suite.fly.requests.filter((r) => r.path.includes(`/machines/${machineId}`) && r.method !== "GET");
            const kinds = calls.map((r) => `${r.method} ${r.path.split(machineId)[1] || "/"}`);
            assert.deepEqual(kinds, ["POST /lease", "POST /stop", "DELETE /"], kinds.join(", "));
            assert.equal(calls[2].query.force, "true");
            for (const call of calls.slice(1)) assert.ok(call.headers["fly-machine-lease-nonce"], `${call.method} ${call.path} carries the lease nonce`);
        }
        // Deleting again (e.g. after a partial failure) is a no-op.
        suite.fly.clearRequests();
        await provider.delete!(id, state);
        assert.equal(suite.fly.mutating().length, 0);
    });
});

describe("MachineGroup drift", () => {
    it("detects a machine deleted out of band and the next update recreates it", async () => {
        const app = await newApp();
        const inputs = inputsFor(app);
        const { id, state } = await create(inputs);
        const victim = state.machineIds[0];
        await flyRequest({ method: "DELETE", path: `/apps/${app}/machines/${victim}`, query: { force: true }, resource: "test drift" });
        await suite.fly.settle();

        const read = await provider.read!(id, state);
        assert.notDeepEqual(read.props, state, "refresh shows the missing machine");
        assert.equal(read.props!.machineIds.length, 2);
        const diff = (await provider.diff!(id, read.props!, inputs)) as { changes?: boolean; changed?: string[]; replaces?: string[] };
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.changed, ["regions"]);
        assert.deepEqual(diff.replaces, []);

        const { outs } = await provider.update!(id, read.props!, inputs);
        await suite.fly.settle();
        assert.equal(liveMachines(app).length, 3);
        assert.ok(!outs!.machineIds.includes(victim));
        assert.equal((await provider.diff!(id, (await provider.read!(id, outs!)).props!, inputs)).changes, false);
    });

    it("detects a machine reconfigured out of band and the next update restores its config", async () => {
        const app = await newApp();
        const inputs = inputsFor(app);
        const { id, state } = await create(inputs);
        const target = state.machineIds[1];
        const machine = suite.fly.state.apps.get(app)!.machines.get(target)!;
        await flyRequest({
            method: "POST",
            path: `/apps/${app}/machines/${target}`,
            body: { config: { ...machine.config, env: { LOG_LEVEL: "DEBUG" } } },
            resource: "test drift",
        });
        await suite.fly.settle();

        const read = await provider.read!(id, state);
        const diff = (await provider.diff!(id, read.props!, inputs)) as { changed?: string[] };
        assert.deepEqual(diff.changed, ["config"]);
        suite.fly.clearRequests();
        await provider.update!(id, read.props!, inputs);
        await suite.fly.settle();
        assert.deepEqual(suite.fly.state.apps.get(app)!.machines.get(target)!.config.env, { LOG_LEVEL: "INFO" });
        const updates = suite.fly.mutating().filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path));
        assert.deepEqual(updates.map((r) => r.path.split("/").pop()), [target], "only the drifted machine is updated");
    });
});

describe("MachineGroup waits", () => {
    it("loops Fly's wait after a 408 until the machine starts, within healthTimeoutSeconds", async () => {
        const app = await newApp();
        const saved = { ...suite.fly.options };
        // Each wait "second" lasts 1 ms while machines take 150 ms to start: every first wait times out (408).
        suite.fly.options.waitMsPerSecond = 1;
        suite.fly.options.startDelayMs = 150;
        try {
            suite.fly.clearRequests();
            const { state } = await create(inputsFor(app, { regions: { iad: 1 } }));
            const waits = suite.fly.requests.filter((r) => r.path.endsWith("/wait"));
            assert.ok(waits.some((r) => r.status === 408), "a wait timed out");
            assert.equal(waits[waits.length - 1].status, 200);
            assert.ok(waits.every((r) => Number(r.query.timeout) >= 1 && Number(r.query.timeout) <= 60 && r.query.state === "started"));
            assert.equal(suite.fly.servingMachines(app).length, 1);
            assert.equal(state.machineIds.length, 1);
        } finally {
            Object.assign(suite.fly.options, saved);
        }
    });

    it("fails a create whose machines never start, naming the machine and region, and leaves no machine behind", async () => {
        const app = await newApp();
        const saved = { ...suite.fly.options };
        suite.fly.options.waitMsPerSecond = 1;
        suite.fly.options.startDelayMs = 1_000;
        try {
            await assert.rejects(
                provider.create(inputsFor(app, { regions: { ams: 1 }, healthTimeoutSeconds: 0.3 })),
                /^RolloutFailed: MachineGroup "web": rolling rollout of app mg-crud-\d+ failed: machine [0-9a-f]+ in region ams did not reach state "started" within 0.3s \(healthTimeoutSeconds\)\. Rolled back: the 1 machine\(s\) created were destroyed\./,
            );
        } finally {
            Object.assign(suite.fly.options, saved);
        }
        assert.equal(liveMachines(app).length, 0);
    });
});

describe("MachineGroup under faults", () => {
    it("converges with no duplicate machine when creates lose their answers, and on 429/500/dropped calls", async () => {
        const app = await newApp();
        const removers = [
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "drop", when: "after", times: 1 }),
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "500", when: "after", times: 1 }),
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "insufficient_capacity", times: 1 }),
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: "429", retryAfterSeconds: 1, times: 1 }),
            suite.fly.faults.add({ method: "GET", path: "/v1/apps/:app/machines/:id/wait", kind: "500", times: 2 }),
            suite.fly.faults.add({ method: "GET", path: "/v1/apps/:app/machines/:id", kind: "drop", times: 2 }),
            suite.fly.faults.add({ method: "GET", path: "/v1/apps/:app/machines", kind: "429", times: 1 }),
        ];
        try {
            const { state } = await create(inputsFor(app));
            const machines = liveMachines(app);
            assert.equal(machines.length, 3, `exactly 3 machines, got ${machines.map((m) => m.name).join(", ")}`);
            assert.deepEqual(machines.map((m) => m.id).sort(), [...state.machineIds].sort());
            assert.ok((suite.fly.faults.fired.drop ?? 0) >= 1 && (suite.fly.faults.fired["500"] ?? 0) >= 1 && (suite.fly.faults.fired["429"] ?? 0) >= 1);
        } finally {
            removers.forEach((remove) => remove());
        }
    });

    it("finishes a rolling update whose lease, update and release calls fail transiently", async () => {
        const app = await newApp();
        const inputs = inputsFor(app, { regions: { iad: 3 } });
        const { id, state } = await create(inputs);
        const removers = [
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines/:id/lease", kind: "drop", when: "after", times: 1 }),
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines/:id/lease", kind: "500", when: "after", times: 1 }),
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines/:id", kind: "500", times: 1 }),
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines/:id", kind: "drop", when: "after", times: 1 }),
            suite.fly.faults.add({ method: "DELETE", path: "/v1/apps/:app/machines/:id/lease", kind: "429", times: 1 }),
        ];
        try {
            const news = { ...inputs, config: { ...inputs.config, image: "registry.fly.io/api:2.0" } };
            const { outs } = await provider.update!(id, state, news);
            await suite.fly.settle();
            const machines = liveMachines(app);
            assert.equal(machines.length, 3);
            assert.deepEqual([...outs!.machineIds].sort(), [...state.machineIds].sort(), "rolling keeps the machines");
            for (const m of machines) assert.match(String(m.config.image), /^registry\.fly\.io\/api(:2\.0|@sha256:)/);
            assert.equal(suite.fly.servingMachines(app).length, 3);
            for (const m of machines) assert.equal(m.lease, undefined, `lease on ${m.id} released`);
        } finally {
            removers.forEach((remove) => remove());
        }
    });

    it("deletes every machine despite dropped and failed calls", async () => {
        const app = await newApp();
        const { id, state } = await create(inputsFor(app));
        const removers = [
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines/:id/stop", kind: "500", times: 2 }),
            suite.fly.faults.add({ method: "DELETE", path: "/v1/apps/:app/machines/:id", kind: "drop", when: "after", times: 1 }),
        ];
        try {
            await provider.delete!(id, state);
            await suite.fly.settle();
            assert.equal(liveMachines(app).length, 0);
        } finally {
            removers.forEach((remove) => remove());
        }
    });
});

/**
 * Rotation is a visible replacement and a rollout, never a silent change. Two offline evaluations of the staging
 * stack (before and after one change: the rotation keeper, or a secret value) show what reaches the registered
 * inputs; replaying both sets of inputs through the real Fly providers against the local emulator shows the app's
 * secrets version rising and every machine restarting on it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { machineGroupProvider } from "../../providers/fly/machineGroupProvider";
import type { MachineGroupInputs, MachineGroupState } from "../../providers/fly/machineGroupTypes";
import { secretChanges, secretsProvider } from "../../providers/fly/secretsProvider";
import { seedApp, useEmulator } from "../fly/support";
import { runStack, StackRun } from "../harness/stack";
import { named } from "./graph";

const secrets = secretsProvider as Required<typeof secretsProvider>;
const machines = machineGroupProvider as Required<typeof machineGroupProvider>;

const secretsInputs = (run: StackRun) => named(run, "app-secrets").inputs as { app: string; values: Record<string, string> };
const machineInputs = (run: StackRun) => named(run, "app-machines").inputs as MachineGroupInputs;

describe("rotation, through the registered inputs", () => {
    it("a new rotation keeper replaces the JWT secret and changes only JWT_SECRET in the Fly secrets", async () => {
        const before = await runStack("staging");
        const after = await runStack("staging", { mutate: (c) => (c.secrets.rotationDays = 91) });
        assert.notEqual(named(before, "secrets-rotation").state.rotationRfc3339, named(after, "secrets-rotation").state.rotationRfc3339);
        const [k1, k2] = [before, after].map((r) => named(r, "secrets-jwt").inputs.keepers.rotation);
        assert.notEqual(k1, k2, "the keeper changed, so the engine replaces the password");
        assert.deepEqual(secretChanges({ values: secretsInputs(before).values }, secretsInputs(after)), { set: ["JWT_SECRET"], unset: [] });
        assert.ok(named(after, "app-secrets").secretPaths.includes("values.JWT_SECRET"));
    });

    it("a changed config secret value changes only that key", async () => {
        const withValue = (value: string) =>
            runStack("staging", { mutate: (c) => (c.secrets.extra = ["STRIPE_API_KEY"]), secrets: { STRIPE_API_KEY: value } });
        const before = await withValue("sk_offline_value_one");
        const after = await withValue("sk_offline_value_two");
        assert.deepEqual(secretChanges({ values: secretsInputs(before).values }, secretsInputs(after)), { set: ["STRIPE_API_KEY"], unset: [] });
        assert.deepEqual(machineInputs(before).config, machineInputs(after).config, "plain machine config is untouched");
    });

    it("the machines take their minimum secrets version from the Secrets resource", async () => {
        const run = await runStack("staging");
        const group = named(run, "app-machines");
        assert.equal(group.inputs.minSecretsVersion, named(run, "app-secrets").state.version);
        assert.ok(group.dependsOn.includes(named(run, "app-secrets").urn));
    });
});

describe("rotation, through the Fly providers against the emulator", () => {
    const env = useEmulator();

    it("rotating the JWT secret raises the secrets version and restarts every machine on it", async () => {
        const before = await runStack("staging", { mutate: (c) => (c.app.machines.count = 2) });
        const after = await runStack("staging", { mutate: (c) => ((c.app.machines.count = 2), (c.secrets.rotationDays = 91)) });
        const { fly } = env;
        const app = secretsInputs(before).app;
        seedApp(fly, app, "acme");

        const created = await secrets.create(secretsInputs(before));
        const group = await machines.create({ ...machineInputs(before), minSecretsVersion: created.outs.version });
        await fly.settle();
        const state = group.outs as MachineGroupState;
        const live = () => [...fly.state.apps.get(app)!.machines.values()].filter((m) => m.state !== "destroyed" && m.state !== "destroying");
        assert.equal(fly.servingMachines(app).length, 2);
        const instances = new Map(live().map((m) => [m.id, m.instanceId]));

        assert.deepEqual(await secrets.diff(app, created.outs, secretsInputs(after)), { changes: true, replaces: [] });
        const updated = await secrets.update(app, created.outs, secretsInputs(after));
        assert.ok(updated.outs!.version > created.outs.version, "Fly's secrets version rose");
        assert.equal(fly.state.apps.get(app)!.secrets.get("JWT_SECRET")!.value, secretsInputs(after).values.JWT_SECRET);

        const news = { ...machineInputs(after), minSecretsVersion: updated.outs!.version };
        const diff = (await machines.diff(group.id, state, news)) as { changed?: string[]; replaces?: string[] };
        assert.ok(diff.changed?.includes("minSecretsVersion"), `diff: ${JSON.stringify(diff)}`);
        assert.deepEqual(diff.replaces, [], "a rollout in place, not a replacement");
        await machines.update(group.id, state, news);
        await fly.settle();
        assert.equal(fly.servingMachines(app).length, 2);
        for (const m of live()) {
            assert.equal(m.minSecretsVersion, updated.outs!.version);
            assert.notEqual(m.instanceId, instances.get(m.id), `machine ${m.id} restarted on the new secrets`);
        }
    });
});

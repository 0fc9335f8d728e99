/**
 * MachineGroup pieces that need no API: diff decisions, validation, image pinning, config hashes and drift, scale
 * planning.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    desiredConfig,
    hasDigest,
    imageRepository,
    observedHash,
    pinnedImageOf,
    targetImage,
    TAG_GROUP,
    TAG_HASH,
    validateMachineGroupInputs,
} from "../../providers/fly/machineGroupConfig";
import { UNKNOWN } from "../../providers/fly/providerInputs";
import { resolveRolloutTiming } from "../../providers/fly/rollout/timing";
import { diffMachineGroup } from "../../providers/fly/machineGroupDiff";
import { MachineGroup } from "../../providers/fly/machineGroup";
import type { FlyMachine, MachineGroupInputs, MachineGroupState } from "../../providers/fly/machineGroupTypes";
import { missingSlots, splitExtras } from "../../providers/fly/rollout/scale";
import { slidingWindow } from "../../providers/fly/rollout/run";

const DIGEST = `sha256:${"a".repeat(64)}`;

const inputs: MachineGroupInputs = {
    app: "api-staging",
    group: "web",
    regions: { iad: 2, ams: 1 },
    config: { image: "registry.fly.io/api:1.0", env: { LOG_LEVEL: "INFO" }, guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 } },
    strategy: "rolling",
};

/** The state a successful create would leave, with machines that match the config. */
function stateFor(i: MachineGroupInputs): MachineGroupState {
    const imageRef = `registry.fly.io/api@${DIGEST}`;
    const desired = desiredConfig(i, imageRef);
    const machines = Object.entries(i.regions).flatMap(([region, n]) =>
        Array.from({ length: n }, (_, k) => ({ id: `${region}${k}`, region, configHash: desired.hash })),
    );
    return { ...i, imageRef, configHash: desired.hash, machines, machineIds: machines.map((m) => m.id) };
}

describe("MachineGroup diff", () => {
    it("reports no change for identical inputs, and treats omitted defaults as their default", () => {
        const olds = stateFor(inputs);
        assert.deepEqual(diffMachineGroup(olds, inputs).changed, []);
        assert.equal(diffMachineGroup(olds, inputs).changes, false);
        assert.equal(diffMachineGroup(olds, { ...inputs, maxUnavailable: 1, healthTimeoutSeconds: 300 }).changes, false);
    });

    it("replaces only on app (and the group's own name)", () => {
        const olds = stateFor(inputs);
        const d = diffMachineGroup(olds, { ...inputs, app: "api-other" });
        assert.deepEqual(d.replaces, ["app"]);
        assert.ok(d.changed.includes("app"));
        assert.deepEqual(diffMachineGroup(olds, { ...inputs, group: "web2" }).replaces, ["group"]);
    });

    const updates: [string, Partial<MachineGroupInputs>][] = [
        ["regions", { regions: { iad: 3, ams: 1 } }],
        ["config", { config: { ...inputs.config, image: "registry.fly.io/api:2.0" } }],
        ["config", { config: { ...inputs.config, env: { LOG_LEVEL: "DEBUG" } } }],
        ["strategy", { strategy: "bluegreen" }],
        ["maxUnavailable", { maxUnavailable: 2 }],
        ["healthTimeoutSeconds", { healthTimeoutSeconds: 60 }],
        ["minSecretsVersion", { minSecretsVersion: 4 }],
    ];
    for (const [key, change] of updates) {
        it(`updates in place when ${key} changes, naming it`, () => {
            const d = diffMachineGroup(stateFor(inputs), { ...inputs, ...change });
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
            assert.ok(d.changed.includes(key), `changed ${JSON.stringify(d.changed)} should include ${key}`);
        });
    }

    it("sees a machine deleted out of band as a regions change", () => {
        const olds = stateFor(inputs);
        const d = diffMachineGroup({ ...olds, machines: olds.machines.slice(1) }, inputs);
        assert.deepEqual(d.changed, ["regions"]);
        assert.deepEqual(d.replaces, []);
    });

    it("sees a machine whose config changed out of band as a config change", () => {
        const olds = stateFor(inputs);
        const machines = olds.machines.map((m, i) => (i === 0 ? { ...m, configHash: "0000000000000000" } : m));
        assert.deepEqual(diffMachineGroup({ ...olds, machines }, inputs).changed, ["config"]);
    });

    it("keeps the pinned digest while the input image is unchanged", () => {
        assert.equal(targetImage("registry.fly.io/api:1.0", { image: "registry.fly.io/api:1.0", imageRef: `registry.fly.io/api@${DIGEST}` }), `registry.fly.io/api@${DIGEST}`);
        assert.equal(targetImage("registry.fly.io/api:2.0", { image: "registry.fly.io/api:1.0", imageRef: `registry.fly.io/api@${DIGEST}` }), undefined);
        assert.equal(targetImage(`registry.fly.io/api@${DIGEST}`), `registry.fly.io/api@${DIGEST}`);
    });
});

describe("MachineGroup validation", () => {
    it("accepts valid inputs", () => {
        assert.deepEqual(validateMachineGroupInputs("web", inputs), []);
    });

    it("names the resource, the key and the fix for each problem", () => {
        const problems = validateMachineGroupInputs("web", {
            ...inputs,
            regions: { IAD: 1, ams: -1 },
            strategy: "canary" as never,
            maxUnavailable: 0,
            healthTimeoutSeconds: 0,
            config: { image: "", metadata: { pulumi_config_hash: "x" } },
        });
        assert.equal(problems.length, 7, problems.join("\n"));
        for (const p of problems) assert.match(p, /^MachineGroup "web": /);
        assert.ok(problems.some((p) => p.includes("regions.IAD") && p.includes("three-letter")));
        assert.ok(problems.some((p) => p.includes("strategy must be one of rolling, bluegreen, immediate")));
        assert.ok(problems.some((p) => p.includes("config.metadata.pulumi_config_hash is reserved")));
    });

    it("rejects invalid plain args at construction, before anything is registered", () => {
        assert.throws(() => new MachineGroup("web", { ...inputs, maxUnavailable: 0 }), /maxUnavailable must be a whole number of at least 1, got 0/);
    });
});

describe("image pinning and config hashes", () => {
    it("splits repository from tag and digest, keeping a registry port", () => {
        assert.equal(imageRepository("registry.fly.io/api:1.0"), "registry.fly.io/api");
        assert.equal(imageRepository("localhost:5000/api"), "localhost:5000/api");
        assert.equal(imageRepository(`nginx:1.25@${DIGEST}`), "nginx");
        assert.ok(hasDigest(`nginx@${DIGEST}`));
        assert.ok(!hasDigest("nginx:1.25"));
    });

    it("pins a machine's image from the digest Fly resolved", () => {
        const machine: FlyMachine = { id: "m1", config: { image: "registry.fly.io/api:1.0" }, image_ref: { repository: "api", tag: "1.0", digest: DIGEST } };
        assert.equal(pinnedImageOf(machine), `registry.fly.io/api@${DIGEST}`);
        assert.equal(pinnedImageOf({ id: "m2", config: { image: "api:1.0" } }), undefined);
    });

    it("tags the config with the group and a hash that ignores Fly's defaults but not a changed value", () => {
        const desired = desiredConfig(inputs, `registry.fly.io/api@${DIGEST}`);
        assert.equal(desired.config.metadata?.[TAG_GROUP], "web");
        assert.equal(desired.config.metadata?.[TAG_HASH], desired.hash);
        assert.equal(desired.config.metadata?.fly_process_group, "app");
        // Fly answers with the tag image it was given (digest in image_ref) and fills in defaults of its own.
        const served: FlyMachine = {
            id: "m1",
            config: { ...desired.config, image: "registry.fly.io/api:1.0", guest: { ...desired.config.guest, kernel_args: [] } as never, init: {} } as never,
            image_ref: { digest: DIGEST },
        };
        assert.equal(observedHash(served, desired.config), desired.hash);
        const changedEnv = { ...served, config: { ...served.config!, env: { LOG_LEVEL: "DEBUG" } } };
        assert.notEqual(observedHash(changedEnv, desired.config), desired.hash);
        const addedEnv = { ...served, config: { ...served.config!, env: { LOG_LEVEL: "INFO", EXTRA: "1" } } };
        assert.notEqual(observedHash(addedEnv, desired.config), desired.hash);
        const otherDigest = { ...served, image_ref: { digest: `sha256:${"b".repeat(64)}` } };
        assert.notEqual(observedHash(otherDigest, desired.config), desired.hash);
    });

    it("folds the secrets version into the config hash, so a new version rolls the machines", () => {
        const a = desiredConfig({ ...inputs, minSecretsVersion: 1 }, "img@" + DIGEST);
        const b = desiredConfig({ ...inputs, minSecretsVersion: 2 }, "img@" + DIGEST);
        assert.notEqual(a.hash, b.hash);
    });
});

describe("scale planning", () => {
    const m = (id: string, region: string): FlyMachine => ({ id, region });

    it("retires outdated machines first, and every machine of a region no longer listed", () => {
        const current = new Set(["a2"]);
        const { keep, extras } = splitExtras([m("a1", "iad"), m("a2", "iad"), m("b1", "ord")], { iad: 1 }, (x) => current.has(x.id));
        assert.deepEqual(keep.map((x) => x.id), ["a2"]);
        assert.deepEqual(extras.map((x) => x.id).sort(), ["a1", "b1"]);
    });

    it("creates only what each region lacks", () => {
        assert.deepEqual(missingSlots([m("a1", "iad")], { iad: 2, ams: 1 }), ["ams", "iad"]);
        assert.deepEqual(missingSlots([m("a1", "iad"), m("a2", "iad")], { iad: 2 }), []);
    });

    it("slides a window of maxUnavailable after a spearhead, and starts nothing after a failure", async () => {
        const running = new Set<number>();
        const log: string[] = [];
        let peak = 0;
        const step = async (n: number): Promise<void> => {
            running.add(n);
            peak = Math.max(peak, running.size);
            log.push(`start ${n}`);
            await new Promise((resolve) => setImmediate(resolve));
            running.delete(n);
            if (n === 3) throw new Error("machine 3 failed");
        };
        await assert.rejects(slidingWindow([1, 2, 3, 4, 5, 6], 2, true, step), /machine 3 failed/);
        assert.equal(peak, 2);
        assert.equal(log[0], "start 1");
        assert.equal(log[1], "start 2", "the spearhead ran alone");
        assert.ok(!log.includes("start 6"), `nothing started after the failure: ${log.join(", ")}`);
    });
});

describe("preview with unknown values", () => {
    it("validates only what is known, and diff reports a change without failing", () => {
        const unknown = UNKNOWN as never;
        const partly: MachineGroupInputs = { ...inputs, minSecretsVersion: unknown, regions: { iad: unknown }, config: { ...inputs.config, image: unknown } };
        assert.deepEqual(validateMachineGroupInputs("web", partly), []);
        assert.deepEqual(validateMachineGroupInputs("web", { ...inputs, config: unknown, regions: unknown }), []);
        const d = diffMachineGroup(stateFor(inputs), partly);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
    });
});

describe("rollout timing", () => {
    it("is flyctl's by default, whatever the environment says, and a MachineGroup's rolloutTiming overrides it key by key", () => {
        const saved = process.env.FLY_BLUEGREEN_WAIT_BEFORE_CORDON_MS;
        process.env.FLY_BLUEGREEN_WAIT_BEFORE_CORDON_MS = "0";
        try {
            assert.deepEqual(resolveRolloutTiming(undefined), { waitBeforeCordonMs: 10_000, waitBeforeStopMs: 10_000, leaseTtlSeconds: 13, healthPollMs: 1000, smokeCheckMs: 10_000, secretsWaitMs: 60_000 });
        } finally {
            if (saved === undefined) delete process.env.FLY_BLUEGREEN_WAIT_BEFORE_CORDON_MS;
            else process.env.FLY_BLUEGREEN_WAIT_BEFORE_CORDON_MS = saved;
        }
        const timing = resolveRolloutTiming({ waitBeforeStopMs: 0, leaseTtlSeconds: 0.5 });
        assert.equal(timing.waitBeforeStopMs, 0);
        assert.equal(timing.waitBeforeCordonMs, 10_000);
        assert.equal(timing.leaseTtlSeconds, 2, "Fly takes whole seconds, at least 2 leave room for a refresh");
    });

    it("refuses an unknown key or a negative delay, naming the key", () => {
        const problems = validateMachineGroupInputs("web", { ...inputs, rolloutTiming: { waitBeforeStopMs: -1, drainMs: 5 } as never });
        assert.deepEqual(problems, [
            'MachineGroup "web": rolloutTiming.waitBeforeStopMs must be a number of at least 0, got -1.',
            'MachineGroup "web": rolloutTiming.drainMs is not a rollout timing; use one of waitBeforeCordonMs, waitBeforeStopMs, leaseTtlSeconds, healthPollMs, smokeCheckMs, secretsWaitMs.',
        ]);
        assert.deepEqual(validateMachineGroupInputs("web", { ...inputs, rolloutTiming: { waitBeforeStopMs: 0 } }), []);
    });
});

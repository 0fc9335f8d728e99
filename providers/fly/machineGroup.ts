/**
 * MachineGroup (`pulumi-nodejs:dynamic/fly:MachineGroup`), as the program declares it: N machines per region of one Fly app running one config.
 * Plain args are validated at construction; the provider (machineGroupProvider.ts) runs the rollouts.
 */
import * as pulumi from "@pulumi/pulumi";
import { validateMachineGroupInputs } from "./machineGroupConfig";
import type { FlyMachineConfig, MachineGroupInputs, RolloutStrategy } from "./machineGroupTypes";
import { flyType, withFlyProvider } from "./registration";
import type { RolloutTiming } from "./rollout/timing";

export type { FlyMachineConfig, RolloutStrategy } from "./machineGroupTypes";

/** Arguments of a {@link MachineGroup}. */
export interface MachineGroupArgs {
    /** Name of the Fly app the machines belong to. Changing it replaces the group (new machines in the new app). */
    readonly app: pulumi.Input<string>;
    /**
     * Machines per region, by Fly region code.
     * @example { iad: 2, ams: 1 }
     */
    readonly regions: pulumi.Input<Record<string, pulumi.Input<number>>>;
    /**
     * The machine config, in Fly's snake_case schema (`fly.MachineConfig`). An image without an `@sha256:` digest is
     * pinned to the digest Fly resolves for it when the first machine starts (output `imageRef`).
     */
    readonly config: pulumi.Input<FlyMachineConfig>;
    /**
     * How a change reaches the machines: `rolling` updates in place, `maxUnavailable` at a time, waiting for health;
     * `bluegreen` starts a full new set, switches traffic once it is healthy, then retires the old set after
     * flyctl's drains (10 s before the cordon, 10 s before the stop; `rolloutTiming`) and needs at least one health check; `immediate` updates every machine at
     * once without waiting for health.
     */
    readonly strategy: pulumi.Input<RolloutStrategy>;
    /**
     * Machines a rolling update takes out of service at once.
     * @default 1 (`DEFAULT_MAX_UNAVAILABLE`, machineGroupDefaults.ts)
     */
    readonly maxUnavailable?: pulumi.Input<number>;
    /**
     * How long new machines get to start and pass every check before the rollout is rolled back.
     * @default 300 (`DEFAULT_HEALTH_TIMEOUT_SECONDS`, machineGroupDefaults.ts)
     */
    readonly healthTimeoutSeconds?: pulumi.Input<number>;
    /**
     * The app's secrets version the machines must see (the `Secrets` resource's `version`). A new version rolls the
     * machines, so a secret change reaches them.
     * @default no minimum
     */
    readonly minSecretsVersion?: pulumi.Input<number>;
    /**
     * The rollouts' delays: blue-green's drains, the lease TTL, how often checks are read, the crash-loop window and
     * the wait for new secrets. Each key left out keeps flyctl's value (`DEFAULT_ROLLOUT_TIMING`, rollout/timing.ts);
     * shorter drains than Fly's proxies need cost requests routed to stopped machines. Changing it alone rolls nothing.
     * @default { waitBeforeCordonMs: 10000, waitBeforeStopMs: 10000, leaseTtlSeconds: 13, healthPollMs: 1000, smokeCheckMs: 10000, secretsWaitMs: 60000 }
     */
    readonly rolloutTiming?: pulumi.Input<Partial<RolloutTiming>>;
}

/** A group of Fly machines with zero-downtime rollouts. */
export class MachineGroup extends pulumi.CustomResource {
    /** Ids of the group's machines, by region then id. */
    declare public readonly machineIds: pulumi.Output<string[]>;
    /** The image the machines run, pinned by digest (`repo@sha256:...`). */
    declare public readonly imageRef: pulumi.Output<string>;

    constructor(name: string, args: MachineGroupArgs, opts?: pulumi.CustomResourceOptions) {
        const problems = validateMachineGroupInputs(name, plainValues(args));
        if (problems.length > 0) throw new Error(problems.join("\n"));
        super(
            flyType("MachineGroup"),
            name,
            withFlyProvider("MachineGroup", { ...args, group: name, machineIds: undefined, imageRef: undefined, configHash: undefined, machines: undefined }),
            opts,
        );
    }
}

/** The args known now (not Outputs or promises), for validation at construction; the rest is checked by `check`. */
function plainValues(args: MachineGroupArgs): Partial<MachineGroupInputs> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
        if (value === undefined || pulumi.Output.isInstance(value) || value instanceof Promise) continue;
        if (key === "regions" && Object.values(value as object).some((v) => pulumi.Output.isInstance(v) || v instanceof Promise)) continue;
        if (key === "config" && containsOutput(value)) continue;
        out[key] = value;
    }
    return out as Partial<MachineGroupInputs>;
}

function containsOutput(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsOutput);
    return false;
}

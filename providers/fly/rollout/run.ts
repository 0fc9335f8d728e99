/**
 * State shared by the steps of one rollout: where calls go, the resolved inputs, the image being rolled out (pinned
 * by digest as soon as Fly reports one) and the machines of the group as last seen.
 */
import { type DesiredConfig, desiredConfig, machineName, observedHash, pinnedImageOf, type ResolvedInputs } from "../machineGroupConfig";
import type { FlyMachine } from "../machineGroupTypes";
import { LeaseSet } from "./leases";
import { type ApiContext, createMachine } from "./machinesApi";
import type { RolloutTiming } from "./timing";

/** The image a rollout moves to; unresolved until the first machine on it reports its digest. */
export class TargetImage {
    private pinned: string | undefined;

    constructor(
        private readonly inputs: ResolvedInputs,
        pinned: string | undefined,
    ) {
        this.pinned = pinned;
    }

    get resolved(): boolean {
        return this.pinned !== undefined;
    }

    /** The pinned reference, or the input image when Fly never reported a digest. */
    get imageRef(): string {
        return this.pinned ?? this.inputs.config.image;
    }

    desired(): DesiredConfig {
        return desiredConfig(this.inputs, this.imageRef);
    }

    /** Pins the image from a machine Fly created or updated with the input image. */
    learn(machine: FlyMachine): void {
        if (this.pinned === undefined && machine.config?.image === this.inputs.config.image) this.pinned = pinnedImageOf(machine);
    }

    /** True when the machine already runs the target config (and so needs no update). */
    isCurrent(machine: FlyMachine): boolean {
        const desired = this.desired();
        return observedHash(machine, desired.config) === desired.hash;
    }
}

/** One rollout in progress. */
export class RolloutRun {
    /** The group's machines by id, updated as calls answer. */
    readonly machines: Map<string, FlyMachine>;
    /** Leases held by this rollout (refreshed in the background); `close()` them when it ends. */
    readonly leases: LeaseSet;
    /** Delays and intervals of this rollout (`ctx.timing`). */
    readonly timing: RolloutTiming;

    constructor(
        readonly ctx: ApiContext,
        readonly inputs: ResolvedInputs,
        readonly target: TargetImage,
        existing: readonly FlyMachine[],
    ) {
        // Assigned here, not as a field initializer: Pulumi's closure serializer keeps only the constructor's body.
        this.machines = new Map(existing.map((machine) => [machine.id, machine]));
        this.leases = new LeaseSet(ctx);
        this.timing = ctx.timing;
    }

    /** When a health wait that starts now must end. */
    healthDeadline(): number {
        return Date.now() + this.inputs.healthTimeoutSeconds * 1000;
    }

    /** Records a machine's latest answer and learns the pinned image from it. */
    observe(machine: FlyMachine): FlyMachine {
        this.machines.set(machine.id, machine);
        this.target.learn(machine);
        return machine;
    }

    /** Creates one machine of the group on the target config. */
    async create(region: string, options: { skipServiceRegistration?: boolean; metadata?: Record<string, string> } = {}): Promise<FlyMachine> {
        const config = this.target.desired().config;
        const machine = await createMachine(this.ctx, {
            name: machineName(this.inputs.group, region),
            region,
            config: options.metadata ? { ...config, metadata: { ...config.metadata, ...options.metadata } } : config,
            min_secrets_version: this.inputs.minSecretsVersion,
            skip_service_registration: options.skipServiceRegistration || undefined,
        });
        return this.observe({ ...machine, region: machine.region ?? region });
    }

    /**
     * Runs `step` over `items`: the first alone while the image is unresolved (so the rest use the pinned digest),
     * then the rest concurrently. Settles every started step before rethrowing the first failure.
     */
    async eachResolvingFirst<T, R>(items: readonly T[], step: (item: T) => Promise<R>): Promise<R[]> {
        const results: R[] = [];
        let rest = items;
        if (!this.target.resolved && items.length > 0) {
            results.push(await step(items[0]));
            rest = items.slice(1);
        }
        return [...results, ...(await settleAll(rest.map(step)))];
    }
}

/**
 * Runs `step` over `items` with at most `window` running at once, starting the next as soon as one finishes (a
 * sliding window, not batches). The first runs alone when `spearhead` is set (flyctl's slow start: a bad version
 * fails on one machine). After a failure no new step starts; the running ones settle, then the first error is thrown.
 */
export async function slidingWindow<T>(items: readonly T[], window: number, spearhead: boolean, step: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    if (spearhead && items.length > 0) {
        next = 1;
        await step(items[0]);
    }
    const worker = async (): Promise<void> => {
        while (!failure && next < items.length) {
            const item = items[next++];
            try {
                await step(item);
            } catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(window, items.length - next)) }, worker));
    if (failure) throw failure.error;
}

/** Like Promise.all, but waits for every promise before rethrowing the first rejection (no step left running). */
export async function settleAll<R>(promises: readonly Promise<R>[]): Promise<R[]> {
    const settled = await Promise.allSettled(promises);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

/** Regions the group's machines should run in, one entry per machine, in a stable order. */
export function slots(regions: Record<string, number>): string[] {
    return Object.keys(regions)
        .sort()
        .flatMap((region) => Array.from({ length: regions[region] }, () => region));
}

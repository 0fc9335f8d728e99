/**
 * Adding and retiring machines: per-region scale up/down, and the stop-then-destroy sequence used by scale down,
 * blue-green's retirement of blue, rollbacks and delete.
 */
import type { FlyMachine } from "../machineGroupTypes";
import { waitHealthy } from "./health";
import { cordon, destroyMachine, type Lease, sleep, stopMachine, waitForState } from "./machinesApi";
import { RolloutFailed } from "./errors";
import { type RolloutRun, settleAll, slots } from "./run";

/** How long a stopping machine gets to exit cleanly before it is destroyed with `force`. */
const STOP_GRACE_MS = 30_000;

/**
 * Stops and destroys a machine under the rollout's lease (taken now if the rollout does not hold one yet): when it
 * may be serving, cordon it first and give the proxies `waitBeforeStopMs` to stop routing to it; then stop, wait
 * for `stopped`, and destroy with `force` (only now, so a machine is never killed mid-request).
 */
export async function retire(run: RolloutRun, machine: FlyMachine, options: { cordon: boolean }): Promise<void> {
    await run.leases.acquire([machine.id]);
    const lease = run.leases.get(machine.id);
    if (options.cordon) {
        await cordon(run.ctx, machine.id, lease);
        await sleep(run.timing.waitBeforeStopMs);
    }
    await stopAndDestroy(run, machine, lease);
}

/** Stop, wait for `stopped`, destroy with `force`; for a machine already cordoned and drained (or never serving). */
export async function stopAndDestroy(run: RolloutRun, machine: FlyMachine, lease: Lease | undefined): Promise<void> {
    await stopMachine(run.ctx, machine.id, lease);
    await waitForState(run.ctx, { id: machine.id }, "stopped", Date.now() + STOP_GRACE_MS);
    await destroyMachine(run.ctx, machine.id, lease, true);
    run.leases.drop(machine.id);
    run.machines.delete(machine.id);
}

export async function retireAll(run: RolloutRun, machines: readonly FlyMachine[], options: { cordon: boolean }): Promise<void> {
    await settleAll(machines.map((m) => retire(run, m, options)));
}

/**
 * Splits the group's machines into those to keep and the extras beyond each region's count (machines in a region no
 * longer listed are all extra). Outdated machines go first, so a scale down never retires an up-to-date one instead.
 */
export function splitExtras(machines: readonly FlyMachine[], regions: Record<string, number>, isCurrent: (m: FlyMachine) => boolean): { keep: FlyMachine[]; extras: FlyMachine[] } {
    const keep: FlyMachine[] = [];
    const extras: FlyMachine[] = [];
    const byRegion = new Map<string, FlyMachine[]>();
    for (const machine of machines) {
        const region = machine.region ?? "";
        byRegion.set(region, [...(byRegion.get(region) ?? []), machine]);
    }
    for (const [region, list] of byRegion) {
        const ordered = [...list].sort((a, b) => Number(isCurrent(b)) - Number(isCurrent(a)) || a.id.localeCompare(b.id));
        const wanted = regions[region] ?? 0;
        keep.push(...ordered.slice(0, wanted));
        extras.push(...ordered.slice(wanted));
    }
    return { keep, extras };
}

/** One region entry per machine that `regions` asks for beyond `present`. */
export function missingSlots(present: readonly FlyMachine[], regions: Record<string, number>): string[] {
    const have = new Map<string, number>();
    for (const machine of present) have.set(machine.region ?? "", (have.get(machine.region ?? "") ?? 0) + 1);
    return slots(regions).filter((region) => {
        const count = have.get(region) ?? 0;
        if (count > 0) {
            have.set(region, count - 1);
            return false;
        }
        return true;
    });
}

/**
 * Creates machines for `regions` (one per entry) on the target config, then, unless `wait` is false, waits until each
 * is healthy. On any failure the machines this call created are destroyed before the error is rethrown.
 */
export async function scaleUp(run: RolloutRun, regions: readonly string[], options: { wait: boolean; skipServiceRegistration?: boolean }): Promise<FlyMachine[]> {
    const created: FlyMachine[] = [];
    try {
        await run.eachResolvingFirst(regions, async (region) => {
            const machine = await run.create(region, { skipServiceRegistration: options.skipServiceRegistration });
            created.push(machine);
            return machine;
        });
        if (options.wait) {
            const deadline = run.healthDeadline();
            await settleAll(created.map(async (m) => run.observe(await waitHealthy(run.ctx, m, deadline, run.inputs.healthTimeoutSeconds))));
        }
        return created.map((m) => run.machines.get(m.id) ?? m);
    } catch (error) {
        const retired = await Promise.allSettled(created.map((m) => retire(run, m, { cordon: !options.skipServiceRegistration })));
        const left = created.filter((_, i) => retired[i].status === "rejected").map((m) => m.id);
        const note =
            left.length === 0
                ? `Rolled back: the ${created.length} machine(s) created were destroyed.`
                : `Rollback left machine(s) ${left.join(", ")}; the next \`pulumi up\` adopts or removes them.`;
        throw new RolloutFailed(run, error, note);
    }
}

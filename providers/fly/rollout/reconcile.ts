/**
 * Brings a group's machines to its inputs with the chosen strategy: lease every machine, destroy what a failed
 * blue-green left behind, scale down extras, roll the outdated machines (rolling/immediate in place, or blue-green),
 * then scale up, and release the leases. Machines already on the target config are left alone,
 * so an interrupted rollout resumes where it stopped and a no-op sends no mutating request.
 */
import { type ResolvedInputs, TAG_CANDIDATE, targetImage } from "../machineGroupConfig";
import type { FlyMachine } from "../machineGroupTypes";
import { blueGreen } from "./bluegreen";
import type { ApiContext } from "./machinesApi";
import { updateInPlace } from "./rolling";
import { RolloutRun, TargetImage } from "./run";
import { missingSlots, retireAll, scaleUp, splitExtras } from "./scale";

export interface ReconcileResult {
    /** The pinned image (`repo@sha256:...`), or the input image when Fly reported no digest. */
    imageRef: string;
    /** The group's machines after the rollout, as Fly last answered for each. */
    machines: FlyMachine[];
}

/**
 * @param previous the input image and pinned reference from the last successful rollout; with the same input image the
 * pinned digest is kept, so a moving tag never changes what runs without an explicit image change.
 */
export async function reconcile(
    ctx: ApiContext,
    inputs: ResolvedInputs,
    existing: readonly FlyMachine[],
    previous?: { image: string; imageRef: string },
): Promise<ReconcileResult> {
    const target = new TargetImage(inputs, targetImage(inputs.config.image, previous));
    const run = new RolloutRun(ctx, inputs, target, existing);
    const isCurrent = (m: FlyMachine) => target.isCurrent(m);
    const wait = inputs.strategy !== "immediate";
    const leftovers = existing.filter((m) => m.config?.metadata?.[TAG_CANDIDATE] !== undefined);
    const machines = existing.filter((m) => !leftovers.includes(m));
    const blueGreenNeeded = inputs.strategy === "bluegreen" && machines.some((m) => !isCurrent(m));
    const { keep, extras } = splitExtras(machines, inputs.regions, isCurrent);
    const stale = keep.filter((m) => !isCurrent(m));
    const missing = missingSlots(keep, inputs.regions);
    if (!blueGreenNeeded && leftovers.length + extras.length + stale.length + missing.length === 0) {
        return { imageRef: target.imageRef, machines: [...run.machines.values()] };
    }
    try {
        // Every machine the rollout may touch is leased before the first change, so a second deploy cannot interleave.
        await run.leases.acquire(existing.map((m) => m.id));
        await retireAll(run, leftovers, { cordon: false });
        if (blueGreenNeeded) {
            await blueGreen(run, machines);
        } else {
            await retireAll(run, extras, { cordon: true });
            await updateInPlace(run, stale, { window: wait ? inputs.maxUnavailable : stale.length, wait });
            await scaleUp(run, missing, { wait });
        }
    } finally {
        await run.leases.close();
    }
    return { imageRef: target.imageRef, machines: [...run.machines.values()] };
}

/**
 * Brings a group's machines to its inputs with the chosen strategy: scale down extras, roll the outdated machines
 * (rolling/immediate in place, or blue-green), then scale up. Machines already on the target config are left alone,
 * so an interrupted rollout resumes where it stopped and a no-op sends no mutating request.
 */
import { type ResolvedInputs, targetImage } from "../machineGroupConfig";
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

    if (inputs.strategy === "bluegreen" && existing.some((m) => !isCurrent(m))) {
        await blueGreen(run, existing);
    } else {
        const { keep, extras } = splitExtras(existing, inputs.regions, isCurrent);
        await retireAll(run, extras, { cordon: true });
        const stale = keep.filter((m) => !isCurrent(m));
        await updateInPlace(run, stale, { batchSize: wait ? inputs.maxUnavailable : stale.length, wait });
        await scaleUp(run, missingSlots(keep, inputs.regions), { wait });
    }
    return { imageRef: target.imageRef, machines: [...run.machines.values()] };
}

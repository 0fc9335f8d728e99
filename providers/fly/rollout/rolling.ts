/**
 * Rolling update, as flyctl does it: every machine is already leased by the rollout (leases taken before the first
 * change, refreshed in the background); outdated machines are updated in place through a sliding window of
 * `maxUnavailable` (the next machine starts as soon as one is started with every check passing), after one
 * spearhead machine alone. On a failed health wait the machines already updated get their previous config back,
 * `maxUnavailable` at a time, so the rollback keeps as many machines serving as the rollout did.
 */
import { pinnedImageOf, TAG_SECRETS } from "../machineGroupConfig";
import type { FlyMachine, FlyMachineConfig } from "../machineGroupTypes";
import { RolloutFailed } from "./errors";
import { waitHealthy } from "./health";
import { updateMachine } from "./machinesApi";
import { type RolloutRun, slidingWindow } from "./run";

/** A machine's config before the rollout touched it. */
interface Previous {
    machine: FlyMachine;
    config: FlyMachineConfig;
}

/** Updates `outdated` machines in place, at most `window` at a time; `wait: false` is the immediate strategy. */
export async function updateInPlace(run: RolloutRun, outdated: readonly FlyMachine[], options: { window: number; wait: boolean }): Promise<void> {
    const updated: Previous[] = [];
    // Immediate has nothing to be slow about, except pinning the image on the first machine.
    const spearhead = options.wait || !run.target.resolved;
    try {
        await slidingWindow(outdated, options.window, spearhead, async (machine) => {
            // A rollback restores the digest the machine ran, never a tag that may have moved since.
            const previous = machine.config && { ...machine.config, image: pinnedImageOf(machine) ?? machine.config.image };
            const answer = await updateMachine(
                run.ctx,
                machine.id,
                { config: run.target.desired().config, min_secrets_version: run.inputs.minSecretsVersion },
                run.leases.get(machine.id),
            );
            if (previous) updated.push({ machine, config: previous });
            const current = run.observe({ ...answer, region: answer.region ?? machine.region });
            if (options.wait) run.observe(await waitHealthy(run.ctx, current, run.healthDeadline(), run.inputs.healthTimeoutSeconds));
        });
    } catch (error) {
        const note = await rollBack(run, updated, options.window);
        throw new RolloutFailed(run, error, note);
    }
}

/**
 * Restores each updated machine's previous config (and the secrets version it ran with), `window` at a time,
 * waiting for each to be healthy again. Returns a sentence for the error message; never throws, so the rollout's own
 * error wins.
 */
async function rollBack(run: RolloutRun, updated: readonly Previous[], window: number): Promise<string> {
    if (updated.length === 0) return "No machine had been updated; the previous machines keep serving.";
    const problems: string[] = [];
    // The failing machines first: they are already out of service.
    const ordered = [...updated].reverse();
    await slidingWindow(ordered, window, false, async ({ machine, config }) => {
        try {
            const secrets = config.metadata?.[TAG_SECRETS];
            const answer = await updateMachine(run.ctx, machine.id, { config, min_secrets_version: secrets === undefined ? undefined : Number(secrets) }, run.leases.get(machine.id));
            const restored = { ...answer, region: answer.region ?? machine.region };
            run.machines.set(machine.id, restored);
            await waitHealthy(run.ctx, restored, run.healthDeadline(), run.inputs.healthTimeoutSeconds);
        } catch (error) {
            problems.push(error instanceof Error ? error.message : String(error));
        }
    });
    const ids = updated.map((p) => p.machine.id).join(", ");
    return problems.length === 0
        ? `Rolled back: machine(s) ${ids} restored to the previous config and healthy; the previous version keeps serving.`
        : `Rollback of machine(s) ${ids} was incomplete (${problems.join("; ")}); check the app with \`fly status -a ${run.ctx.app}\`.`;
}

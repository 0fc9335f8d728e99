/**
 * Rolling update, as flyctl does it: machines are updated in place in batches of at most `maxUnavailable`, each under
 * a lease (its nonce on every mutating call), and the next batch starts only once the batch is started with every
 * check passing. On a failed health wait the machines already updated get their previous config back, batch by batch
 * so the rollback keeps as many machines serving as the rollout did.
 */
import { pinnedImageOf, TAG_SECRETS } from "../machineGroupConfig";
import type { FlyMachine, FlyMachineConfig } from "../machineGroupTypes";
import { RolloutFailed } from "./errors";
import { waitHealthy } from "./health";
import { type Lease, updateMachine, withLeases } from "./machinesApi";
import { type RolloutRun, settleAll } from "./run";

/** A machine's config before the rollout touched it. */
interface Previous {
    machine: FlyMachine;
    config: FlyMachineConfig;
}

/** Updates `outdated` machines in place, `batchSize` at a time; `wait: false` is the immediate strategy. */
export async function updateInPlace(run: RolloutRun, outdated: readonly FlyMachine[], options: { batchSize: number; wait: boolean }): Promise<void> {
    const updated: Previous[] = [];
    const batches = chunk(outdated, options.batchSize);
    for (const batch of batches) {
        await withLeases(run.ctx, batch.map((m) => m.id), run.leaseTtlSeconds, async (leases) => {
            try {
                const results = await run.eachResolvingFirst(batch, async (machine) => {
                    // A rollback restores the digest the machine ran, never a tag that may have moved since.
                    const previous = machine.config && { ...machine.config, image: pinnedImageOf(machine) ?? machine.config.image };
                    const answer = await update(run, machine, leases.get(machine.id));
                    if (previous) updated.push({ machine, config: previous });
                    return answer;
                });
                if (options.wait) {
                    const deadline = run.healthDeadline();
                    await settleAll(results.map(async (m) => run.observe(await waitHealthy(run.ctx, m, deadline, run.inputs.healthTimeoutSeconds))));
                }
            } catch (error) {
                const note = await rollBack(run, updated, leases, options.batchSize);
                throw new RolloutFailed(run, error, note);
            }
        });
    }
}

async function update(run: RolloutRun, machine: FlyMachine, lease: Lease | undefined): Promise<FlyMachine> {
    const answer = await updateMachine(run.ctx, machine.id, { config: run.target.desired().config, min_secrets_version: run.inputs.minSecretsVersion }, lease);
    return run.observe({ ...answer, region: answer.region ?? machine.region });
}

/**
 * Restores each updated machine's previous config (and the secrets version it ran with), in batches, waiting for each
 * batch to be healthy again. Returns a sentence for the error message; never throws, so the rollout's own error wins.
 */
async function rollBack(run: RolloutRun, updated: readonly Previous[], held: Map<string, Lease>, batchSize: number): Promise<string> {
    if (updated.length === 0) return "No machine had been updated; the previous machines keep serving.";
    const problems: string[] = [];
    // The failing batch first: its machines are already out of service.
    const ordered = [...updated].reverse();
    for (const batch of chunk(ordered, batchSize)) {
        const missing = batch.filter((p) => !held.has(p.machine.id)).map((p) => p.machine.id);
        try {
            await withLeases(run.ctx, missing, run.leaseTtlSeconds, async (leases) => {
                const deadline = run.healthDeadline();
                await settleAll(
                    batch.map(async ({ machine, config }) => {
                        const secrets = config.metadata?.[TAG_SECRETS];
                        const answer = await updateMachine(
                            run.ctx,
                            machine.id,
                            { config, min_secrets_version: secrets === undefined ? undefined : Number(secrets) },
                            held.get(machine.id) ?? leases.get(machine.id),
                        );
                        run.machines.set(machine.id, { ...answer, region: answer.region ?? machine.region });
                        await waitHealthy(run.ctx, { ...answer, region: answer.region ?? machine.region }, deadline, run.inputs.healthTimeoutSeconds);
                    }),
                );
            });
        } catch (error) {
            problems.push(error instanceof Error ? error.message : String(error));
        }
    }
    const ids = updated.map((p) => p.machine.id).join(", ");
    return problems.length === 0
        ? `Rolled back: machine(s) ${ids} restored to the previous config and healthy; the previous version keeps serving.`
        : `Rollback of machine(s) ${ids} was incomplete (${problems.join("; ")}); check the app with \`fly status -a ${run.ctx.app}\`.`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
    return out;
}

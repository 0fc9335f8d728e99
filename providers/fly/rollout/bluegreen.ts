/**
 * Blue-green, in flyctl's order and with flyctl's drain delays: refuse without health checks; blue is leased (by
 * the rollout, before anything changes); create green with `skip_service_registration` (so no proxy routes to it
 * yet) and tagged as a candidate; wait until every green machine is started with every check passing; promote green
 * (drop the candidate tag, then uncordon, which registers it for service); wait `waitBeforeCordonMs` so every proxy
 * sees green; cordon blue; wait `waitBeforeStopMs` so every proxy forgets blue; then stop and destroy blue. If
 * green never becomes healthy it is destroyed and blue, which was never touched, keeps serving; a green machine
 * the rollback cannot destroy keeps its candidate tag, and the next rollout destroys it.
 */
import { configHasChecks, TAG_CANDIDATE } from "../machineGroupConfig";
import type { FlyMachine } from "../machineGroupTypes";
import { RolloutFailed } from "./errors";
import { waitHealthy } from "./health";
import { cordon, deleteMetadata, sleep, uncordon } from "./machinesApi";
import { type RolloutRun, settleAll, slots } from "./run";
import { retire, stopAndDestroy } from "./scale";

export async function blueGreen(run: RolloutRun, blue: readonly FlyMachine[]): Promise<void> {
    if (!configHasChecks(run.inputs.config)) {
        throw new Error(
            `${run.ctx.resource}: strategy "bluegreen" needs at least one health check in config.checks or on a service ` +
                '(green machines take traffic only once their checks pass); add one, or use strategy "rolling".',
        );
    }
    const rolloutId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const green: FlyMachine[] = [];
    try {
        await run.eachResolvingFirst(slots(run.inputs.regions), async (region) => {
            const machine = await run.create(region, { skipServiceRegistration: true, metadata: { [TAG_CANDIDATE]: rolloutId } });
            green.push(machine);
            return machine;
        });
        const deadline = run.healthDeadline();
        await settleAll(green.map(async (m) => run.observe(await waitHealthy(run.ctx, m, deadline, run.inputs.healthTimeoutSeconds))));
        await settleAll(green.map((m) => deleteMetadata(run.ctx, m.id, TAG_CANDIDATE)));
        await settleAll(green.map((m) => uncordon(run.ctx, m.id)));
    } catch (error) {
        const destroyed = await Promise.allSettled(green.map((m) => retire(run, m, { cordon: false })));
        const left = green.filter((_, i) => destroyed[i].status === "rejected").map((m) => m.id);
        const note =
            left.length === 0
                ? `Rolled back: ${green.length} green machine(s) destroyed; the blue machines (${blue.map((m) => m.id).join(", ")}) keep serving.`
                : `Rollback left green machine(s) ${left.join(", ")} (not registered for service, tagged ${TAG_CANDIDATE}); the next \`pulumi up\` removes them.`;
        throw new RolloutFailed(run, error, note);
    }
    // Green serves from here on; blue drains and retires under the leases taken before green existed.
    await sleep(run.timing.waitBeforeCordonMs);
    await settleAll(blue.map((m) => cordon(run.ctx, m.id, run.leases.get(m.id))));
    await sleep(run.timing.waitBeforeStopMs);
    await settleAll(blue.map((m) => stopAndDestroy(run, m, run.leases.get(m.id))));
}

/**
 * Blue-green, in flyctl's order: leases on blue; create green with `skip_service_registration` (so the proxy does not
 * route to it yet); wait until every green machine is started with every check passing; uncordon green (registers it
 * for service); only then cordon, stop and destroy blue. If green never becomes healthy it is destroyed and blue,
 * which was never touched, keeps serving.
 */
import type { FlyMachine } from "../machineGroupTypes";
import { waitHealthy } from "./health";
import { uncordon, withLeases } from "./machinesApi";
import { RolloutFailed } from "./errors";
import { type RolloutRun, settleAll, slots } from "./run";
import { retire, retireLeased } from "./scale";

export async function blueGreen(run: RolloutRun, blue: readonly FlyMachine[]): Promise<void> {
    const green: FlyMachine[] = [];
    await withLeases(run.ctx, blue.map((m) => m.id), run.leaseTtlSeconds, async (leases) => {
        try {
            await run.eachResolvingFirst(slots(run.inputs.regions), async (region) => {
                const machine = await run.create(region, { skipServiceRegistration: true });
                green.push(machine);
                return machine;
            });
            const deadline = run.healthDeadline();
            await settleAll(green.map(async (m) => run.observe(await waitHealthy(run.ctx, m, deadline, run.inputs.healthTimeoutSeconds))));
            await settleAll(green.map((m) => uncordon(run.ctx, m.id)));
        } catch (error) {
            const destroyed = await Promise.allSettled(green.map((m) => retire(run, m, { cordon: false })));
            const left = green.filter((_, i) => destroyed[i].status === "rejected").map((m) => m.id);
            const note =
                left.length === 0
                    ? `Rolled back: ${green.length} green machine(s) destroyed; the blue machines (${blue.map((m) => m.id).join(", ")}) keep serving.`
                    : `Rollback left green machine(s) ${left.join(", ")} (not registered for service); the next \`pulumi up\` removes them.`;
            throw new RolloutFailed(run, error, note);
        }
        // Green serves from here on; blue retires under the leases taken before green existed.
        await settleAll(
            blue.map(async (m) => {
                await retireLeased(run, m, leases.get(m.id), { cordon: true });
                leases.delete(m.id);
            }),
        );
    });
}

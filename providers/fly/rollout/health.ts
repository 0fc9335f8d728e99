/**
 * "Healthy" as flyctl means it: the machine reached `started` (Fly's `wait`, looped) and then every check Fly reports
 * for it passes (polled), all before the rollout's deadline.
 */
import type { FlyMachine } from "../machineGroupTypes";
import { type ApiContext, getMachine, sleep, waitForState } from "./machinesApi";

/** Why a machine was judged unhealthy; names the machine, its region and the failing check. */
export class HealthCheckFailure extends Error {
    constructor(
        readonly machineId: string,
        readonly region: string,
        readonly reason: string,
    ) {
        super(`machine ${machineId} in region ${region} ${reason}`);
        this.name = "HealthCheckFailure";
    }
}

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1000;
const MAX_OUTPUT_CHARS = 200;

/** True when the config asks Fly to run checks, so an empty `checks` list means "not reported yet". */
export function expectsChecks(machine: FlyMachine): boolean {
    const config = machine.config;
    if (!config) return false;
    if (Object.keys(config.checks ?? {}).length > 0) return true;
    return (config.services ?? []).some((service) => (service.checks ?? []).length > 0);
}

/**
 * Resolves once `machine` is started with every check passing; throws `HealthCheckFailure` at `deadline`, naming the
 * first failing check and its output (or that the machine never started).
 */
export async function waitHealthy(ctx: ApiContext, machine: FlyMachine, deadline: number, timeoutSeconds: number): Promise<FlyMachine> {
    const region = machine.region ?? "unknown";
    if (!(await waitForState(ctx, machine, "started", deadline))) {
        throw new HealthCheckFailure(machine.id, region, `did not reach state "started" within ${timeoutSeconds}s (healthTimeoutSeconds)`);
    }
    // Without checks, "started" is healthy. With checks, none passes the instant the machine starts (grace period),
    // so the first read waits one poll interval.
    if (!expectsChecks(machine)) return machine;
    let delay = FIRST_POLL_MS;
    let last: FlyMachine = machine;
    for (;;) {
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
        const current = await getMachine(ctx, machine.id);
        if (!current) throw new HealthCheckFailure(machine.id, region, "was destroyed while the rollout waited for its checks");
        last = current;
        if (current.state === "failed" || current.state === "destroyed") {
            throw new HealthCheckFailure(machine.id, region, `entered state "${current.state}" while the rollout waited for its checks`);
        }
        const checks = current.checks ?? [];
        const pending = expectsChecks(current) && checks.length === 0;
        if (current.state === "started" && !pending && checks.every((c) => c.status === "passing")) return current;
        if (Date.now() >= deadline) break;
        delay = Math.min(MAX_POLL_MS, delay * 2);
    }
    const failing = (last.checks ?? []).find((c) => c.status !== "passing");
    if (failing) {
        const output = (failing.output ?? "").trim().slice(0, MAX_OUTPUT_CHARS) || "(no output)";
        throw new HealthCheckFailure(
            machine.id,
            region,
            `failed check "${failing.name ?? "unnamed"}" (status ${failing.status ?? "unknown"}, output: ${output}) within ${timeoutSeconds}s (healthTimeoutSeconds)`,
        );
    }
    throw new HealthCheckFailure(machine.id, region, `was not started with passing checks within ${timeoutSeconds}s (state "${last.state ?? "unknown"}")`);
}

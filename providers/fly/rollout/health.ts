/**
 * "Healthy" as flyctl means it, and fail-fast where flyctl's smoke checks are: the machine reached `started` (Fly's
 * `wait`, looped), then every check Fly reports for it passes (polled at `healthPollMs`, within Fly's read limit),
 * all before the rollout's deadline. Every read also looks at the machine's exit events: a machine that keeps
 * crashing and restarting (or exited on its own) fails at once, naming the machine and where to read its logs,
 * instead of after the whole health timeout. A machine without checks is watched for crashes for `smokeCheckMs`.
 */
import { configHasChecks } from "../machineGroupConfig";
import type { FlyMachine, FlyMachineEvent } from "../machineGroupTypes";
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

const MAX_OUTPUT_CHARS = 200;

/** The machine's latest exit, when it was not asked for (a crash), else undefined. */
function latestCrash(machine: FlyMachine): { exitCode: number; restarting: boolean; restarts: number } | undefined {
    const exit = (machine.events ?? []).filter((e) => e.type === "exit").sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))[0];
    const request: FlyMachineEvent["request"] = exit?.request ?? {};
    const detail = request.exit_event ?? {};
    if (!exit || detail.requested_stop || (detail.exit_code ?? 0) === 0) return undefined;
    return { exitCode: detail.exit_code ?? 0, restarting: Boolean(detail.restarting), restarts: request.restart_count ?? 0 };
}

/** A sentence when the machine crash-loops (flyctl's rule: restarting after more than one restart, non-zero exit). */
export function crashReport(ctx: ApiContext, machine: FlyMachine, startedAfter: number): string | undefined {
    const crash = latestCrash(machine);
    if (!crash) return undefined;
    const looping = crash.restarting && crash.restarts > 1;
    const exitedForGood = !crash.restarting && machine.state === "stopped";
    // Only exits since the machine's latest launch or update count: a rollback must not trip on the crash it undoes.
    const reset = Math.max(startedAfter, ...(machine.events ?? []).filter((e) => e.type === "launch" || e.type === "update").map((e) => e.timestamp ?? 0));
    const recent = (machine.events ?? []).some((e) => e.type === "exit" && (e.timestamp ?? 0) >= reset);
    if (!recent || !(looping || exitedForGood)) return undefined;
    const what = looping ? `is crash-looping (exit code ${crash.exitCode}, restarted ${crash.restarts} times)` : `exited with code ${crash.exitCode} and was not restarted`;
    return `${what}; read its logs with \`fly logs -a ${ctx.app} --machine ${machine.id}\``;
}

/**
 * Resolves once `machine` is started with every check passing; throws `HealthCheckFailure` at `deadline` (naming
 * the first failing check and its output, or that the machine never started), or as soon as it crash-loops.
 */
export async function waitHealthy(ctx: ApiContext, machine: FlyMachine, deadline: number, timeoutSeconds: number): Promise<FlyMachine> {
    const region = machine.region ?? "unknown";
    const timing = ctx.timing;
    const since = Date.now();
    if (!(await waitForState(ctx, machine, "started", deadline))) {
        const current = await getMachine(ctx, machine.id);
        const crash = current && crashReport(ctx, current, since);
        throw new HealthCheckFailure(machine.id, region, crash ?? `did not reach state "started" within ${timeoutSeconds}s (healthTimeoutSeconds)`);
    }
    // With checks configured, an empty `checks` list means "not reported yet".
    const withChecks = configHasChecks(machine.config);
    // Without checks, a machine that stays up for the smoke window is healthy (flyctl's smoke check).
    const settledAt = withChecks ? deadline : Math.min(deadline, Date.now() + timing.smokeCheckMs);
    let delay = Math.max(1, timing.healthPollMs / 4);
    let last: FlyMachine = machine;
    for (;;) {
        // With checks, none passes the instant the machine starts (grace period), so the first read waits.
        await sleep(Math.min(delay, Math.max(0, settledAt - Date.now())));
        const current = await getMachine(ctx, machine.id);
        if (!current) throw new HealthCheckFailure(machine.id, region, "was destroyed while the rollout waited for its checks");
        last = current;
        const crash = crashReport(ctx, current, since);
        if (crash) throw new HealthCheckFailure(machine.id, region, crash);
        if (current.state === "failed" || current.state === "destroyed") {
            throw new HealthCheckFailure(machine.id, region, `entered state "${current.state}" while the rollout waited for its checks`);
        }
        const checks = current.checks ?? [];
        const pending = withChecks && checks.length === 0;
        if (withChecks && current.state === "started" && !pending && checks.every((c) => c.status === "passing")) return current;
        if (Date.now() >= settledAt) {
            if (!withChecks && current.state === "started") return current;
            break;
        }
        delay = Math.min(timing.healthPollMs, delay * 2);
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

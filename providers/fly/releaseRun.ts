/**
 * One run of a release command on Fly: a short-lived machine (new image, the app's env and secrets, no services,
 * restart `no`, auto-destroy) that must exit 0. Pure Machines API calls; release.ts decides when a run is due.
 *
 * Exactly once: every machine of a run carries the run's key in its metadata. Before creating, the run looks the key
 * up (destroyed machines included): an earlier machine that exited 0 is the run (a retried `up` after a lost answer
 * never migrates twice), one still running is waited for, and a create whose answer was lost is adopted rather than
 * sent again. Whatever else of this release is still alive (an interrupted earlier run, a machine that timed out) is
 * destroyed, so no release machine outlives the step.
 */
import type { FlyMachine, FlyMachineConfig } from "./machineGroupTypes";
import { flyRequest, FlyApiError, seg } from "./client";
import { createOnce } from "./exactlyOnce";
import { label } from "./providerInputs";
import { pace } from "./rollout/pacing";
import { untilSecretsAvailable } from "./rollout/machinesApi";
import { DEFAULT_ROLLOUT_TIMING } from "./rollout/timing";

/** Metadata keys on a release machine. */
export const TAG_RELEASE = "pulumi_release";
export const TAG_RELEASE_KEY = "pulumi_release_key";

/** What a run needs, resolved. */
export interface ReleaseRunSpec {
    app: string;
    /** The Pulumi resource name (tags the machines). */
    release: string;
    /** Identifies this run; the same key never runs twice once it has exited 0. */
    key: string;
    image: string;
    command: string[];
    env: Record<string, string>;
    region?: string;
    guest?: FlyMachineConfig["guest"];
    timeoutSeconds: number;
    minSecretsVersion?: number;
}

/** How the run ended. */
export interface ReleaseOutcome {
    machineId: string;
    exitCode: number;
}

/** A machine as the run reads it: `events` carry the exit code (`request.exit_event.exit_code`). */
interface ReleaseMachine extends FlyMachine {
    events?: { type?: string; timestamp?: number; request?: { exit_event?: { exit_code?: number } } }[];
}

const TERMINAL = new Set(["stopped", "destroying", "destroyed", "failed"]);
const MAX_WAIT_SECONDS = 60;

const resourceOf = (spec: Pick<ReleaseRunSpec, "app" | "release">): string => label("Release", spec.release, spec.app);
const machinesPath = (app: string): string => `/v1/apps/${seg(app)}/machines`;

/** The command to read a release machine's output, for every failure message. */
export function logsCommand(app: string, machineId: string): string {
    return `fly logs -a ${app} --machine ${machineId}`;
}

/** The exit code of the machine's most recent exit, when it has exited. */
export function exitCodeOf(machine: ReleaseMachine): number | undefined {
    const exits = (machine.events ?? []).filter((e) => e.type === "exit" && typeof e.request?.exit_event?.exit_code === "number");
    if (exits.length === 0) return undefined;
    const last = exits.reduce((a, b) => ((b.timestamp ?? 0) > (a.timestamp ?? 0) ? b : a));
    return last.request!.exit_event!.exit_code;
}

/** The machine config of a run: the command instead of the server, nothing the proxy could route to. */
export function releaseMachineConfig(spec: ReleaseRunSpec): FlyMachineConfig & Record<string, unknown> {
    return {
        image: spec.image,
        env: spec.env,
        init: { cmd: spec.command },
        ...(spec.guest ? { guest: spec.guest } : {}),
        restart: { policy: "no" },
        auto_destroy: true,
        metadata: { [TAG_RELEASE]: spec.release, [TAG_RELEASE_KEY]: spec.key },
    };
}

type Where = Pick<ReleaseRunSpec, "app" | "release">;

async function releaseMachines(spec: Where): Promise<ReleaseMachine[]> {
    const all = await flyRequest<ReleaseMachine[] | undefined>({
        method: "GET",
        path: machinesPath(spec.app),
        query: { include_deleted: true },
        resource: resourceOf(spec),
        allowNotFound: true,
    });
    return (all ?? []).filter((m) => m.config?.metadata?.[TAG_RELEASE] === spec.release);
}

async function destroy(spec: Where, id: string): Promise<void> {
    try {
        await flyRequest<unknown>({ method: "DELETE", path: `${machinesPath(spec.app)}/${seg(id)}`, query: { force: true }, resource: resourceOf(spec), allowNotFound: true });
    } catch (error) {
        // Already on its way out (auto-destroy got there first): nothing is left behind.
        if (!(error instanceof FlyApiError && error.status === 412)) throw error;
    }
}

async function getMachine(spec: ReleaseRunSpec, id: string): Promise<ReleaseMachine | undefined> {
    return flyRequest<ReleaseMachine | undefined>({ method: "GET", path: `${machinesPath(spec.app)}/${seg(id)}`, resource: resourceOf(spec), allowNotFound: true });
}

/**
 * Waits until the machine's process has exited, until `deadline` (then `"timeout"`). A machine Fly no longer knows
 * is reported destroyed with no exit code.
 */
async function waitForExit(spec: ReleaseRunSpec, id: string, deadline: number): Promise<ReleaseMachine | "timeout"> {
    for (;;) {
        const machine = await getMachine(spec, id);
        if (!machine) return { id, state: "destroyed" };
        if (TERMINAL.has(machine.state ?? "")) return machine;
        const left = deadline - Date.now();
        if (left <= 0) return "timeout";
        const seconds = Math.max(1, Math.min(MAX_WAIT_SECONDS, Math.ceil(left / 1000)));
        try {
            await flyRequest<unknown>({
                method: "GET",
                path: `${machinesPath(spec.app)}/${seg(id)}/wait`,
                query: { state: "destroyed", timeout: seconds },
                resource: resourceOf(spec),
                timeoutMs: (seconds + 10) * 1000,
            });
        } catch (error) {
            // 408: not yet; 400: the state moved past what was asked (e.g. stopped without auto-destroy). Look again.
            if (!(error instanceof FlyApiError && (error.status === 408 || error.status === 400))) throw error;
        }
    }
}

function failure(spec: ReleaseRunSpec, machineId: string, what: string): Error {
    const command = spec.command.join(" ");
    return new Error(
        `${resourceOf(spec)}: the release command \`${command}\` ${what} on machine ${machineId} (image ${spec.image}); the rollout did not start ` +
            `and nothing that serves traffic has changed. Read its output with \`${logsCommand(spec.app, machineId)}\`, fix the cause, and run the update again ` +
            "(docs/runbooks/failed-migration.md).",
    );
}

/** Runs the release command once (see the file comment); throws when it exits non-zero or outlives its timeout. */
export async function runRelease(spec: ReleaseRunSpec): Promise<ReleaseOutcome> {
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    const previous = await releaseMachines(spec);
    const ours = previous.filter((m) => m.config?.metadata?.[TAG_RELEASE_KEY] === spec.key);
    const done = ours.find((m) => TERMINAL.has(m.state ?? "") && exitCodeOf(m) === 0);
    const running = done ? undefined : ours.find((m) => !TERMINAL.has(m.state ?? ""));
    for (const stale of previous.filter((m) => m.state !== "destroyed" && m !== running)) await destroy(spec, stale.id);
    if (done) return { machineId: done.id, exitCode: 0 };

    const known = new Set(previous.map((m) => m.id));
    const body = { config: releaseMachineConfig(spec), region: spec.region, min_secrets_version: spec.minSecretsVersion, skip_service_registration: true };
    const machine =
        running ??
        (await createOnce(
            // The secrets this run names were set a moment ago: Fly answers 412 "not yet available" until they have
            // propagated, and the create is refused (not applied), so it is safe to send again. Paced like a rollout's.
            () =>
                untilSecretsAvailable(DEFAULT_ROLLOUT_TIMING, () =>
                    flyRequest<ReleaseMachine>({
                        method: "POST",
                        path: machinesPath(spec.app),
                        body,
                        resource: resourceOf(spec),
                        retry: "never",
                        beforeEachAttempt: () => pace(`${spec.app}/-/create`, "action"),
                    }),
                ),
            async () => (await releaseMachines(spec)).find((m) => !known.has(m.id) && m.config?.metadata?.[TAG_RELEASE_KEY] === spec.key),
        ));

    const ended = await waitForExit(spec, machine.id, deadline).catch(async (error: unknown) => {
        // Fly stopped answering mid-run: leave no machine behind. A run that had already exited 0 keeps its exit
        // event, so the next update adopts it instead of running again.
        await destroy(spec, machine.id).catch(() => undefined);
        throw error;
    });
    if (ended === "timeout") {
        await destroy(spec, machine.id);
        throw failure(spec, machine.id, `timed out after ${spec.timeoutSeconds}s (the machine was destroyed)`);
    }
    const exitCode = exitCodeOf(ended);
    if (ended.state !== "destroyed") await destroy(spec, machine.id);
    if (exitCode === undefined) throw failure(spec, machine.id, "stopped without reporting an exit code");
    if (exitCode !== 0) throw failure(spec, machine.id, `exited with code ${exitCode}`);
    return { machineId: machine.id, exitCode };
}

/** Destroys every release machine of `release` that is still alive (when the resource is deleted). */
export async function destroyReleaseMachines(where: Where): Promise<void> {
    for (const machine of await releaseMachines(where)) if (machine.state !== "destroyed") await destroy(where, machine.id);
}

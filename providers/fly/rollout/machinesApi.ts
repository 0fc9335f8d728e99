/**
 * The machine calls a rollout makes, over the shared Fly client, each paced at Fly's rate limit for its machine (or
 * app) and action. Calls that are safe to repeat are retried by the client; a create is never blindly re-sent: after
 * an ambiguous failure it is looked up first. A create or update that names a secrets version Fly has not
 * propagated yet (412 "not yet available") is retried until it is.
 */
import { FlyApiError, type FlyCall, flyRequest } from "../client";
import type { FlyMachine, FlyMachineConfig } from "../machineGroupTypes";
import { pace } from "./pacing";
import { sleep } from "./sleep";
import type { RolloutTiming } from "./timing";

export { sleep } from "./sleep";

/** Header that carries a lease's nonce on every mutating call to a leased machine. */
export const LEASE_HEADER = "fly-machine-lease-nonce";
/** Fly's `wait` blocks at most this long; longer waits loop. */
export const MAX_WAIT_SECONDS = 60;

/** Which app the calls go to and how errors name the resource. */
export interface ApiContext {
    readonly app: string;
    /** e.g. `MachineGroup "web"`; prefixes every error. */
    readonly resource: string;
    /** The delays of this rollout (its MachineGroup's `rolloutTiming` over flyctl's defaults). */
    readonly timing: RolloutTiming;
}

/** A held lease on one machine. */
export interface Lease {
    readonly machineId: string;
    readonly nonce: string;
}

const ATTEMPTS = 6;

function machinesPath(ctx: ApiContext): string {
    return `/apps/${encodeURIComponent(ctx.app)}/machines`;
}

export function machinePath(ctx: ApiContext, id: string, suffix = ""): string {
    return `${machinesPath(ctx)}/${encodeURIComponent(id)}${suffix}`;
}

export function leaseHeaders(lease?: Lease): Record<string, string> | undefined {
    return lease ? { [LEASE_HEADER]: lease.nonce } : undefined;
}

/**
 * Sends a call once its rate-limit token is there, and each retry once its next token is. `action` names Fly's limit bucket (`update`, `lease`, `get`...);
 * `machineId` is omitted for app-level calls (create, list), which Fly limits per app.
 */
export async function paced<T>(ctx: ApiContext, action: string, machineId: string | undefined, call: Omit<FlyCall, "resource">): Promise<T> {
    const key = `${ctx.app}/${machineId ?? "-"}/${action}`;
    return flyRequest<T>({ ...call, resource: ctx.resource, beforeEachAttempt: () => pace(key, call.method === "GET" ? "read" : "action") });
}

/** 429, 5xx, Fly's capacity errors and dropped connections: the call may be made again (after a lookup). */
export function isTransient(error: unknown): boolean {
    if (error instanceof FlyApiError) {
        return error.status === 429 || error.status >= 500 || error.status === 0 || /insufficient_capacity/.test(error.flyError ?? "");
    }
    return true;
}

/** True for Fly's answer to a `min_secrets_version` it has not propagated yet. */
export function isSecretsNotYetAvailable(error: unknown): boolean {
    return error instanceof FlyApiError && error.status === 412 && /secret/i.test(error.flyError ?? "") && /not yet available/i.test(error.flyError ?? "");
}

/** Runs `send` again while Fly answers that the secrets version is not yet available, up to `secretsWaitMs`. */
export async function untilSecretsAvailable<T>(timing: Pick<RolloutTiming, "secretsWaitMs" | "healthPollMs">, send: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + timing.secretsWaitMs;
    for (let attempt = 0; ; attempt++) {
        try {
            return await send();
        } catch (error) {
            if (!isSecretsNotYetAvailable(error) || Date.now() >= deadline) throw error;
            await sleep(Math.min(timing.healthPollMs * 2 ** Math.min(attempt, 3), Math.max(0, deadline - Date.now())));
        }
    }
}

export function backoffMs(attempt: number): number {
    return Math.min(4000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

/** The app's machines; undefined when `allowNotFound` and the app does not exist. */
export async function listMachines(ctx: ApiContext, options: { allowNotFound: true }): Promise<FlyMachine[] | undefined>;
export async function listMachines(ctx: ApiContext, options?: { allowNotFound?: boolean }): Promise<FlyMachine[]>;
export async function listMachines(ctx: ApiContext, options: { allowNotFound?: boolean } = {}): Promise<FlyMachine[] | undefined> {
    const machines = await paced<FlyMachine[] | undefined>(ctx, "list", undefined, { method: "GET", path: machinesPath(ctx), retry: "safe", allowNotFound: options.allowNotFound });
    if (machines === undefined || machines === null) return options.allowNotFound ? undefined : [];
    return machines;
}

export async function getMachine(ctx: ApiContext, id: string): Promise<FlyMachine | undefined> {
    return paced<FlyMachine | undefined>(ctx, "get", id, { method: "GET", path: machinePath(ctx, id), retry: "safe", allowNotFound: true });
}

/** Body of a machine create; `name` is required so a lost answer can be found again. */
export interface CreateMachineBody {
    name: string;
    region: string;
    config: FlyMachineConfig;
    min_secrets_version?: number;
    skip_service_registration?: boolean;
}

/**
 * Creates a machine exactly once: after a transient failure the app's machines are searched for the attempt's unique
 * name before the request is sent again, so faults never leave a duplicate.
 */
export async function createMachine(ctx: ApiContext, body: CreateMachineBody): Promise<FlyMachine> {
    for (let attempt = 0; ; attempt++) {
        try {
            return await untilSecretsAvailable(ctx.timing, () => paced<FlyMachine>(ctx, "create", undefined, { method: "POST", path: machinesPath(ctx), body, retry: "never" }));
        } catch (error) {
            if (!isTransient(error) || attempt >= ATTEMPTS - 1) throw error;
            const existing = (await listMachines(ctx)).find((m) => m.name === body.name);
            if (existing) return existing;
            await sleep(backoffMs(attempt));
        }
    }
}

/** Updates a machine's config (Fly restarts it on the new version). Re-sending the same config is harmless. */
export async function updateMachine(
    ctx: ApiContext,
    id: string,
    body: { config: FlyMachineConfig; min_secrets_version?: number },
    lease?: Lease,
): Promise<FlyMachine> {
    return untilSecretsAvailable(ctx.timing, () => paced<FlyMachine>(ctx, "update", id, { method: "POST", path: machinePath(ctx, id), body, headers: leaseHeaders(lease), retry: "safe" }));
}

/** Sets one metadata key without restarting the machine. */
export async function setMetadata(ctx: ApiContext, id: string, key: string, value: string, lease?: Lease): Promise<void> {
    await paced<unknown>(ctx, "metadata", id, {
        method: "POST",
        path: machinePath(ctx, id, `/metadata/${encodeURIComponent(key)}`),
        body: { value },
        headers: leaseHeaders(lease),
        retry: "safe",
    });
}

/** Removes one metadata key without restarting the machine; a key already gone is fine. */
export async function deleteMetadata(ctx: ApiContext, id: string, key: string, lease?: Lease): Promise<void> {
    await paced<unknown>(ctx, "metadata", id, {
        method: "DELETE",
        path: machinePath(ctx, id, `/metadata/${encodeURIComponent(key)}`),
        headers: leaseHeaders(lease),
        retry: "safe",
        allowNotFound: true,
    });
}

/**
 * Waits until the machine reaches `state`, looping Fly's `wait` (at most 60 s a call, 408 on timeout) until the
 * deadline. Returns false when the deadline passes first.
 */
export async function waitForState(ctx: ApiContext, machine: { id: string; instance_id?: string }, state: "started" | "stopped", deadline: number): Promise<boolean> {
    for (;;) {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        if (left <= 0) return false;
        const timeout = Math.min(MAX_WAIT_SECONDS, left);
        try {
            await paced<unknown>(ctx, "wait", machine.id, {
                method: "GET",
                path: machinePath(ctx, machine.id, "/wait"),
                query: { state, timeout, version: machine.instance_id },
                retry: "safe",
                timeoutMs: (timeout + 10) * 1000,
            });
            return true;
        } catch (error) {
            if (!(error instanceof FlyApiError && error.status === 408)) throw error;
        }
    }
}

function lifecycle(action: "cordon" | "uncordon" | "stop"): (ctx: ApiContext, id: string, lease?: Lease) => Promise<void> {
    return async (ctx, id, lease) => {
        await paced<unknown>(ctx, action, id, { method: "POST", path: machinePath(ctx, id, `/${action}`), headers: leaseHeaders(lease), retry: "safe", allowNotFound: action === "stop" });
    };
}

export const cordon = lifecycle("cordon");
export const uncordon = lifecycle("uncordon");
export const stopMachine = lifecycle("stop");

/** Destroys a machine. `force` only once it has been stopped: Fly refuses to destroy a running machine without it. */
export async function destroyMachine(ctx: ApiContext, id: string, lease?: Lease, force = false): Promise<void> {
    await paced<unknown>(ctx, "destroy", id, {
        method: "DELETE",
        path: machinePath(ctx, id),
        query: force ? { force: true } : undefined,
        headers: leaseHeaders(lease),
        retry: "safe",
        allowNotFound: true,
    });
}

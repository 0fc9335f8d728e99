/**
 * The machine calls a rollout makes, over the shared Fly client. Calls that are safe to repeat are retried by the
 * client; a create and a lease are never blindly re-sent: after an ambiguous failure they are looked up first.
 */
import { FlyApiError, flyRequest } from "../client";
import type { FlyMachine, FlyMachineConfig } from "../machineGroupTypes";

/** Header that carries a lease's nonce on every mutating call to a leased machine. */
export const LEASE_HEADER = "fly-machine-lease-nonce";
/** Fly's `wait` blocks at most this long; longer waits loop. */
export const MAX_WAIT_SECONDS = 60;

/** Which app the calls go to and how errors name the resource. */
export interface ApiContext {
    readonly app: string;
    /** e.g. `MachineGroup "web"`; prefixes every error. */
    readonly resource: string;
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

function machinePath(ctx: ApiContext, id: string, suffix = ""): string {
    return `${machinesPath(ctx)}/${encodeURIComponent(id)}${suffix}`;
}

function leaseHeaders(lease?: Lease): Record<string, string> | undefined {
    return lease ? { [LEASE_HEADER]: lease.nonce } : undefined;
}

/** 429, 5xx, Fly's capacity errors and dropped connections: the call may be made again (after a lookup). */
export function isTransient(error: unknown): boolean {
    if (error instanceof FlyApiError) {
        return error.status === 429 || error.status >= 500 || error.status === 0 || /insufficient_capacity/.test(error.flyError ?? "");
    }
    return true;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function backoffMs(attempt: number): number {
    return Math.min(4000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

/** The app's machines; undefined when `allowNotFound` and the app does not exist. */
export async function listMachines(ctx: ApiContext, options: { allowNotFound: true }): Promise<FlyMachine[] | undefined>;
export async function listMachines(ctx: ApiContext, options?: { allowNotFound?: boolean }): Promise<FlyMachine[]>;
export async function listMachines(ctx: ApiContext, options: { allowNotFound?: boolean } = {}): Promise<FlyMachine[] | undefined> {
    const machines = await flyRequest<FlyMachine[] | undefined>({ method: "GET", path: machinesPath(ctx), resource: ctx.resource, retry: "safe", allowNotFound: options.allowNotFound });
    if (machines === undefined || machines === null) return options.allowNotFound ? undefined : [];
    return machines;
}

export async function getMachine(ctx: ApiContext, id: string): Promise<FlyMachine | undefined> {
    return flyRequest<FlyMachine | undefined>({ method: "GET", path: machinePath(ctx, id), resource: ctx.resource, retry: "safe", allowNotFound: true });
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
            return await flyRequest<FlyMachine>({ method: "POST", path: machinesPath(ctx), body, resource: ctx.resource, retry: "never" });
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
    return flyRequest<FlyMachine>({ method: "POST", path: machinePath(ctx, id), body, headers: leaseHeaders(lease), resource: ctx.resource, retry: "safe" });
}

/**
 * Takes a lease on a machine. The description carries a unique token so that, when the answer is lost, a lookup
 * tells our own lease from someone else's instead of failing on "already leased".
 */
export async function acquireLease(ctx: ApiContext, machineId: string, ttlSeconds: number): Promise<Lease> {
    const description = `pulumi ${ctx.resource} ${Math.random().toString(36).slice(2, 10)}`;
    for (let attempt = 0; ; attempt++) {
        try {
            const answer = await flyRequest<LeaseAnswer>({
                method: "POST",
                path: machinePath(ctx, machineId, "/lease"),
                body: { ttl: Math.ceil(ttlSeconds), description },
                resource: ctx.resource,
                retry: "never",
            });
            const nonce = leaseOf(answer)?.nonce;
            if (!nonce) throw new Error(`${ctx.resource}: Fly granted a lease on machine ${machineId} without a nonce; retry the update.`);
            return { machineId, nonce };
        } catch (error) {
            const held = error instanceof FlyApiError && error.status === 409;
            if ((!isTransient(error) && !held) || attempt >= ATTEMPTS - 1) {
                if (held) throw leaseHeldError(ctx, machineId);
                throw error;
            }
            const current = leaseOf(
                await flyRequest<LeaseAnswer | undefined>({ method: "GET", path: machinePath(ctx, machineId, "/lease"), resource: ctx.resource, retry: "safe", allowNotFound: true }),
            );
            if (current?.description === description && current.nonce) return { machineId, nonce: current.nonce };
            if (held && current?.nonce && current.description !== description) throw leaseHeldError(ctx, machineId);
            await sleep(backoffMs(attempt));
        }
    }
}

function leaseHeldError(ctx: ApiContext, machineId: string): Error {
    return new Error(
        `${ctx.resource}: machine ${machineId} in app ${ctx.app} is leased by another deploy. Wait for it to finish ` +
            `(leases expire), or clear a stale lease with \`fly machine leases clear ${machineId} -a ${ctx.app}\`, then run the update again.`,
    );
}

type LeaseBody = { nonce?: string; description?: string; expires_at?: number };
type LeaseAnswer = LeaseBody & { data?: LeaseBody };

function leaseOf(answer: LeaseAnswer | undefined): LeaseBody | undefined {
    if (!answer) return undefined;
    return answer.data ?? answer;
}

/** Releases a lease; a lease already gone (expired, machine destroyed) is fine. */
export async function releaseLease(ctx: ApiContext, lease: Lease): Promise<void> {
    await flyRequest<unknown>({
        method: "DELETE",
        path: machinePath(ctx, lease.machineId, "/lease"),
        headers: leaseHeaders(lease),
        resource: ctx.resource,
        retry: "safe",
        allowNotFound: true,
    });
}

/** Runs `work` holding leases on `machineIds`, releasing them afterwards whatever happens. */
export async function withLeases<T>(ctx: ApiContext, machineIds: readonly string[], ttlSeconds: number, work: (leases: Map<string, Lease>) => Promise<T>): Promise<T> {
    const leases = new Map<string, Lease>();
    try {
        for (const lease of await Promise.all(machineIds.map((id) => acquireLease(ctx, id, ttlSeconds)))) leases.set(lease.machineId, lease);
        return await work(leases);
    } finally {
        await Promise.allSettled([...leases.values()].map((lease) => releaseLease(ctx, lease)));
    }
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
            await flyRequest<unknown>({
                method: "GET",
                path: machinePath(ctx, machine.id, "/wait"),
                query: { state, timeout, version: machine.instance_id },
                resource: ctx.resource,
                retry: "safe",
                timeoutMs: (timeout + 10) * 1000,
            });
            return true;
        } catch (error) {
            if (!(error instanceof FlyApiError && error.status === 408)) throw error;
        }
    }
}

export async function cordon(ctx: ApiContext, id: string, lease?: Lease): Promise<void> {
    await flyRequest<unknown>({ method: "POST", path: machinePath(ctx, id, "/cordon"), headers: leaseHeaders(lease), resource: ctx.resource, retry: "safe" });
}

export async function uncordon(ctx: ApiContext, id: string, lease?: Lease): Promise<void> {
    await flyRequest<unknown>({ method: "POST", path: machinePath(ctx, id, "/uncordon"), headers: leaseHeaders(lease), resource: ctx.resource, retry: "safe" });
}

export async function stopMachine(ctx: ApiContext, id: string, lease?: Lease): Promise<void> {
    await flyRequest<unknown>({ method: "POST", path: machinePath(ctx, id, "/stop"), headers: leaseHeaders(lease), resource: ctx.resource, retry: "safe", allowNotFound: true });
}

/** Destroys a machine. `force` only once it has been stopped: Fly refuses to destroy a running machine without it. */
export async function destroyMachine(ctx: ApiContext, id: string, lease?: Lease, force = false): Promise<void> {
    await flyRequest<unknown>({
        method: "DELETE",
        path: machinePath(ctx, id),
        query: force ? { force: true } : undefined,
        headers: leaseHeaders(lease),
        resource: ctx.resource,
        retry: "safe",
        allowNotFound: true,
    });
}

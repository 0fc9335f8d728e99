/**
 * Leases as flyctl holds them: every machine a rollout may touch is leased before the first change, the leases are
 * refreshed in the background (every `(ttl - 1) / 3` s, so a slow health wait never outlives them), and all are
 * released at the end whatever happens. A short TTL means a crashed deploy frees its machines within seconds.
 */
import { FlyApiError } from "../client";
import { type ApiContext, backoffMs, isTransient, type Lease, leaseHeaders, machinePath, paced } from "./machinesApi";
import { sleep } from "./sleep";

type LeaseBody = { nonce?: string; description?: string; expires_at?: number };
type LeaseAnswer = LeaseBody & { data?: LeaseBody };

const ATTEMPTS = 6;

function leaseOf(answer: LeaseAnswer | undefined): LeaseBody | undefined {
    if (!answer) return undefined;
    return answer.data ?? answer;
}

/**
 * Takes a lease on a machine. The description carries a unique token so that, when the answer is lost, a lookup
 * tells our own lease from someone else's instead of failing on "already leased".
 */
export async function acquireLease(ctx: ApiContext, machineId: string, ttlSeconds: number): Promise<Lease> {
    const description = `pulumi ${ctx.resource} ${Math.random().toString(36).slice(2, 10)}`;
    for (let attempt = 0; ; attempt++) {
        try {
            const answer = await paced<LeaseAnswer>(ctx, "lease", machineId, {
                method: "POST",
                path: machinePath(ctx, machineId, "/lease"),
                body: { ttl: Math.ceil(ttlSeconds), description },
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
                await paced<LeaseAnswer | undefined>(ctx, "lease-get", machineId, { method: "GET", path: machinePath(ctx, machineId, "/lease"), retry: "safe", allowNotFound: true }),
            );
            if (current?.description === description && current.nonce) return { machineId, nonce: current.nonce };
            if (held && current?.nonce && current.description !== description) throw leaseHeldError(ctx, machineId);
            await sleep(backoffMs(attempt));
        }
    }
}

/** Extends a held lease by `ttlSeconds` from now (Fly refreshes when the call carries the lease's nonce). */
export async function refreshLease(ctx: ApiContext, lease: Lease, ttlSeconds: number): Promise<void> {
    await paced<unknown>(ctx, "lease", lease.machineId, {
        method: "POST",
        path: machinePath(ctx, lease.machineId, "/lease"),
        body: { ttl: Math.ceil(ttlSeconds) },
        headers: leaseHeaders(lease),
        retry: "safe",
    });
}

export function leaseHeldError(ctx: ApiContext, machineId: string): Error {
    return new Error(
        `${ctx.resource}: machine ${machineId} in app ${ctx.app} is leased by another deploy. Wait for it to finish ` +
            `(leases expire), or clear a stale lease with \`fly machine leases clear ${machineId} -a ${ctx.app}\`, then run the update again.`,
    );
}

/** Releases a lease; a lease already gone (expired, machine destroyed) is fine. */
export async function releaseLease(ctx: ApiContext, lease: Lease): Promise<void> {
    await paced<unknown>(ctx, "lease", lease.machineId, {
        method: "DELETE",
        path: machinePath(ctx, lease.machineId, "/lease"),
        headers: leaseHeaders(lease),
        retry: "safe",
        allowNotFound: true,
    });
}

/** The leases one rollout holds, refreshed in the background until released. */
export class LeaseSet {
    private readonly held: Map<string, Lease>;
    private readonly timers: Map<string, NodeJS.Timeout>;
    private readonly ttlSeconds: number;
    private released: boolean;

    constructor(private readonly ctx: ApiContext) {
        // Assigned here, not as field initializers: Pulumi's closure serializer keeps only the constructor's body.
        this.held = new Map();
        this.timers = new Map();
        this.ttlSeconds = ctx.timing.leaseTtlSeconds;
        this.released = false;
    }

    /** Leases every machine in `ids` (all or none: on any failure the ones taken are released and the error thrown). */
    async acquire(ids: readonly string[]): Promise<void> {
        const results = await Promise.allSettled(ids.filter((id) => !this.held.has(id)).map((id) => acquireLease(this.ctx, id, this.ttlSeconds)));
        for (const result of results) if (result.status === "fulfilled") this.keep(result.value);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) {
            await this.releaseAll();
            throw failed.reason;
        }
    }

    get(id: string): Lease | undefined {
        return this.held.get(id);
    }

    /** Forgets a lease that went with its machine (destroyed): nothing to refresh or release. */
    drop(id: string): void {
        clearTimeout(this.timers.get(id));
        this.timers.delete(id);
        this.held.delete(id);
    }

    /** Releases every lease still held and stops refreshing. Never throws. */
    async releaseAll(): Promise<void> {
        const leases = [...this.held.values()];
        for (const id of [...this.held.keys()]) this.drop(id);
        await Promise.allSettled(leases.map((lease) => releaseLease(this.ctx, lease)));
    }

    /** Releases everything once; later calls are no-ops. */
    async close(): Promise<void> {
        if (this.released) return;
        this.released = true;
        await this.releaseAll();
    }

    private keep(lease: Lease): void {
        this.held.set(lease.machineId, lease);
        this.schedule(lease);
    }

    private schedule(lease: Lease): void {
        const every = ((this.ttlSeconds - 1) / 3) * 1000;
        const timer = setTimeout(() => {
            if (this.held.get(lease.machineId) !== lease) return;
            // A failed refresh is not fatal here: the next one may succeed, and a lost lease shows as a 409 on the
            // next mutating call, which fails the rollout with the lease error.
            refreshLease(this.ctx, lease, this.ttlSeconds).then(
                () => this.held.get(lease.machineId) === lease && this.schedule(lease),
                () => this.held.get(lease.machineId) === lease && this.schedule(lease),
            );
        }, every);
        this.timers.set(lease.machineId, timer);
    }
}

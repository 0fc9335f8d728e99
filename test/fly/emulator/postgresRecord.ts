/**
 * What the emulator keeps per Managed Postgres cluster, how it renders it (`PostgresCluster`,
 * `PostgresClusterSummary`), and the checks every route shares: the cluster exists, is not being deleted, and its
 * pg-admin answers (otherwise 503 + `Retry-After`, as Fly's spec says for databases, users and credentials).
 */
import { mpgSchema } from "./postgresSpec";
import { fail, type PostgresClusterRecord, type Reply, type RouteContext } from "./types";

/** CPUs and memory per plan (flyctl's plan table); the spec's plan slugs, lowercased. */
const PLAN_SIZES: Record<string, { cpus: number; cpuKind: "shared" | "performance"; memoryMb: number }> = {
    basic: { cpus: 2, cpuKind: "shared", memoryMb: 1024 },
    starter: { cpus: 2, cpuKind: "shared", memoryMb: 2048 },
    launch: { cpus: 2, cpuKind: "performance", memoryMb: 8192 },
    scale: { cpus: 4, cpuKind: "performance", memoryMb: 33792 },
    performance: { cpus: 8, cpuKind: "performance", memoryMb: 65536 },
};

function attachedApps(cluster: PostgresClusterRecord): { name: string }[] {
    return [...cluster.attachments.keys()].map((name) => ({ name }));
}

/** `PostgresCluster`; `endpoints` only once the cluster is ready, as the spec says. */
export function renderCluster(cluster: PostgresClusterRecord): Record<string, unknown> {
    const size = PLAN_SIZES[cluster.plan.toLowerCase()] ?? PLAN_SIZES.basic;
    const host = `${cluster.id}.pg.flympg.net`;
    return {
        id: cluster.id,
        name: cluster.name,
        status: cluster.status,
        region: cluster.region,
        plan: cluster.plan,
        disk_size_gb: cluster.diskSizeGb,
        cpus: size.cpus,
        cpu_kind: size.cpuKind,
        memory_mb: size.memoryMb,
        replicas: 1,
        pg_major_version: cluster.pgMajorVersion,
        postgis_enabled: cluster.postgisEnabled,
        endpoints:
            cluster.status === "ready" ? { primary: { direct: { host: `direct.${host}`, port: 5432 }, pooler: { host: `pgbouncer.${host}`, port: 5432 } } } : {},
        organization: { name: cluster.orgSlug, slug: cluster.orgSlug },
        created_at: cluster.createdAt,
        attached_apps: attachedApps(cluster),
        storage_provisioned_bytes: null,
        storage_used_bytes: null,
    };
}

/** `PostgresClusterSummary` (what the list answers). */
export function renderSummary(cluster: PostgresClusterRecord): Record<string, unknown> {
    return {
        id: cluster.id,
        name: cluster.name,
        plan: cluster.plan,
        region: cluster.region,
        status: cluster.status,
        created_at: cluster.createdAt,
        ...(cluster.deletedAt ? { deleted_at: cluster.deletedAt } : {}),
        attached_apps: attachedApps(cluster),
    };
}

export function isClusterReply(value: PostgresClusterRecord | Reply): value is Reply {
    return !("databases" in value);
}

/** The cluster of `:id`, or Fly's 404. */
export function findCluster(ctx: RouteContext): PostgresClusterRecord | Reply {
    return ctx.state.postgres.get(ctx.params.id) ?? fail(404, "Cluster not found");
}

/** The cluster of `:id` if it is not being deleted, else Fly's 404 or 410 (for the operations whose spec has a 410). */
export function liveCluster(ctx: RouteContext): PostgresClusterRecord | Reply {
    const cluster = findCluster(ctx);
    if (isClusterReply(cluster)) return cluster;
    if (cluster.status === "deleted") return fail(410, "This cluster has been deleted");
    if (cluster.status === "deleting") return fail(410, "This cluster is being deleted");
    return cluster;
}

/** 503 with `Retry-After`, Fly's answer while a cluster's pg-admin is unavailable. */
export function adminUnavailable(ctx: RouteContext, why: string): Reply {
    return { ...fail(503, `pg-admin is unavailable: ${why}; retry after the interval given by the Retry-After header`), headers: { "retry-after": String(ctx.options.postgresRetryAfterSeconds) } };
}

/**
 * The cluster of `:id` if its pg-admin answers: a deleted cluster is 404 (those operations have no 410), one that is
 * not ready yet, failed, being deleted or still warming up is 503.
 */
export function adminCluster(ctx: RouteContext): PostgresClusterRecord | Reply {
    const cluster = findCluster(ctx);
    if (isClusterReply(cluster)) return cluster;
    if (cluster.status === "deleted") return fail(404, "Cluster not found");
    if (cluster.status !== "ready") return adminUnavailable(ctx, `the cluster is ${cluster.status}`);
    if (cluster.adminUnavailableFor > 0) {
        cluster.adminUnavailableFor -= 1;
        return adminUnavailable(ctx, "pg-admin is starting");
    }
    return cluster;
}

/** Problems of the request body against a request schema of the spec (a missing body counts as `{}`). */
export function bodyErrors(ctx: RouteContext, schemaName: string): string[] {
    return ctx.validator.validate(mpgSchema(schemaName), ctx.body ?? {});
}

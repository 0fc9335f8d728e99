/**
 * Managed Postgres routes of the emulator (`/v1/postgres`), exactly the operations of the project's copy of Fly's
 * spec (contracts/fly/managed-postgres-openapi.json): a route the spec does not have is refused when this module
 * loads, and a method the spec does not define on a path (e.g. `PATCH /v1/postgres/{id}`) gets the router's 405.
 *
 * Clusters are asynchronous as on Fly: `creating` → `initializing` → `ready` (or `failed`) over
 * `postgresReadyDelayMs`, and `deleting` → `deleted` over `postgresDeleteDelayMs`; a deleted cluster stays visible
 * (`GET` answers it with status `deleted`, the list with `include_deleted=true`). Bodies and query parameters are
 * checked against the spec, with the statuses it gives (400 for a missing `org_slug`, 422 for invalid attributes,
 * 410 for a cluster being deleted). Databases and users live in ./postgresAdmin.
 */
import { randomBytes } from "node:crypto";
import { postgresAdminRoutes } from "./postgresAdmin";
import {
    bodyErrors,
    findCluster,
    isClusterReply,
    liveCluster,
    renderCluster,
    renderSummary,
} from "./postgresRecord";
import { unknownOrganization, unknownRegion } from "./refusals";
import { mpgHasOperation, mpgSchema } from "./postgresSpec";
import { fail, nowIso, ok, type PostgresClusterRecord, type Route, type RouteContext } from "./types";

export { mpgOperation, mpgOperations, MPG_SPEC_PATH } from "./postgresSpec";
export type { PostgresClusterRecord, PostgresStatus } from "./types";

const PLAN_ENUM = (mpgSchema("createPostgresClusterRequest").properties?.plan?.enum ?? []) as string[];

/** The spec matches plans case-insensitively; the record keeps the spec's spelling (`Performance`). */
function canonicalPlan(value: unknown): unknown {
    return typeof value === "string" ? (PLAN_ENUM.find((p) => p.toLowerCase() === value.toLowerCase()) ?? value) : value;
}

function newId(): string {
    return randomBytes(8).toString("hex");
}

/** Provisions `cluster` in the background, as Fly does after answering 201. */
function provision(ctx: RouteContext, cluster: PostgresClusterRecord): void {
    ctx.state.postgres.set(cluster.id, cluster);
    const total = ctx.options.postgresReadyDelayMs;
    ctx.later(total / 2, () => {
        if (cluster.status === "creating") cluster.status = "initializing";
    });
    ctx.later(total, () => {
        if (cluster.status !== "creating" && cluster.status !== "initializing") return;
        if (ctx.options.postgresFailingRegions.includes(cluster.region)) {
            cluster.status = "failed";
            return;
        }
        cluster.status = "ready";
        cluster.adminUnavailableFor = ctx.options.postgresAdminWarmupRequests;
    });
}

/** A new cluster with `source`'s settings, data and users (fork and restore). */
function copyOf(source: PostgresClusterRecord, name: string): PostgresClusterRecord {
    return {
        ...source,
        id: newId(),
        name,
        status: "creating",
        createdAt: nowIso(),
        deletedAt: undefined,
        adminUnavailableFor: 0,
        databases: new Set(source.databases),
        users: new Map([...source.users].map(([username, user]) => [username, { ...user }])),
        attachments: new Map(),
        backups: [],
    };
}

const clusters: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres",
        spec: "/v1/postgres",
        handle(ctx) {
            const org = ctx.query.get("org_slug");
            if (!org) return fail(400, "org_slug is required and must be a string");
            const missing = unknownOrganization(ctx, org);
            if (missing) return missing;
            const includeDeleted = ctx.query.get("include_deleted");
            if (includeDeleted !== null && includeDeleted !== "true" && includeDeleted !== "false") return fail(422, "include_deleted must be true or false");
            const listed = [...ctx.state.postgres.values()].filter((c) => c.orgSlug === org && (includeDeleted === "true" || c.status !== "deleted"));
            return ok({ data: listed.map(renderSummary) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres",
        spec: "/v1/postgres",
        handle(ctx) {
            const raw = ctx.body as Record<string, unknown> | undefined;
            if (!raw || typeof raw !== "object" || typeof raw.org_slug !== "string" || !raw.org_slug) return fail(400, "org_slug is required and must be a string");
            const body: Record<string, unknown> = raw.plan === undefined ? raw : { ...raw, plan: canonicalPlan(raw.plan) };
            const errors = ctx.validator.validate(mpgSchema("createPostgresClusterRequest"), body);
            if (errors.length > 0) return fail(422, `Invalid attributes: ${errors.join("; ")}`);
            const refused = unknownOrganization(ctx, raw.org_slug) ?? (typeof body.region === "string" ? unknownRegion(body.region) : undefined);
            if (refused) return refused;
            const id = newId();
            const cluster: PostgresClusterRecord = {
                id,
                name: (body.name as string | undefined) || `pg-${id.slice(0, 6)}`,
                orgSlug: raw.org_slug,
                region: body.region as string,
                plan: body.plan as string,
                diskSizeGb: (body.disk_size_gb as number | undefined) ?? 10,
                pgMajorVersion: (body.pg_major_version as "16" | "17" | undefined) ?? "17",
                postgisEnabled: (body.postgis_enabled as boolean | undefined) ?? false,
                poolMode: (body.pool_mode as "session" | "transaction" | undefined) ?? "session",
                status: "creating",
                createdAt: nowIso(),
                adminUnavailableFor: 0,
                databases: new Set(["postgres"]),
                users: new Map(),
                attachments: new Map(),
                backups: [],
            };
            provision(ctx, cluster);
            return ok({ data: renderCluster(cluster) }, 201);
        },
    },
    {
        method: "GET",
        pattern: "/v1/postgres/:id",
        spec: "/v1/postgres/{postgres_cluster_id}",
        handle(ctx) {
            const cluster = findCluster(ctx);
            return isClusterReply(cluster) ? cluster : ok({ data: renderCluster(cluster) });
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id",
        spec: "/v1/postgres/{postgres_cluster_id}",
        handle(ctx) {
            const cluster = liveCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            cluster.status = "deleting";
            ctx.later(ctx.options.postgresDeleteDelayMs, () => {
                cluster.status = "deleted";
                cluster.deletedAt = nowIso();
            });
            return { status: 202 };
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/fork",
        spec: "/v1/postgres/{postgres_cluster_id}/fork",
        handle(ctx) {
            const source = liveCluster(ctx);
            if (isClusterReply(source)) return source;
            const errors = bodyErrors(ctx, "forkPostgresClusterRequest");
            if (errors.length > 0) return fail(422, `Invalid attributes: ${errors.join("; ")}`);
            if (source.status !== "ready") return fail(409, `The source cluster is not ready to be forked yet (it is ${source.status})`);
            const fork = copyOf(source, (ctx.body as { name?: string } | undefined)?.name || `${source.name}-fork`);
            provision(ctx, fork);
            return ok({ data: renderCluster(fork) }, 201);
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/restore",
        spec: "/v1/postgres/{postgres_cluster_id}/restore",
        handle(ctx) {
            const source = findCluster(ctx);
            if (isClusterReply(source)) return source;
            const errors = bodyErrors(ctx, "restorePostgresClusterRequest");
            if (errors.length > 0) return fail(422, `Invalid attributes: ${errors.join("; ")}`);
            const body = (ctx.body ?? {}) as { backup_id?: string; pitr_time?: string; name?: string };
            if ((body.backup_id === undefined) === (body.pitr_time === undefined)) return fail(422, "give exactly one of backup_id or pitr_time");
            if (body.backup_id !== undefined && !source.backups.some((b) => b.id === body.backup_id && b.status === "completed")) {
                return fail(404, `Backup ${body.backup_id} not found for cluster ${source.id}`);
            }
            if (body.pitr_time !== undefined) {
                const at = /(Z|[+-]\d\d:\d\d)$/.test(body.pitr_time) ? Date.parse(body.pitr_time) : NaN;
                if (Number.isNaN(at)) return fail(422, "pitr_time must be an RFC 3339 timestamp with an offset from UTC, e.g. 2026-06-01T12:00:00Z");
                if (at < Date.parse(source.createdAt) || at > Date.now()) return fail(422, "pitr_time is outside the cluster's point-in-time recovery window");
            }
            const restored = copyOf(source, body.name?.trim() || `${source.name}-restore-${newId().slice(0, 4)}`);
            provision(ctx, restored);
            return ok({ data: renderCluster(restored) }, 201);
        },
    },
];

const attachments: Route[] = [
    {
        method: "POST",
        pattern: "/v1/postgres/:id/attachments",
        spec: "/v1/postgres/{postgres_cluster_id}/attachments",
        handle(ctx) {
            const cluster = liveCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            const app = (ctx.body as { app_name?: unknown } | undefined)?.app_name;
            // The spec gives no 400/422 here: an absent or unknown app is "App not found".
            if (bodyErrors(ctx, "createPostgresAttachmentRequest").length > 0 || typeof app !== "string" || !ctx.state.apps.has(app)) return fail(404, "App not found");
            const existing = cluster.attachments.get(app);
            const attachedAt = existing ?? nowIso();
            cluster.attachments.set(app, attachedAt);
            return ok({ data: { app_name: app, attached_at: attachedAt, postgres_cluster_id: cluster.id } }, existing ? 200 : 201);
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/attachments/:app",
        spec: "/v1/postgres/{postgres_cluster_id}/attachments/{app_name}",
        handle(ctx) {
            const cluster = liveCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            if (!ctx.state.apps.has(ctx.params.app)) return fail(404, "App not found");
            if (!cluster.attachments.delete(ctx.params.app)) return fail(404, "Attachment not found");
            return { status: 204 };
        },
    },
];

const backups: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/backups",
        spec: "/v1/postgres/{postgres_cluster_id}/backups",
        handle(ctx) {
            const cluster = findCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            const data = cluster.backups.map((b) => ({ id: b.id, type: b.type, status: b.status, started_at: b.startedAt, finished_at: b.finishedAt, size_bytes: 8192 }));
            return ok({ data });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/backups",
        spec: "/v1/postgres/{postgres_cluster_id}/backups",
        handle(ctx) {
            const cluster = findCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            if (cluster.status === "deleted") return fail(404, "Cluster not found");
            const errors = bodyErrors(ctx, "createPostgresBackupRequest");
            if (errors.length > 0) return fail(422, `Invalid attributes: ${errors.join("; ")}`);
            if (cluster.backups.some((b) => b.status === "running")) return fail(409, "A backup is currently running");
            const backup = { id: `bk-${newId().slice(0, 10)}`, type: (ctx.body as { type: string }).type, status: "running", startedAt: nowIso() } as PostgresClusterRecord["backups"][number];
            cluster.backups.push(backup);
            ctx.later(ctx.options.postgresReadyDelayMs, () => {
                backup.status = "completed";
                backup.finishedAt = nowIso();
            });
            return { status: 202 };
        },
    },
];

/** Every Managed Postgres route. Each names its spec path, and the spec must define its method there. */
export const postgresRoutes: Route[] = [...clusters, ...attachments, ...backups, ...postgresAdminRoutes];

for (const route of postgresRoutes) {
    if (!route.spec || !mpgHasOperation(route.method, route.spec)) {
        throw new Error(`emulator: ${route.method} ${route.pattern} is not an operation of the Managed Postgres spec (${route.spec ?? "no spec path"})`);
    }
}

/**
 * Managed Postgres routes of the emulator (`/v1/postgres`): clusters created asynchronously (`provisioning` →
 * `ready` after `postgresReadyDelayMs`), plan/disk updates, databases, users with credentials, and attachments. The
 * 2026-05 spec snapshot has no schemas for these, so the bodies are checked against schemas written from the later
 * public spec (see contracts/fly/README.md).
 */
import { randomBytes } from "node:crypto";
import { isReply } from "./machines";
import type { Schema } from "./schema";
import { fail, nowIso, ok, type PostgresClusterRecord, type Reply, type Route, type RouteContext } from "./types";

const PLANS = ["basic", "starter", "launch", "scale", "performance"];
const ROLES = ["schema_admin", "writer", "reader"];
const PG_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const createSchema: Schema = {
    type: "object",
    required: ["org_slug", "region", "plan", "disk_size_gb", "pg_major_version"],
    properties: {
        org_slug: { type: "string" },
        region: { type: "string" },
        plan: { type: "string", enum: PLANS },
        name: { type: "string" },
        disk_size_gb: { type: "integer", minimum: 10, maximum: 1000 },
        pg_major_version: { type: "integer", enum: [16, 17] },
        pool_mode: { type: "string", enum: ["session", "transaction", "statement"] },
        postgis_enabled: { type: "boolean" },
    },
};
const updateSchema: Schema = {
    type: "object",
    properties: { plan: { type: "string", enum: PLANS }, disk_size_gb: { type: "integer", minimum: 10, maximum: 1000 } },
};
const databaseSchema: Schema = { type: "object", required: ["name"], properties: { name: { type: "string" } } };
const userSchema: Schema = {
    type: "object",
    required: ["username", "role"],
    properties: { username: { type: "string" }, role: { type: "string", enum: ROLES } },
};
const roleSchema: Schema = { type: "object", required: ["role"], properties: { role: { type: "string", enum: ROLES } } };
const attachmentSchema: Schema = { type: "object", required: ["app_name"], properties: { app_name: { type: "string" } } };

function render(cluster: PostgresClusterRecord): Record<string, unknown> {
    const host = `${cluster.id}.pg.flympg.net`;
    return {
        id: cluster.id,
        name: cluster.name,
        organization: { slug: cluster.orgSlug },
        region: cluster.region,
        plan: cluster.plan,
        disk_size_gb: cluster.diskSizeGb,
        pg_major_version: cluster.pgMajorVersion,
        status: cluster.status,
        created_at: cluster.createdAt,
        endpoints:
            cluster.status === "ready"
                ? { primary: { direct: { host: `direct.${host}`, port: 5432 }, pooler: { host: `pgbouncer.${host}`, port: 5432 } } }
                : undefined,
    };
}

function findCluster(ctx: RouteContext, needReady = false): PostgresClusterRecord | Reply {
    const cluster = ctx.state.postgres.get(ctx.params.id);
    if (!cluster) return fail(404, `postgres cluster ${ctx.params.id} not found`);
    if (needReady && cluster.status !== "ready") return fail(409, `postgres cluster ${cluster.id} is ${cluster.status}, not ready; wait until its status is ready`);
    return cluster;
}

const clusters: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres",
        handle(ctx) {
            const org = ctx.query.get("org_slug");
            return ok({ data: [...ctx.state.postgres.values()].filter((c) => !org || c.orgSlug === org).map(render) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres",
        schema: createSchema,
        bodyRequired: true,
        handle(ctx) {
            const body = ctx.body as { org_slug: string; region: string; plan: string; name?: string; disk_size_gb: number; pg_major_version: number };
            const id = randomBytes(8).toString("hex");
            const cluster: PostgresClusterRecord = {
                id,
                name: body.name ?? `pg-${id.slice(0, 6)}`,
                orgSlug: body.org_slug,
                region: body.region,
                plan: body.plan,
                diskSizeGb: body.disk_size_gb,
                pgMajorVersion: body.pg_major_version,
                status: "provisioning",
                createdAt: nowIso(),
                databases: new Set(["postgres"]),
                users: new Map(),
                attachments: new Set(),
            };
            ctx.state.postgres.set(id, cluster);
            ctx.later(ctx.options.postgresReadyDelayMs, () => {
                if (cluster.status === "provisioning") cluster.status = "ready";
            });
            return ok({ data: render(cluster) }, 201);
        },
    },
    {
        method: "GET",
        pattern: "/v1/postgres/:id",
        handle(ctx) {
            const cluster = findCluster(ctx);
            return isReply(cluster) ? cluster : ok({ data: render(cluster) });
        },
    },
    {
        method: "PATCH",
        pattern: "/v1/postgres/:id",
        schema: updateSchema,
        bodyRequired: true,
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            const body = ctx.body as { plan?: string; disk_size_gb?: number };
            if (body.disk_size_gb !== undefined && body.disk_size_gb < cluster.diskSizeGb) {
                return fail(422, `disk_size_gb cannot shrink: the cluster has ${cluster.diskSizeGb} GB, asked for ${body.disk_size_gb} GB`);
            }
            cluster.plan = body.plan ?? cluster.plan;
            cluster.diskSizeGb = body.disk_size_gb ?? cluster.diskSizeGb;
            return ok({ data: render(cluster) });
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id",
        handle(ctx) {
            const cluster = findCluster(ctx);
            if (isReply(cluster)) return cluster;
            ctx.state.postgres.delete(cluster.id);
            return { status: 202 };
        },
    },
];

const databases: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/databases",
        handle(ctx) {
            const cluster = findCluster(ctx);
            return isReply(cluster) ? cluster : ok({ data: [...cluster.databases].map((name) => ({ name })) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/databases",
        schema: databaseSchema,
        bodyRequired: true,
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            const { name } = ctx.body as { name: string };
            if (!PG_NAME.test(name)) return fail(422, `database name "${name}" must be lowercase letters, digits and underscores`);
            if (cluster.databases.has(name)) return fail(409, `database ${name} already exists`);
            cluster.databases.add(name);
            return ok({ data: { name } }, 201);
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/databases/:name",
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            if (!cluster.databases.delete(ctx.params.name)) return fail(404, `database ${ctx.params.name} not found`);
            return { status: 204 };
        },
    },
];

const users: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/users",
        handle(ctx) {
            const cluster = findCluster(ctx);
            return isReply(cluster) ? cluster : ok({ data: [...cluster.users].map(([username, u]) => ({ username, role: u.role })) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/users",
        schema: userSchema,
        bodyRequired: true,
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            const { username, role } = ctx.body as { username: string; role: string };
            if (!PG_NAME.test(username)) return fail(422, `username "${username}" must be lowercase letters, digits and underscores`);
            if (cluster.users.has(username)) return fail(409, `user ${username} already exists`);
            cluster.users.set(username, { role, password: randomBytes(18).toString("base64url") });
            return ok({ data: { username, role } }, 201);
        },
    },
    {
        method: "PATCH",
        pattern: "/v1/postgres/:id/users/:username",
        schema: roleSchema,
        bodyRequired: true,
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            const user = cluster.users.get(ctx.params.username);
            if (!user) return fail(404, `user ${ctx.params.username} not found`);
            user.role = (ctx.body as { role: string }).role;
            return ok({ data: { username: ctx.params.username, role: user.role } });
        },
    },
    {
        method: "GET",
        pattern: "/v1/postgres/:id/users/:username/credentials",
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            const user = cluster.users.get(ctx.params.username);
            if (!user) return fail(404, `user ${ctx.params.username} not found`);
            return ok({ data: { username: ctx.params.username, password: user.password } });
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/users/:username",
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            if (!cluster.users.delete(ctx.params.username)) return fail(404, `user ${ctx.params.username} not found`);
            return { status: 204 };
        },
    },
];

const attachments: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/attachments",
        handle(ctx) {
            const cluster = findCluster(ctx);
            return isReply(cluster) ? cluster : ok({ data: [...cluster.attachments].map((app_name) => ({ app_name })) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/attachments",
        schema: attachmentSchema,
        bodyRequired: true,
        handle(ctx) {
            const cluster = findCluster(ctx, true);
            if (isReply(cluster)) return cluster;
            const { app_name } = ctx.body as { app_name: string };
            if (!ctx.state.apps.has(app_name)) return fail(404, `app ${app_name} not found`);
            cluster.attachments.add(app_name);
            return ok({ data: { app_name } }, 201);
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/attachments/:app",
        handle(ctx) {
            const cluster = findCluster(ctx);
            if (isReply(cluster)) return cluster;
            if (!cluster.attachments.delete(ctx.params.app)) return fail(404, `attachment ${ctx.params.app} not found`);
            return { status: 204 };
        },
    },
];

/** Every Managed Postgres route. */
export const postgresRoutes: Route[] = [...clusters, ...databases, ...users, ...attachments];

/**
 * The pg-admin-backed Managed Postgres routes: databases, extensions, users, credentials and query insights. Each
 * answers 503 + `Retry-After` while the cluster's pg-admin is unavailable (see `adminCluster`), and validates
 * names and bodies with the statuses of Fly's spec: 422 for a missing or invalid field, 400 for a reserved, system
 * or malformed name, 409 for an existing user.
 */
import { randomBytes } from "node:crypto";
import { adminCluster, bodyErrors, isClusterReply, liveCluster } from "./postgresRecord";
import { fail, ok, type PostgresClusterRecord, type Reply, type Route, type RouteContext } from "./types";

/** The spec's rules: alphanumeric at both ends, `-` and `_` inside, at most 63 characters (usernames lowercase). */
const DATABASE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
const USERNAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const SYSTEM_DATABASES = new Set(["postgres", "template0", "template1"]);
const RESERVED_USERS = new Set(["postgres", "fly-user"]);

/** Extensions the emulator offers: `system` ones are always installed and cannot be disabled. */
const EXTENSIONS: Record<string, { description: string; version: string; system?: boolean; postgis?: boolean }> = {
    plpgsql: { description: "PL/pgSQL procedural language", version: "1.0", system: true },
    citext: { description: "data type for case-insensitive character strings", version: "1.6" },
    pg_trgm: { description: "text similarity measurement and index searching based on trigrams", version: "1.6" },
    vector: { description: "vector data type and ivfflat and hnsw access methods", version: "0.8.0" },
    postgis: { description: "PostGIS geometry and geography spatial types and functions", version: "3.5.2", postgis: true },
};

function databaseNameProblem(name: string): Reply | undefined {
    if (!DATABASE_NAME.test(name)) return fail(400, `Database name ${JSON.stringify(name)} is malformed: use letters, digits, - and _ (alphanumeric at both ends), at most 63 characters`);
    if (SYSTEM_DATABASES.has(name)) return fail(400, `Database ${name} is a system database`);
    return undefined;
}

function usernameProblem(username: string): Reply | undefined {
    if (!USERNAME.test(username)) return fail(400, `Username ${JSON.stringify(username)} is malformed: use lowercase letters, digits, - and _ (alphanumeric at both ends), at most 63 characters`);
    if (RESERVED_USERS.has(username) || username.startsWith("pg_")) return fail(400, `Username ${username} is reserved`);
    return undefined;
}

/** The cluster, and the database of `:database_name` if it exists there (malformed names are 400). */
function adminDatabase(ctx: RouteContext): PostgresClusterRecord | Reply {
    const cluster = adminCluster(ctx);
    if (isClusterReply(cluster)) return cluster;
    if (!DATABASE_NAME.test(ctx.params.database)) return fail(400, "Database name is malformed");
    if (!cluster.databases.has(ctx.params.database)) return fail(404, "Database not found");
    return cluster;
}

/** The cluster, and the user of `:username` if it exists there (reserved and malformed names are 400). */
function adminUser(ctx: RouteContext, cluster: PostgresClusterRecord | Reply = adminCluster(ctx)): PostgresClusterRecord | Reply {
    if (isClusterReply(cluster)) return cluster;
    const problem = usernameProblem(ctx.params.username);
    if (problem) return problem;
    if (!cluster.users.has(ctx.params.username)) return fail(404, "User not found");
    return cluster;
}

function newPassword(): string {
    return randomBytes(24).toString("base64url");
}

/** Installed extensions per cluster and database (name → schema), kept beside the record (which tests edit). */
const extensionsByDatabase = new WeakMap<PostgresClusterRecord, Map<string, Map<string, string>>>();

function installed(cluster: PostgresClusterRecord, database: string): Map<string, string> {
    const perCluster = extensionsByDatabase.get(cluster) ?? new Map<string, Map<string, string>>();
    extensionsByDatabase.set(cluster, perCluster);
    const present = perCluster.get(database) ?? new Map([["plpgsql", "pg_catalog"]]);
    perCluster.set(database, present);
    return present;
}

const databases: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/databases",
        spec: "/v1/postgres/{postgres_cluster_id}/databases",
        handle(ctx) {
            const cluster = adminCluster(ctx);
            return isClusterReply(cluster) ? cluster : ok({ data: [...cluster.databases].map((name) => ({ name })) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/databases",
        spec: "/v1/postgres/{postgres_cluster_id}/databases",
        handle(ctx) {
            const cluster = adminCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            const errors = bodyErrors(ctx, "createPostgresDatabaseRequest");
            if (errors.length > 0) return fail(422, `name is required: ${errors.join("; ")}`);
            const { name } = ctx.body as { name: string };
            const problem = databaseNameProblem(name);
            if (problem) return problem;
            // The spec lists no 409 here; an existing database is a failed creation (400).
            if (cluster.databases.has(name)) return fail(400, `Database ${name} already exists`);
            cluster.databases.add(name);
            return ok({ data: { name } }, 201);
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/databases/:database",
        spec: "/v1/postgres/{postgres_cluster_id}/databases/{database_name}",
        handle(ctx) {
            const cluster = adminCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            const problem = databaseNameProblem(ctx.params.database);
            if (problem) return problem;
            if (!cluster.databases.delete(ctx.params.database)) return fail(404, "Database not found");
            extensionsByDatabase.get(cluster)?.delete(ctx.params.database);
            return ok({ data: { name: ctx.params.database } });
        },
    },
];

const extensions: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/databases/:database/extensions",
        spec: "/v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions",
        handle(ctx) {
            const cluster = adminDatabase(ctx);
            if (isClusterReply(cluster)) return cluster;
            const present = installed(cluster, ctx.params.database);
            const data = Object.entries(EXTENSIONS).map(([name, e]) => ({
                name,
                description: e.description,
                default_version: e.version,
                system: e.system ?? false,
                installed: present.has(name) ? { schema: present.get(name), version: e.version } : null,
            }));
            return ok({ data });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/databases/:database/extensions",
        spec: "/v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions",
        handle(ctx) {
            const cluster = adminDatabase(ctx);
            if (isClusterReply(cluster)) return cluster;
            const errors = bodyErrors(ctx, "enablePostgresExtensionRequest");
            if (errors.length > 0) return fail(422, `Unknown or unsupported extension: ${errors.join("; ")}`);
            const { name, schema = "public" } = ctx.body as { name: string; schema?: string };
            const extension = EXTENSIONS[name];
            if (!extension) return fail(422, `Unknown or unsupported extension ${name}`);
            if (extension.postgis && !cluster.postgisEnabled) return fail(409, "PostGIS is not enabled on this cluster");
            const present = installed(cluster, ctx.params.database);
            if (present.has(name)) return fail(409, `Extension ${name} is already installed in schema ${present.get(name)}`);
            present.set(name, schema);
            return { status: 204 };
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/databases/:database/extensions/:extension",
        spec: "/v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions/{extension_name}",
        handle(ctx) {
            const cluster = adminDatabase(ctx);
            if (isClusterReply(cluster)) return cluster;
            const force = ctx.query.get("force");
            if (force !== null && force !== "true" && force !== "false") return fail(422, "force must be true or false");
            const extension = EXTENSIONS[ctx.params.extension];
            if (!extension) return fail(422, "Invalid extension name");
            if (extension.system) return fail(400, "System extensions cannot be disabled");
            installed(cluster, ctx.params.database).delete(ctx.params.extension);
            return { status: 204 };
        },
    },
];

const users: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/users",
        spec: "/v1/postgres/{postgres_cluster_id}/users",
        handle(ctx) {
            const cluster = adminCluster(ctx);
            return isClusterReply(cluster) ? cluster : ok({ data: [...cluster.users].map(([username, u]) => ({ username, role: u.role })) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/users",
        spec: "/v1/postgres/{postgres_cluster_id}/users",
        handle(ctx) {
            const cluster = adminCluster(ctx);
            if (isClusterReply(cluster)) return cluster;
            const errors = bodyErrors(ctx, "createPostgresUserRequest");
            if (errors.length > 0) return fail(422, `username or role missing, or role invalid: ${errors.join("; ")}`);
            const { username, role } = ctx.body as { username: string; role: string };
            const problem = usernameProblem(username);
            if (problem) return problem;
            if (cluster.users.has(username)) return fail(409, "User already exists");
            cluster.users.set(username, { role, password: newPassword() });
            return ok({ data: { username, role } }, 201);
        },
    },
    {
        method: "PATCH",
        pattern: "/v1/postgres/:id/users/:username",
        spec: "/v1/postgres/{postgres_cluster_id}/users/{username}",
        handle(ctx) {
            const cluster = adminUser(ctx);
            if (isClusterReply(cluster)) return cluster;
            const errors = bodyErrors(ctx, "updatePostgresUserRoleRequest");
            if (errors.length > 0) return fail(422, `role missing or invalid: ${errors.join("; ")}`);
            cluster.users.get(ctx.params.username)!.role = (ctx.body as { role: string }).role;
            return { status: 204 };
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/postgres/:id/users/:username",
        spec: "/v1/postgres/{postgres_cluster_id}/users/{username}",
        handle(ctx) {
            const cluster = adminUser(ctx);
            if (isClusterReply(cluster)) return cluster;
            cluster.users.delete(ctx.params.username);
            return { status: 204 };
        },
    },
    {
        method: "GET",
        pattern: "/v1/postgres/:id/users/:username/credentials",
        spec: "/v1/postgres/{postgres_cluster_id}/users/{username}/credentials",
        handle(ctx) {
            const cluster = adminUser(ctx);
            if (isClusterReply(cluster)) return cluster;
            return ok({ data: { username: ctx.params.username, password: cluster.users.get(ctx.params.username)!.password } });
        },
    },
    {
        method: "POST",
        pattern: "/v1/postgres/:id/users/:username/rotate_password",
        spec: "/v1/postgres/{postgres_cluster_id}/users/{username}/rotate_password",
        handle(ctx) {
            // The one pg-admin operation whose spec has a 410 for a cluster being deleted.
            const live = liveCluster(ctx);
            const cluster = adminUser(ctx, isClusterReply(live) ? live : adminCluster(ctx));
            if (isClusterReply(cluster)) return cluster;
            if (bodyErrors(ctx, "rotatePostgresPasswordRequest").length > 0) return fail(422, "kill_sessions must be true or false");
            const user = cluster.users.get(ctx.params.username)!;
            user.password = newPassword();
            return ok({ data: { username: ctx.params.username, password: user.password } });
        },
    },
];

const queries: Route[] = [
    {
        method: "GET",
        pattern: "/v1/postgres/:id/queries/active",
        spec: "/v1/postgres/{postgres_cluster_id}/queries/active",
        handle(ctx) {
            const cluster = liveCluster(ctx);
            if (isClusterReply(cluster)) return cluster.status === 410 ? fail(404, "Cluster not found") : cluster;
            if (!ctx.query.get("database")) return fail(422, "database must be a non-empty string");
            return ok({ data: [] });
        },
    },
    {
        method: "GET",
        pattern: "/v1/postgres/:id/queries/slow",
        spec: "/v1/postgres/{postgres_cluster_id}/queries/slow",
        handle(ctx) {
            const cluster = liveCluster(ctx);
            if (isClusterReply(cluster)) return cluster.status === 410 ? fail(404, "Cluster not found") : cluster;
            const range = ctx.query.get("range");
            if (range !== null && !(/^\d+$/.test(range) && Number(range) >= 1 && Number(range) <= 604800)) return fail(422, "range must be an integer between 1 and 604800 seconds");
            return ok({ data: [] });
        },
    },
];

/** Every pg-admin-backed Managed Postgres route. */
export const postgresAdminRoutes: Route[] = [...databases, ...extensions, ...users, ...queries];

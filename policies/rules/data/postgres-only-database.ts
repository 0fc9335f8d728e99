/**
 * Production's databases are PostgreSQL: any value that is a database URL, in the Fly secrets or in plain env,
 * under any name (`DATABASE_URL`, `REPORTING_DB`, `analytics_dsn`), must use a PostgreSQL scheme. The engine is
 * judged by the URL's scheme, never by the variable's name, and the URL is never echoed.
 *
 * Known values only: a config secret is known during preview, so an unknown value was computed by a resource of
 * the stack, and the only resources here that compute a database URL are its Postgres ones (whose DATABASE_URL
 * `no-sqlite-in-production` proves by dependency).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { envOf } from "../../lib/env";
import { isObject, isUnknown } from "../../lib/known";
import { configSet, ofType, stackNodes, StackNode } from "../../lib/rule";
import { FLY, DOCKER } from "../../lib/types";
import { databaseEngine, isPostgresEngine } from "../../lib/urls";

const FIX = `point it at PostgreSQL (postgres:// or postgresql://), e.g. Fly Managed Postgres: ${configSet("database.kind", "fly")}`;

export const postgresOnlyDatabase: StackValidationPolicy = {
    name: "postgres-only-database",
    description: "Every database URL the app gets (any variable name, secret or plain) points at PostgreSQL, judged by its scheme.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        const judge = (holder: StackNode, where: string, key: string, value: unknown) => {
            if (typeof value !== "string") return;
            const engine = databaseEngine(value);
            if (engine && !isPostgresEngine(engine)) reportViolation(`${key} in ${where} is a ${engine} URL (value not shown: it may hold a password); production's database is PostgreSQL. Fix: ${FIX}`, holder.urn);
        };
        for (const secrets of ofType(nodes, FLY.secrets)) {
            const values = secrets.props.values;
            if (isObject(values)) for (const [key, value] of Object.entries(values)) if (!isUnknown(value)) judge(secrets, "the Fly secrets", key, value);
        }
        for (const workload of ofType(nodes, FLY.machineGroup, DOCKER.container)) {
            const env = envOf(workload.type, workload.props);
            for (const [key, value] of env?.vars ?? []) judge(workload, env!.path, key, value);
        }
    },
};

/**
 * Rule 9: production never points DATABASE_URL at SQLite (a file on one machine's disk: lost on redeploy, not
 * shared between machines).
 *
 * A stack rule: DATABASE_URL carries a generated password, so it is unknown during preview. What proves it is
 * Postgres then is that the secret depends on the stack's Postgres resources. The URL is never echoed.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { envOf } from "../../lib/env";
import { isUnknown, Plain } from "../../lib/known";
import { secretEntry } from "../../lib/secrets";
import { configSet, dependsOnAny, ofType, stackNodes, StackNode, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY } from "../../lib/types";

const KEY = "DATABASE_URL";
const POSTGRES = new Set<string>([FLY.managedPostgres, FLY.postgresDatabase, FLY.postgresUser]);
const FIX = `use Fly Managed Postgres: ${configSet("database.kind", "fly")}`;

/** Whether a database URL names SQLite (any driver spelling, or a bare file URL). */
export function isSqliteUrl(url: string): boolean {
    const scheme = url.trim().toLowerCase().split("://")[0];
    return scheme.startsWith("sqlite") || scheme.startsWith("file") || /\.(sqlite3?|db)(\?|$)/i.test(url.trim());
}

export const noSqliteInProduction: StackValidationPolicy = {
    name: "no-sqlite-in-production",
    description: "DATABASE_URL must point at PostgreSQL, never SQLite, in production.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        const fromPostgres = (holder: StackNode) => dependsOnAny(holder, nodes, (n) => POSTGRES.has(n.type) || (n.type === DOCKER.container && /postgres/i.test(String(n.props.image ?? ""))));

        const judge = (holder: StackNode, where: string, value: Plain | undefined) => {
            if (value === undefined) return;
            if (isUnknown(value)) {
                if (!fromPostgres(holder)) reportViolation(`${KEY} in ${where} ${UNPROVEN} and does not derive from a Postgres resource of this stack. Fix: ${FIX}`, holder.urn);
            } else if (typeof value === "string" && isSqliteUrl(value)) {
                reportViolation(`${KEY} in ${where} points at SQLite (value not shown: it may hold a password). Fix: ${FIX}`, holder.urn);
            }
        };

        for (const secrets of ofType(nodes, FLY.secrets)) judge(secrets, "the Fly secrets", secretEntry(secrets, KEY));
        for (const workload of ofType(nodes, FLY.machineGroup, DOCKER.container)) {
            const env = envOf(workload.type, workload.props);
            if (env?.vars.has(KEY)) judge(workload, env.path, env.vars.get(KEY));
        }
    },
};

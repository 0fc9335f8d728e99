/**
 * What holds data or identity, by type token: the one list the guard (guard.ts) judges replaces and deletes by.
 * `replacedBy` names the inputs whose change replaces the resource, as each provider's diff decides it (and as the
 * args' TSDoc says, STYLE.md rule 16); a test holds the Fly entries to the providers' docs.
 */
import { DOCKER, FLY, GITHUB, RELEASE_HISTORY, SENTRY } from "../../policies/lib/types";

/** What is lost when the resource is replaced or deleted. */
export type Holds = "data" | "identity" | "secret";

export interface StatefulType {
    readonly holds: Holds;
    /** What goes with it, for the finding. */
    readonly loses: string;
    /** Inputs whose change replaces it. */
    readonly replacedBy: readonly string[];
    /** The stack config key each of those inputs comes from; each key says in its TSDoc (config/schema.ts) that it replaces. */
    readonly configKeys: Readonly<Record<string, string>>;
    /** How to make the change without losing it. */
    readonly fix: string;
}

const RESTORE = "docs/runbooks/restore-database.md";

/** Type token → what it holds. A type missing here is not stateful: its replace or delete passes the guard. */
export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
    [FLY.managedPostgres]: {
        holds: "data",
        loses: "the database cluster and every row in it",
        replacedBy: ["name", "orgSlug", "region", "pgMajorVersion"],
        configKeys: { region: "database.region", pgMajorVersion: "database.version", name: "app.name", orgSlug: "fly.org" },
        fix: `keep the cluster's setting; to move it, restore a backup into a new cluster first (${RESTORE})`,
    },
    [FLY.postgresDatabase]: {
        holds: "data",
        loses: "the database and its tables",
        replacedBy: ["clusterId", "name"],
        configKeys: { name: "database.name" },
        fix: `keep database.name; to rename it, copy the data first (${RESTORE})`,
    },
    [FLY.postgresUser]: {
        holds: "identity",
        loses: "the app's database credentials (DATABASE_URL changes)",
        replacedBy: ["clusterId", "username"],
        configKeys: {},
        fix: "keep the user; a new one needs its grants and a rolled app",
    },
    [FLY.volume]: {
        holds: "data",
        loses: "the volume and the files on it",
        replacedBy: ["app", "name", "region", "encrypted"],
        configKeys: {},
        fix: "keep the volume's setting; fork it (`fly volumes fork`) into the new one first",
    },
    // Never replaced in place (its diff replaces nothing), but deleted with the app component's name or removal.
    [RELEASE_HISTORY]: {
        holds: "data",
        loses: "the stack's release records (the release and releases outputs that npm run rollback and promote read)",
        replacedBy: [],
        configKeys: {},
        fix: "keep the app component and its name; without the records a rollback needs --to <digest> (npm run releases -- <stack> first, to note them)",
    },
    [DOCKER.volume]: {
        holds: "data",
        loses: "the local database's files",
        replacedBy: ["name"],
        configKeys: { name: "app.name" },
        fix: "keep the volume's name, or dump the database first (`pg_dump`)",
    },
    [FLY.app]: {
        holds: "identity",
        loses: "the app's hostname, its IP addresses and certificates",
        replacedBy: ["name", "orgSlug", "network"],
        configKeys: { name: "app.name", orgSlug: "fly.org" },
        fix: "keep app.name and fly.org; a new app needs DNS moved to its new addresses",
    },
    [FLY.ipAssignment]: {
        holds: "identity",
        loses: "an IP address that DNS records point at",
        replacedBy: ["app", "type", "region"],
        configKeys: { app: "app.name" },
        fix: "keep the address; if it must change, update the DNS records after the up",
    },
    [FLY.certificate]: {
        holds: "identity",
        loses: "a hostname's TLS certificate (HTTPS fails until the new one is issued)",
        replacedBy: ["app", "hostname"],
        configKeys: { hostname: "app.domains", app: "app.name" },
        fix: "add the new domain next to the old one (app.domains), move DNS, then remove the old one in a later change",
    },
    [FLY.secrets]: {
        holds: "secret",
        loses: "the app's secrets as Fly holds them (DATABASE_URL, JWT_SECRET, SENTRY_DSN)",
        replacedBy: ["app"],
        configKeys: { app: "app.name" },
        fix: "keep app.name; a new app gets its secrets before any machine starts",
    },
    [GITHUB.environment]: {
        holds: "identity",
        loses: "the GitHub environment with its secrets, reviewers and deployment history",
        replacedBy: ["repository", "environment"],
        configKeys: { environment: "github.environment", repository: "github.repository" },
        fix: "keep github.environment and github.repository; re-enter the environment's secrets after a rename",
    },
    [GITHUB.environmentSecret]: {
        holds: "secret",
        loses: "a secret the workflows read",
        replacedBy: ["repository", "environment", "secretName"],
        configKeys: { environment: "github.environment", repository: "github.repository" },
        fix: "keep the secret's name and environment",
    },
    [SENTRY.project]: {
        holds: "identity",
        loses: "the Sentry project, its issues and its DSN",
        replacedBy: ["organization"],
        configKeys: { organization: "sentry.organization" },
        fix: "keep sentry.organization and the project; a new project means a new DSN in every client",
    },
    [SENTRY.key]: {
        holds: "secret",
        loses: "the DSN that clients report errors with",
        replacedBy: ["organization", "project"],
        configKeys: { organization: "sentry.organization" },
        fix: "keep the key; a new DSN must reach every client",
    },
};

/** What a type token holds, or undefined when losing it loses nothing. */
export function statefulType(type: string): StatefulType | undefined {
    return Object.hasOwn(STATEFUL_TYPES, type) ? STATEFUL_TYPES[type] : undefined;
}

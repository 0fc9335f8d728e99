/**
 * Postgres: the app's database behind one contract, a secret `DATABASE_URL`.
 *
 * - `fly`: a Fly Managed Postgres cluster, a database and a user for the app; the URL uses the cluster's pooled
 *   endpoint (reachable from the org's apps without WireGuard).
 * - `flyShared`: a database and a user for the app inside an existing cluster the stack does not own (a review
 *   stack's in staging's): the cluster is only read, so destroying the stack removes the database and the user and
 *   leaves the cluster as it was.
 * - `local`: a `postgres` container on a private Docker network, with a named volume and a health check.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FLY_MANAGED_POSTGRES_REGIONS, FLY_REGIONS } from "../config";
import { DATABASE_DEFAULTS } from "../config/defaults";
import { FLY_DATABASE_NAME, SQL_IDENTIFIER } from "../config/patterns";
import * as fly from "../providers/fly";
import { CLUSTER_ID } from "../providers/fly/providerInputs";
import { NAME_LIMITS, NameScope, physicalName } from "./naming";
import { refuseInvalid } from "./refuseInvalid";

/** Type token of {@link Postgres}. */
export const POSTGRES_TYPE = "platform:database:Postgres";

/** Fly Managed Postgres settings. */
export interface FlyPostgresArgs {
    readonly kind: "fly";
    /** Fly organization slug that owns the cluster. */
    readonly orgSlug: string;
    /** Fly region of the cluster (put it next to the app's primary region). */
    readonly region: string;
    /**
     * Managed Postgres plan.
     * @default DATABASE_DEFAULTS.plan
     */
    readonly plan?: fly.PostgresPlan;
    /**
     * Disk size in GB (it can only grow; a new cluster starts at 500 at most).
     * @default DATABASE_DEFAULTS.diskGb
     */
    readonly diskGb?: number;
    /**
     * PostgreSQL major version.
     * @default DATABASE_DEFAULTS.version
     */
    readonly version?: 16 | 17;
    /**
     * The id of an existing cluster to take over instead of creating one (`fly mpg list`); its settings must be the
     * ones above. See `ManagedPostgresArgs.adopt`.
     * @default undefined (a new cluster)
     */
    readonly adopt?: string;
}

/** A database and user of the stack's own in an existing Fly Managed Postgres cluster. */
export interface SharedFlyPostgresArgs {
    readonly kind: "flyShared";
    /** Fly organization slug the cluster must belong to (the stack's own organization). */
    readonly orgSlug: string;
    /** Fly's id of the existing cluster (`fly mpg list`). It is never changed or deleted. */
    readonly clusterId: string;
}

/** Local Docker settings. */
export interface LocalPostgresArgs {
    readonly kind: "local";
    /** Password of the database user (a secret; generate it with `AppSecrets`). */
    readonly password: pulumi.Input<string>;
    /**
     * PostgreSQL major version (the `postgres:<version>-alpine` image).
     * @default DATABASE_DEFAULTS.version
     */
    readonly version?: 16 | 17;
    /**
     * Host port for psql, bound to 127.0.0.1.
     * @default undefined (private to the Docker network)
     */
    readonly hostPort?: number;
}

/** Arguments of {@link Postgres}. */
export interface PostgresArgs {
    /** Where physical names come from (service prefix and stack). */
    readonly scope: NameScope;
    /** Where the database runs. */
    readonly runtime: FlyPostgresArgs | SharedFlyPostgresArgs | LocalPostgresArgs;
    /**
     * Name of the app's database.
     * @default DATABASE_DEFAULTS.name
     */
    readonly databaseName?: string;
    /**
     * Name of the app's database user.
     * @default APP_USER
     */
    readonly username?: string;
    /**
     * `protect` every resource that holds data, so `pulumi destroy` refuses to delete it.
     * @default DATABASE_DEFAULTS.protect
     */
    readonly protect?: boolean;
    /**
     * Keep the data resources when they leave the program.
     * @default DATABASE_DEFAULTS.retainOnDelete
     */
    readonly retainOnDelete?: boolean;
    /**
     * Automatic backups. Fly Managed Postgres always backs up, so `false` is refused there rather than silently
     * ignored; the local container has no backup facility.
     * @default DATABASE_DEFAULTS.backups
     */
    readonly backups?: boolean;
}

/** The database user the app connects as (no config key: the app owns its database). */
export const APP_USER = "app";

/** Problems with plain args, each naming the component, what is allowed and the value received. */
export function validatePostgresArgs(name: string, args: PostgresArgs): string[] {
    const problems: string[] = [];
    const where = `Postgres "${name}"`;
    for (const key of ["databaseName", "username"] as const) {
        const value = args[key];
        if (value !== undefined && !SQL_IDENTIFIER.test(value)) problems.push(`${where}: ${key} must be a lowercase SQL identifier such as app, got ${JSON.stringify(value)}.`);
    }
    const runtime = args.runtime;
    if (runtime.kind === "fly") {
        if (args.backups === false) {
            problems.push(`${where}: Fly Managed Postgres always keeps backups and cannot turn them off; set database.backups to true.`);
        }
        if (runtime.diskGb !== undefined && !(Number.isInteger(runtime.diskGb) && runtime.diskGb >= 10 && runtime.diskGb <= 1000)) {
            problems.push(`${where}: diskGb must be a whole number from 10 to 1000, got ${runtime.diskGb}.`);
        }
        if (!FLY_REGIONS.has(runtime.region)) problems.push(`${where}: region must be a Fly region such as ams, got ${JSON.stringify(runtime.region)}.`);
        else if (!FLY_MANAGED_POSTGRES_REGIONS.has(runtime.region)) {
            problems.push(`${where}: Fly Managed Postgres does not run in ${runtime.region}; choose one of ${[...FLY_MANAGED_POSTGRES_REGIONS].join(", ")} (config/flyManagedPostgresRegions.json).`);
        }
    } else if (runtime.kind === "flyShared") {
        if (!CLUSTER_ID.test(runtime.clusterId)) problems.push(`${where}: clusterId must be the id of an existing cluster as \`fly mpg list\` prints it, got ${JSON.stringify(runtime.clusterId)}.`);
    } else if (runtime.hostPort !== undefined && !(Number.isInteger(runtime.hostPort) && runtime.hostPort >= 1024 && runtime.hostPort <= 65535)) {
        problems.push(`${where}: hostPort must be a whole number from 1024 to 65535, got ${runtime.hostPort}.`);
    }
    if (runtime.kind !== "local") {
        const databaseName = args.databaseName ?? DATABASE_DEFAULTS.name;
        if (SQL_IDENTIFIER.test(databaseName) && !FLY_DATABASE_NAME.test(databaseName)) {
            problems.push(`${where}: databaseName must start and end with a letter or digit on Fly Managed Postgres, got ${JSON.stringify(databaseName)}.`);
        }
    }
    return problems;
}

/** `postgresql://user:password@host:port/database`, user and password URL-encoded. */
export function databaseUrl(user: string, password: string, host: string, port: number, database: string): string {
    return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

/** The app's PostgreSQL database. */
export class Postgres extends pulumi.ComponentResource {
    /** `DATABASE_URL` for the app (secret). */
    public readonly databaseUrl: pulumi.Output<string>;
    /** Host the app connects to (the pooled endpoint on Fly, the container name locally). */
    public readonly host: pulumi.Output<string>;
    /** The Docker network the database is on (local only); run the app on it too. */
    public readonly network?: pulumi.Output<string>;

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseInvalid(validatePostgresArgs(name, args));
        super(POSTGRES_TYPE, name, {}, opts);
        const databaseName = args.databaseName ?? DATABASE_DEFAULTS.name;
        const username = args.username ?? APP_USER;
        const data: pulumi.CustomResourceOptions = { parent: this, protect: args.protect ?? DATABASE_DEFAULTS.protect, retainOnDelete: args.retainOnDelete ?? DATABASE_DEFAULTS.retainOnDelete };

        const runtime = args.runtime;
        if (runtime.kind === "fly" || runtime.kind === "flyShared") {
            const cluster =
                runtime.kind === "fly"
                    ? new fly.ManagedPostgres(
                          `${name}-cluster`,
                          {
                              name: physicalName(args.scope, "db", NAME_LIMITS.fly),
                              orgSlug: runtime.orgSlug,
                              region: runtime.region,
                              plan: runtime.plan ?? DATABASE_DEFAULTS.plan,
                              diskSizeGb: runtime.diskGb ?? DATABASE_DEFAULTS.diskGb,
                              pgMajorVersion: runtime.version ?? DATABASE_DEFAULTS.version,
                              adopt: runtime.adopt,
                          },
                          data,
                      )
                    : // Read, never owned: the lookup's delete sends nothing, so the cluster outlives the stack.
                      new fly.ExistingPostgres(`${name}-cluster`, { clusterId: runtime.clusterId, orgSlug: runtime.orgSlug }, { parent: this });
            const database = new fly.PostgresDatabase(`${name}-database`, { clusterId: cluster.clusterId, name: databaseName }, data);
            // schema_admin: the app runs its own migrations.
            const user = new fly.PostgresUser(`${name}-user`, { clusterId: cluster.clusterId, username, role: "schema_admin" }, { ...data, dependsOn: [database] });
            this.host = cluster.pooler.host;
            this.databaseUrl = pulumi.secret(
                pulumi
                    .all([user.password, cluster.pooler])
                    .apply(([password, pooler]) => databaseUrl(username, password, pooler.host, pooler.port, databaseName)),
            );
        } else {
            const networkName = physicalName(args.scope, "net", NAME_LIMITS.docker);
            const containerName = physicalName(args.scope, "db", NAME_LIMITS.docker);
            const network = new docker.Network(`${name}-network`, { name: networkName, driver: "bridge" }, { parent: this });
            const volume = new docker.Volume(`${name}-volume`, { name: physicalName(args.scope, "db-data", NAME_LIMITS.docker) }, data);
            const image = new docker.RemoteImage(`${name}-image`, { name: `postgres:${runtime.version ?? DATABASE_DEFAULTS.version}-alpine`, keepLocally: true }, { parent: this });
            new docker.Container(
                `${name}-container`,
                {
                    name: containerName,
                    image: image.imageId,
                    envs: [
                        `POSTGRES_DB=${databaseName}`,
                        `POSTGRES_USER=${username}`,
                        pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${runtime.password}`),
                    ],
                    volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
                    networksAdvanced: [{ name: network.name, aliases: ["db"] }],
                    ports: runtime.hostPort === undefined ? [] : [{ internal: 5432, external: runtime.hostPort, ip: "127.0.0.1" }],
                    healthcheck: {
                        tests: ["CMD-SHELL", `pg_isready -U ${username} -d ${databaseName}`],
                        interval: "5s",
                        timeout: "3s",
                        retries: 10,
                        startPeriod: "10s",
                    },
                    restart: "unless-stopped",
                    // The app starts only once the database answers.
                    wait: true,
                    waitTimeout: 120,
                },
                data,
            );
            this.network = network.name;
            this.host = pulumi.output(containerName);
            this.databaseUrl = pulumi.secret(pulumi.output(runtime.password).apply((password) => databaseUrl(username, password, containerName, 5432, databaseName)));
        }

        this.registerOutputs({ databaseUrl: this.databaseUrl, host: this.host, network: this.network });
    }
}

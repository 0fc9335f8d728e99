/**
 * `fly:ManagedPostgres`: a Fly Managed Postgres cluster, as the program declares it. The provider is managedPostgresProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PostgresEndpoint, PostgresPlan } from "./api";
import { flyType, withFlyProvider } from "./registration";

export type { PostgresPlan } from "./api";

/** Arguments of {@link ManagedPostgres}. */
export interface ManagedPostgresArgs {
    /** Cluster name, unique in the organization. Fly cannot rename a cluster. */
    readonly name: pulumi.Input<string>;
    /** Organization slug. */
    readonly orgSlug: pulumi.Input<string>;
    /** Region, e.g. `ams`. Put it next to the app's machines. A cluster cannot move. */
    readonly region: pulumi.Input<string>;
    /** Size plan. Fly's API cannot change it: change it in the dashboard, then `pulumi refresh`. */
    readonly plan: pulumi.Input<PostgresPlan>;
    /** Disk in GB per replica (10-1000). Fly's API cannot change it: grow it in the dashboard, then `pulumi refresh`. */
    readonly diskSizeGb: pulumi.Input<number>;
    /** PostgreSQL major version. A cluster cannot be upgraded in place. */
    readonly pgMajorVersion: pulumi.Input<16 | 17>;
    /**
     * How long `create` waits for the cluster to become ready, in seconds.
     * @default 1800
     */
    readonly readyTimeoutSeconds?: pulumi.Input<number>;
    /**
     * The id of an existing cluster to take over instead of creating one (`fly mpg list`). Create reads it, checks that
     * its name, organization and settings are the program's, and records it without sending a change; a mismatch
     * fails with every difference. Once created, the input is only state: removing it changes nothing. This is the
     * way to adopt a cluster: `pulumi import` cannot reach a dynamic provider (pulumi/pulumi#16175).
     * @default undefined (create a new cluster, or recover one a lost answer left behind with the same settings)
     */
    readonly adopt?: pulumi.Input<string>;
}

/** A Managed Postgres cluster. The id is Fly's cluster id. */
export class ManagedPostgres extends pulumi.CustomResource {
    declare public readonly name: pulumi.Output<string>;
    declare public readonly orgSlug: pulumi.Output<string>;
    declare public readonly region: pulumi.Output<string>;
    declare public readonly plan: pulumi.Output<PostgresPlan>;
    declare public readonly diskSizeGb: pulumi.Output<number>;
    declare public readonly pgMajorVersion: pulumi.Output<16 | 17>;
    /** Fly's cluster id. */
    declare public readonly clusterId: pulumi.Output<string>;
    /** `ready` once created. */
    declare public readonly status: pulumi.Output<string>;
    /** PgBouncer endpoint (use it from the app). */
    declare public readonly pooler: pulumi.Output<PostgresEndpoint>;
    /** Direct endpoint (migrations, admin). */
    declare public readonly direct: pulumi.Output<PostgresEndpoint>;

    constructor(name: string, args: ManagedPostgresArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            flyType("ManagedPostgres"),
            name,
            withFlyProvider("ManagedPostgres", { readyTimeoutSeconds: undefined, adopt: undefined, ...args, clusterId: undefined, status: undefined, pooler: undefined, direct: undefined }),
            opts,
        );
    }
}

/**
 * `fly:ExistingPostgres`: a Managed Postgres cluster the program uses without owning it, as the program declares it.
 * The provider is existingPostgresProvider.ts: it only reads the cluster, and never changes or deletes it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PostgresEndpoint } from "./api";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link ExistingPostgres}. */
export interface ExistingPostgresArgs {
    /** Fly's id of the cluster (`fly mpg list`). Another id is another lookup; the clusters are never changed. */
    readonly clusterId: pulumi.Input<string>;
    /** The organization the cluster must belong to: creating the lookup fails for a cluster elsewhere. */
    readonly orgSlug: pulumi.Input<string>;
}

/** An existing Managed Postgres cluster, read and verified. The id is Fly's cluster id. */
export class ExistingPostgres extends pulumi.CustomResource {
    declare public readonly clusterId: pulumi.Output<string>;
    declare public readonly orgSlug: pulumi.Output<string>;
    /** The cluster's name on Fly. */
    declare public readonly name: pulumi.Output<string>;
    declare public readonly region: pulumi.Output<string>;
    /** PgBouncer endpoint (use it from the app). */
    declare public readonly pooler: pulumi.Output<PostgresEndpoint>;
    /** Direct endpoint (migrations, admin). */
    declare public readonly direct: pulumi.Output<PostgresEndpoint>;

    constructor(name: string, args: ExistingPostgresArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("ExistingPostgres"), name, withFlyProvider("ExistingPostgres", { ...args, name: undefined, region: undefined, pooler: undefined, direct: undefined }), opts);
    }
}

/**
 * `fly:PostgresDatabase`: a database of a Managed Postgres cluster, as the program declares it. The provider is postgresDatabaseProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link PostgresDatabase}. */
export interface PostgresDatabaseArgs {
    /** The cluster (`ManagedPostgres.clusterId`). A database cannot move to another cluster. */
    readonly clusterId: pulumi.Input<string>;
    /** Database name: letters, digits, `-` and `_`, alphanumeric at both ends, at most 63 characters. Fly cannot rename it. */
    readonly name: pulumi.Input<string>;
}

/** A database in a Managed Postgres cluster. The id is `<cluster id>/<name>`. */
export class PostgresDatabase extends pulumi.CustomResource {
    declare public readonly clusterId: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;

    constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("PostgresDatabase"), name, withFlyProvider("PostgresDatabase", { ...args }), opts);
    }
}

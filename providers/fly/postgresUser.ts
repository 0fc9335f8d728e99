/**
 * `fly:PostgresUser`: a user of a Managed Postgres cluster, as the program declares it (its password is a secret output). The provider is postgresUserProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PostgresRole } from "./postgresUserProvider";
import { flyType, withFlyProvider } from "./registration";

export type { PostgresRole } from "./postgresUserProvider";

/** Arguments of {@link PostgresUser}. */
export interface PostgresUserArgs {
    /** The cluster (`ManagedPostgres.clusterId`). A user cannot move to another cluster. */
    readonly clusterId: pulumi.Input<string>;
    /** User name: lowercase letters, digits, `-` and `_`, alphanumeric at both ends, at most 63 characters. Cannot be renamed. */
    readonly username: pulumi.Input<string>;
    /** The user's role. Changes in place. */
    readonly role: pulumi.Input<PostgresRole>;
}

/** A Managed Postgres user. The id is `<cluster id>/<username>`; `password` is secret. */
export class PostgresUser extends pulumi.CustomResource {
    declare public readonly clusterId: pulumi.Output<string>;
    declare public readonly username: pulumi.Output<string>;
    declare public readonly role: pulumi.Output<PostgresRole>;
    /** The user's password (secret). */
    declare public readonly password: pulumi.Output<string>;

    constructor(name: string, args: PostgresUserArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("PostgresUser"), name, withFlyProvider("PostgresUser", { ...args, password: undefined }), pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] }));
    }
}

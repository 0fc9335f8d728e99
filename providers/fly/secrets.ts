/**
 * `fly:Secrets`: an app's secrets, as the program declares them (every value a secret). The provider is secretsProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link Secrets}. */
export interface SecretsArgs {
    /** Name of the app. One Secrets resource per app: it owns the keys it lists, and leaves other keys alone. */
    readonly app: pulumi.Input<string>;
    /**
     * Secret values by name (letters, digits, underscores). Each value is marked secret whether or not it already
     * was. The map itself is plain on purpose: its keys stay known at preview even when a value is not (a generated
     * secret, a database URL), so `check` and the policy pack see which secrets exist.
     */
    readonly values: Readonly<Record<string, pulumi.Input<string>>>;
}

/** App secrets. The id is the app name. */
export class Secrets extends pulumi.CustomResource {
    declare public readonly app: pulumi.Output<string>;
    /** The values (secret). */
    declare public readonly values: pulumi.Output<Record<string, string>>;
    /** Fly's secrets version after this resource's last change; feed it to `MachineGroup.minSecretsVersion`. */
    declare public readonly version: pulumi.Output<number>;
    /** Names of the managed secrets (not secret). */
    declare public readonly keys: pulumi.Output<string[]>;

    constructor(name: string, args: SecretsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            flyType("Secrets"),
            name,
            withFlyProvider("Secrets", {
                app: args.app,
                values: Object.fromEntries(Object.entries(args.values).map(([key, value]) => [key, pulumi.secret(value)])),
                version: undefined,
                keys: undefined,
                digests: undefined,
            }),
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["values", "digests"] }),
        );
    }
}

/**
 * `fly:App`: a Fly app, as the program declares it. The provider (what the dynamic-provider host runs) is appProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link App}. */
export interface AppArgs {
    /** The app's name, global across every Fly organization (lowercase letters, digits, dashes; 3-63 characters). */
    readonly name: pulumi.Input<string>;
    /** Slug of the organization that owns the app, e.g. `personal`. */
    readonly orgSlug: pulumi.Input<string>;
    /**
     * Custom private network (6PN) name; apps on different networks cannot reach each other privately.
     * @default the organization's default network
     */
    readonly network?: pulumi.Input<string>;
}

/** A Fly app. Replaced when its name, organization or network changes; nothing is updated in place. */
export class App extends pulumi.CustomResource {
    declare public readonly name: pulumi.Output<string>;
    declare public readonly orgSlug: pulumi.Output<string>;
    declare public readonly network: pulumi.Output<string | undefined>;
    /** Fly's id for the app. */
    declare public readonly appId: pulumi.Output<string>;

    constructor(name: string, args: AppArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("App"), name, withFlyProvider("App", { network: undefined, ...args, appId: undefined }), opts);
    }
}

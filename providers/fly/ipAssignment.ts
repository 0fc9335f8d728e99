/**
 * `fly:IpAssignment`: an IP address of an app, as the program declares it. The provider is ipAssignmentProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { IpType } from "./ipAssignmentProvider";
import { flyType, withFlyProvider } from "./registration";

export type { IpType } from "./ipAssignmentProvider";

/** Arguments of {@link IpAssignment}. */
export interface IpAssignmentArgs {
    /** Name of the app the address belongs to. */
    readonly app: pulumi.Input<string>;
    /** Kind of address. */
    readonly type: pulumi.Input<IpType>;
    /**
     * Region the address is announced from.
     * @default global (Anycast)
     */
    readonly region?: pulumi.Input<string>;
}

/** An IP address of an app. The id is `<app>/<address>`. */
export class IpAssignment extends pulumi.CustomResource {
    declare public readonly app: pulumi.Output<string>;
    declare public readonly type: pulumi.Output<IpType>;
    declare public readonly region: pulumi.Output<string | undefined>;
    /** The assigned address. */
    declare public readonly address: pulumi.Output<string>;

    constructor(name: string, args: IpAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("IpAssignment"), name, withFlyProvider("IpAssignment", { region: undefined, ...args, address: undefined }), opts);
    }
}

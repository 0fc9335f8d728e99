/**
 * `fly:Volume`: a Fly volume, as the program declares it. The provider is volumeProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link Volume}. */
export interface VolumeArgs {
    /** Name of the app the volume belongs to. */
    readonly app: pulumi.Input<string>;
    /** Volume name (lowercase letters, digits, underscores; at most 30). Machines mount volumes by this name. */
    readonly name: pulumi.Input<string>;
    /** Region, e.g. `ams`. A machine can only mount a volume in its own region. */
    readonly region: pulumi.Input<string>;
    /** Size in GB (1-500). Can grow in place; shrinking is an error. */
    readonly sizeGb: pulumi.Input<number>;
    /**
     * Encrypt the volume at rest. Changing it replaces the volume (and its data).
     * @default true
     */
    readonly encrypted?: pulumi.Input<boolean>;
    /**
     * Days to keep daily snapshots (1-60).
     * @default 5 (Fly's default)
     */
    readonly snapshotRetention?: pulumi.Input<number>;
    /**
     * Take scheduled snapshots.
     * @default true
     */
    readonly autoBackupEnabled?: pulumi.Input<boolean>;
    /**
     * The id of an existing volume (`vol_...`, `fly volumes list`) to take over instead of creating one: create reads
     * it, checks its name, region, size and encryption against the program, and records it without sending a change.
     * Once created, the input is only state. This is the way to adopt a volume: `pulumi import` cannot reach a dynamic
     * provider (pulumi/pulumi#16175).
     * @default undefined (create a new volume)
     */
    readonly adopt?: pulumi.Input<string>;
}

/**
 * A Fly volume. Replaced when app, name, region or encryption change; grows in place. Protect it (`protect: true`)
 * in environments whose data matters. The id is `<app>/<volume id>`.
 */
export class Volume extends pulumi.CustomResource {
    declare public readonly app: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly region: pulumi.Output<string>;
    declare public readonly sizeGb: pulumi.Output<number>;
    declare public readonly encrypted: pulumi.Output<boolean>;
    declare public readonly snapshotRetention: pulumi.Output<number>;
    declare public readonly autoBackupEnabled: pulumi.Output<boolean>;
    /** Fly's volume id (`vol_...`), for a machine's `mounts[].volume`. */
    declare public readonly volumeId: pulumi.Output<string>;

    constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            flyType("Volume"),
            name,
            withFlyProvider("Volume", { encrypted: undefined, snapshotRetention: undefined, autoBackupEnabled: undefined, adopt: undefined, ...args, volumeId: undefined }),
            opts,
        );
    }
}

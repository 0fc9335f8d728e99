/**
 * `fly:Release`: the release step of a Fly deploy (flyctl's `release_command`), as the program declares it. Plain args are
 * validated at construction; the provider (releaseProvider.ts) runs the command.
 */
import * as pulumi from "@pulumi/pulumi";
import type { FlyMachineConfig } from "./machineGroupTypes";
import { type ReleaseInputs, validateReleaseInputs } from "./releaseInputs";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link Release}. */
export interface ReleaseArgs {
    /** Name of the Fly app. Changing it replaces the release (and runs it in the new app). */
    readonly app: pulumi.Input<string>;
    /** The image to release, pinned by digest (`repo@sha256:...`): the same reference the MachineGroup runs. */
    readonly image: pulumi.Input<string>;
    /**
     * The command, as an argument list (`init.cmd`; the image's entrypoint still applies).
     * @example ["npm", "run", "migrate"]
     */
    readonly command: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Plain environment variables, the app's own. Secrets (`DATABASE_URL`) reach the machine from Fly's secret store.
     * @default {}
     */
    readonly env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Region of the release machine (the app's primary region, next to the database).
     * @default Fly's choice
     */
    readonly region?: pulumi.Input<string>;
    /**
     * Size of the release machine, in Fly's schema (`cpu_kind`, `cpus`, `memory_mb`).
     * @default Fly's default size
     */
    readonly guest?: pulumi.Input<FlyMachineConfig["guest"]>;
    /**
     * Seconds the command may run before the update fails (the machine is then destroyed).
     * @default 600
     */
    readonly timeoutSeconds?: pulumi.Input<number>;
    /**
     * The secrets version the machine must see (the `Secrets` resource's `version`), so `DATABASE_URL` is current.
     * @default no minimum
     */
    readonly minSecretsVersion?: pulumi.Input<number>;
}

/** The release step of a Fly app: runs its command with each new image before the machines roll. */
export class Release extends pulumi.CustomResource {
    /** The machine of the last successful run. */
    declare public readonly machineId: pulumi.Output<string>;
    /** Exit code of the last run (0). */
    declare public readonly exitCode: pulumi.Output<number>;
    declare public readonly image: pulumi.Output<string>;
    declare public readonly command: pulumi.Output<string[]>;

    constructor(name: string, args: ReleaseArgs, opts?: pulumi.CustomResourceOptions) {
        const plain = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined && !pulumi.Output.isInstance(v) && !(v instanceof Promise)));
        if (Array.isArray(plain.command) && plain.command.some((part) => pulumi.Output.isInstance(part))) delete plain.command;
        const problems = validateReleaseInputs(name, plain as Partial<ReleaseInputs>);
        if (problems.length > 0) throw new Error(problems.join("\n"));
        super(
            flyType("Release"),
            name,
            withFlyProvider("Release", { ...args, release: name, machineId: undefined, exitCode: undefined, generation: undefined, runKey: undefined }),
            opts,
        );
    }
}

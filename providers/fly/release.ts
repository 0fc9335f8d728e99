/**
 * Release (`pulumi-nodejs:dynamic/fly:Release`): the release step of a Fly deploy, flyctl's `release_command`. On
 * create, and on every update that changes the image or the command, one short-lived machine runs the command with
 * the new image and the app's env and secrets (releaseRun.ts); the update fails unless it exits 0. Make the app's
 * MachineGroup depend on it, so a failed release leaves every serving machine as it was. Any other change (env,
 * timeout, secrets version) only updates state: a no-op or settings-only update starts no machine.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { type CheckFailure, changedKeys } from "./common";
import type { FlyMachineConfig } from "./machineGroupTypes";
import { destroyReleaseMachines, runRelease } from "./releaseRun";
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

export interface ReleaseInputs {
    app: string;
    /** The Pulumi resource name; tags the release machines. */
    release: string;
    image: string;
    command: string[];
    env?: Record<string, string>;
    region?: string;
    guest?: FlyMachineConfig["guest"];
    timeoutSeconds?: number;
    minSecretsVersion?: number;
}

export interface ReleaseOutputs extends ReleaseInputs {
    /** The machine of the last successful run (destroyed since). */
    machineId: string;
    /** Exit code of the last run: always 0, since a failed run fails the update. */
    exitCode: number;
    /** Counts the runs; part of the run key, so a rollback to an earlier image runs its command again. */
    generation: number;
    /** Key of the last run (machine metadata `pulumi_release_key`). */
    runKey: string;
}

export const DEFAULT_RELEASE_TIMEOUT_SECONDS = 600;
const MAX_TIMEOUT_SECONDS = 3600;

/** The value Pulumi's engine sends for an input not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What makes a run due: a change to any of these runs the command again. */
const RUN_KEYS = ["image", "command"] as const satisfies readonly (keyof ReleaseInputs)[];
const STATE_KEYS = ["env", "region", "guest", "timeoutSeconds", "minSecretsVersion"] as const satisfies readonly (keyof ReleaseInputs)[];

/** Every problem with known inputs, each naming the key and the fix. Unknown (preview) values are skipped. */
export function validateReleaseInputs(name: string, inputs: Partial<ReleaseInputs>): string[] {
    const where = `fly:Release "${name}"`;
    const problems: string[] = [];
    const known = (value: unknown) => value !== undefined && value !== UNKNOWN;
    if (known(inputs.app) && (typeof inputs.app !== "string" || inputs.app.length === 0)) problems.push(`${where}: app must be a non-empty Fly app name.`);
    if (known(inputs.image) && (typeof inputs.image !== "string" || inputs.image.length === 0)) problems.push(`${where}: image must be an image reference such as registry.fly.io/api@sha256:<digest>.`);
    if (known(inputs.command)) {
        const command = inputs.command as unknown;
        const valid = Array.isArray(command) && command.length > 0 && command.every((part) => part === UNKNOWN || (typeof part === "string" && part.length > 0));
        if (!valid) problems.push(`${where}: command must be a non-empty list of non-empty arguments, such as ["npm", "run", "migrate"], got ${JSON.stringify(command)}.`);
    }
    const timeout = inputs.timeoutSeconds;
    if (known(timeout) && !(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= MAX_TIMEOUT_SECONDS)) {
        problems.push(`${where}: timeoutSeconds must be a whole number from 1 to ${MAX_TIMEOUT_SECONDS}, got ${String(timeout)}.`);
    }
    if (known(inputs.env) && (typeof inputs.env !== "object" || inputs.env === null || Object.values(inputs.env).some((v) => typeof v !== "string"))) {
        problems.push(`${where}: env must map variable names to strings.`);
    }
    return problems;
}

/** The key of run number `generation` of these inputs. */
export function runKeyOf(inputs: ReleaseInputs, generation: number): string {
    return createHash("sha256").update(JSON.stringify([inputs.app, inputs.release, inputs.image, inputs.command, generation])).digest("hex").slice(0, 16);
}

/** Whether going from `olds` to `news` runs the command. */
export function releaseIsDue(olds: Partial<ReleaseOutputs>, news: ReleaseInputs): boolean {
    return olds.runKey === undefined || changedKeys(olds, news, RUN_KEYS).length > 0;
}

export function diffRelease(olds: ReleaseOutputs, news: ReleaseInputs): pulumi.dynamic.DiffResult {
    const replaces = changedKeys(olds, news, ["app", "release"]);
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    return { changes: changedKeys(olds, news, [...RUN_KEYS, ...STATE_KEYS]).length > 0, replaces: [] };
}

async function run(inputs: ReleaseInputs, generation: number): Promise<ReleaseOutputs> {
    const runKey = runKeyOf(inputs, generation);
    const outcome = await runRelease({
        app: inputs.app,
        release: inputs.release,
        key: runKey,
        image: inputs.image,
        command: inputs.command,
        env: inputs.env ?? {},
        region: inputs.region,
        guest: inputs.guest,
        timeoutSeconds: inputs.timeoutSeconds ?? DEFAULT_RELEASE_TIMEOUT_SECONDS,
        minSecretsVersion: inputs.minSecretsVersion,
    });
    return { ...inputs, machineId: outcome.machineId, exitCode: outcome.exitCode, generation, runKey };
}

export async function createRelease(inputs: ReleaseInputs): Promise<pulumi.dynamic.CreateResult<ReleaseOutputs>> {
    return { id: `${inputs.app}/${inputs.release}`, outs: await run(inputs, 1) };
}

export async function updateRelease(olds: ReleaseOutputs, news: ReleaseInputs): Promise<pulumi.dynamic.UpdateResult<ReleaseOutputs>> {
    if (!releaseIsDue(olds, news)) return { outs: { ...news, machineId: olds.machineId, exitCode: olds.exitCode, generation: olds.generation, runKey: olds.runKey } };
    return { outs: await run(news, (olds.generation ?? 0) + 1) };
}

/** The Release provider (methods call this file's functions only; see common.ts). */
export const releaseProvider: pulumi.dynamic.ResourceProvider<ReleaseInputs, ReleaseOutputs> = {
    async check(_olds, news) {
        const name = news.release ?? "release";
        // What the engine sends is complete: a value unknown at preview is the UNKNOWN sentinel, never absent.
        const missing = (["app", "release", "image", "command"] as const).filter((key) => news[key] === undefined).map((key) => `fly:Release "${name}": ${key} is required.`);
        const failures: CheckFailure[] = [...missing, ...validateReleaseInputs(name, news)].map((reason) => ({ property: "", reason }));
        return { inputs: news, failures };
    },
    async diff(_id, olds, news) {
        return diffRelease(olds, news);
    },
    async create(inputs) {
        return createRelease(inputs);
    },
    // Nothing live to compare: a run is history, and its machine destroys itself.
    async read(id, props) {
        return { id, props };
    },
    async update(_id, olds, news) {
        return updateRelease(olds, news);
    },
    // Migrations are never undone by deleting the step; only a machine still alive is removed.
    async delete(_id, props) {
        await destroyReleaseMachines({ app: props.app, release: props.release });
    },
};

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

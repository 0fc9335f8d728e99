/**
 * Release (`pulumi-nodejs:dynamic/fly:Release`): the release step of a Fly deploy, flyctl's `release_command`. On
 * create, and on every update that changes the image or the command, one short-lived machine runs the command with
 * the new image and the app's env and secrets (releaseRun.ts); the update fails unless it exits 0. Make the app's
 * MachineGroup depend on it, so a failed release leaves every serving machine as it was. Any other change (env,
 * timeout, secrets version) only updates state: a no-op or settings-only update starts no machine.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { type CheckFailure, changedKeys } from "./providerInputs";
import { DEFAULT_RELEASE_TIMEOUT_SECONDS, type ReleaseInputs, validateReleaseInputs } from "./releaseInputs";
import { destroyReleaseMachines, runRelease } from "./releaseRun";

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

/** What makes a run due: a change to any of these runs the command again. */
const RUN_KEYS = ["image", "command"] as const satisfies readonly (keyof ReleaseInputs)[];
const STATE_KEYS = ["env", "region", "guest", "timeoutSeconds", "minSecretsVersion"] as const satisfies readonly (keyof ReleaseInputs)[];

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

/** The Release provider (the host loads it from the built package: hostEntry.ts). */
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

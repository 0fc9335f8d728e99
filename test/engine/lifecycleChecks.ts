/**
 * What the lifecycle test expects of an image change, a rotation and a refresh, judged on what really happened: on
 * Fly, the emulator's machines, secrets and the requests that reached it (the real providers ran); locally, the
 * state the engine kept of what the program registered. Each check returns the problems it found (none: the
 * behaviour happened), so the test can also run it where the behaviour was broken on purpose and watch it object.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { OperationResult, ResourceState } from "../../engine";
import { stripSecrets } from "../../engine/rpc";
import { nameOf } from "../../engine/urn";
import type { Emulator, MachineRecord, RecordedRequest } from "../fly/emulator";

const RELEASE_TAG = "pulumi_release";

const isRelease = (m: MachineRecord): boolean => (m.config.metadata as Record<string, string> | undefined)?.[RELEASE_TAG] !== undefined;

/** What the platform runs at one moment: the images serving, the JWT secret, the release runs. */
export interface View {
    /** The image of each machine (Fly) or of the app container (local) that serves the app. */
    readonly served: readonly string[];
    /** The JWT signing secret the app is given (Fly: its digest in the app's secrets; local: the container's env). */
    readonly jwt?: string;
    /** Fly: the app's secrets version, and the minimum each serving machine was started on. */
    readonly secretsVersion?: number;
    readonly machineSecretsVersions: readonly number[];
    /** Release runs by image: on Fly every one-off machine so far (destroyed ones included); locally this operation's. */
    readonly releases: readonly string[];
}

function byName(result: OperationResult, name: string): ResourceState | undefined {
    return result.state.resources.find((r) => r.custom && nameOf(r.urn) === name);
}

/** The platform as the emulator holds it (Fly). */
export function flyView(fly: Emulator): View {
    const machines = [...fly.state.apps.values()].flatMap((app) => [...app.machines.values()]);
    const serving = machines.filter((m) => m.state !== "destroyed" && !isRelease(m));
    const apps = [...fly.state.apps.values()];
    return {
        served: serving.map((m) => String(m.config.image)),
        jwt: apps[0]?.secrets.get("JWT_SECRET")?.digest,
        secretsVersion: apps[0]?.secretsVersion,
        machineSecretsVersions: serving.map((m) => m.minSecretsVersion ?? 0),
        releases: machines.filter(isRelease).map((m) => String(m.config.image)),
    };
}

/** The platform as the engine's state records it (local Docker: only stand-ins ran). */
export function localView(result: OperationResult): View {
    const app = stripSecrets(byName(result, "app-container")?.inputs ?? {});
    const envs: string[] = Array.isArray(app.envs) ? app.envs : [];
    return {
        served: app.image === undefined ? [] : [String(app.image)],
        jwt: envs.find((e) => e.startsWith("JWT_SECRET="))?.slice("JWT_SECRET=".length),
        machineSecretsVersions: [],
        releases: result.steps.filter((s) => s.name === "app-release" && (s.op === "create" || s.op === "replace")).map((s) => String(stripSecrets(s.inputs).image)),
    };
}

/** Problems with "the app now runs `image`, after one release run with it, and nothing else changed". */
export function imageRolledOut(image: string, before: View, after: View, result: OperationResult, requests: readonly RecordedRequest[] | undefined): string[] {
    const problems: string[] = [];
    if (!result.ok) problems.push(`the up failed: ${result.error}`);
    if (after.served.length === 0) problems.push("nothing serves the app");
    for (const served of after.served) if (served !== image) problems.push(`${served} still serves`);
    const runs = requests ? after.releases.slice(before.releases.length) : after.releases;
    if (runs.length !== 1 || runs[0] !== image) problems.push(`the release step ran ${runs.length} time(s), with ${runs.join(", ") || "no image"}, not once with ${image}`);
    if (requests) {
        // On Fly: the release machine is created before any serving machine changes, and only machines change.
        const app = requests.find((r) => r.method === "POST" && /^\/v1\/apps\/[^/]+\/machines$/.test(r.path))?.path.split("/")[3];
        const config = (r: RecordedRequest) => (r.body as { config?: { image?: string; metadata?: Record<string, string> } } | undefined)?.config;
        const creates = (r: RecordedRequest) => r.method === "POST" && /\/machines$/.test(r.path);
        const release = requests.findIndex((r) => creates(r) && config(r)?.metadata?.[RELEASE_TAG] !== undefined && config(r)?.image === image);
        // A serving machine changes when it is updated, or when one is created (blue-green, scaling).
        const servingChange = requests.findIndex((r) => (r.method === "POST" && /\/machines\/[^/]+$/.test(r.path)) || (creates(r) && config(r)?.metadata?.[RELEASE_TAG] === undefined));
        if (release < 0) problems.push("no release machine was created with the new image");
        else if (servingChange >= 0 && servingChange < release) problems.push("a serving machine changed before the release step ran");
        const elsewhere = requests.filter((r) => r.method !== "GET" && !(app && r.path.startsWith(`/v1/apps/${app}/machines`)));
        for (const r of elsewhere) problems.push(`${r.method} ${r.path} changed more than the machines`);
    } else {
        // Locally: the release container runs before the app container is replaced; the data is left alone.
        const order = (name: string) => result.steps.findIndex((s) => s.name === name && s.op !== "same");
        if (order("app-release") < 0 || order("app-container") < order("app-release")) problems.push("the app container changed before the release step ran");
        for (const s of result.steps) if (s.name.startsWith("database-") && s.op !== "same") problems.push(`${s.name} was ${s.op}d`);
    }
    return problems;
}

/** Problems with "the JWT secret was rotated and the app restarted on it, with no release run". */
export function rotated(before: View, after: View, fly: boolean): string[] {
    const problems: string[] = [];
    if (after.jwt === undefined) problems.push("the app has no JWT_SECRET");
    else if (after.jwt === before.jwt) problems.push("the app's JWT_SECRET is unchanged");
    if (fly) {
        if ((after.secretsVersion ?? 0) <= (before.secretsVersion ?? 0)) problems.push(`the app's secrets version stayed ${after.secretsVersion}`);
        for (const v of after.machineSecretsVersions) if (v !== after.secretsVersion) problems.push(`a machine runs on secrets version ${v}, not ${after.secretsVersion}`);
        if (after.releases.length !== before.releases.length) problems.push("a release step ran");
    }
    return problems;
}

/**
 * Drift a refresh must find, made out of band: on Fly, one serving machine's environment edited in the emulator (as
 * `fly machine update --env` would); locally, one stand-in's recorded output changed in the state file. Returns the
 * `Kind:name` the refresh must report as updated.
 */
export function makeDrift(fly: Emulator | undefined, stateFile: string): string {
    if (fly) {
        const machine = [...fly.state.apps.values()].flatMap((app) => [...app.machines.values()]).find((m) => m.state !== "destroyed" && !isRelease(m));
        if (!machine) throw new Error("no serving machine to drift");
        machine.config = { ...machine.config, env: { ...machine.config.env, LOG_LEVEL: "DEBUG" } };
        return "MachineGroup:app-machines";
    }
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resources: ResourceState[] };
    const image = state.resources.find((r) => nameOf(r.urn) === "database-image");
    if (!image) throw new Error("no database-image in the state to drift");
    (image.outputs as Record<string, unknown>).repoDigest = `postgres@sha256:${"0".repeat(64)}`;
    writeFileSync(stateFile, JSON.stringify(state));
    return "RemoteImage:database-image";
}

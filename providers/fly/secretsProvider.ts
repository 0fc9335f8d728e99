/**
 * `fly:Secrets`: the app secrets this program manages. An update sets only the keys whose value changed and unsets
 * only the keys removed, then outputs Fly's secrets version (pass it to a MachineGroup's `minSecretsVersion` so the
 * machines roll onto it). Values stay secret end to end: they are a secret output and never appear in any other
 * output, error or log.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AppSecretsResponse, AppSecretsUpdateRequest, SecretsVersionResponse } from "./api";
import { flyRequest, seg } from "./client";
import { kindProvider } from "./kindProvider";
import { type CheckFailure, label, isKnown, SECRET_NAME } from "./providerInputs";

export interface SecretsInputs {
    app: string;
    values: Record<string, string>;
}

export interface SecretsOutputs extends SecretsInputs {
    /** Fly's secrets version after the last change this resource made. */
    version: number;
    /** Managed key names, sorted. */
    keys: string[];
    /** Fly's digest per managed key, to notice out-of-band changes on refresh (secret output, like the values). */
    digests: Record<string, string>;
}



function resourceOf(app: string): string {
    return label("Secrets", app);
}

async function listDigests(app: string): Promise<Record<string, string> | undefined> {
    const answer = await flyRequest<AppSecretsResponse | undefined>({ method: "GET", path: `/v1/apps/${seg(app)}/secrets`, resource: resourceOf(app), allowNotFound: true });
    if (!answer) return undefined;
    return Object.fromEntries((answer.secrets ?? []).map((s) => [s.name, s.digest ?? ""]));
}

const versionOf = (answer: SecretsVersionResponse | undefined): number | undefined => answer?.version ?? answer?.Version;

/** Sets `set` in one call and unsets `unset` one by one; returns the last version Fly reported. */
async function apply(app: string, set: Record<string, string>, unset: string[]): Promise<number | undefined> {
    let version: number | undefined;
    if (Object.keys(set).length > 0) {
        // Setting the same values again is harmless, so this call may be retried like any idempotent one.
        const body: AppSecretsUpdateRequest = { values: set };
        version = versionOf(await flyRequest<SecretsVersionResponse>({ method: "POST", path: `/v1/apps/${seg(app)}/secrets`, body, resource: resourceOf(app), retry: "safe" }));
    }
    for (const key of unset) {
        const answer = await flyRequest<SecretsVersionResponse | undefined>({
            method: "DELETE",
            path: `/v1/apps/${seg(app)}/secrets/${seg(key)}`,
            resource: resourceOf(app),
            allowNotFound: true,
        });
        version = versionOf(answer) ?? version;
    }
    return version;
}

function outputs(app: string, values: Record<string, string>, version: number, digests: Record<string, string>): SecretsOutputs {
    const keys = Object.keys(values).sort();
    return { app, values, version, keys, digests: Object.fromEntries(keys.map((k) => [k, digests[k] ?? ""])) };
}

/** Checks what is known; anything unknown at preview (the app name, the whole map, a value) is accepted as such. */
export function checkSecrets(news: Partial<SecretsInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (typeof news.app !== "string" || !news.app) failures.push({ property: "app", reason: "fly:Secrets app is required" });
    if (!isKnown(news.values)) return failures;
    if (!news.values || typeof news.values !== "object" || Array.isArray(news.values)) {
        failures.push({ property: "values", reason: `fly:Secrets "${news.app}": values must be an object of name -> string` });
        return failures;
    }
    for (const [key, value] of Object.entries(news.values)) {
        // Name the key, never the value.
        if (!SECRET_NAME.test(key)) failures.push({ property: "values", reason: `fly:Secrets "${news.app}": key "${key}" must be letters, digits and underscores, not starting with a digit` });
        if (typeof value !== "string") failures.push({ property: "values", reason: `fly:Secrets "${news.app}": value of "${key}" must be a string` });
    }
    return failures;
}

/** Keys to set (new or changed value) and to unset (no longer listed). */
export function secretChanges(olds: Partial<SecretsOutputs>, news: SecretsInputs): { set: string[]; unset: string[] } {
    const before = olds.values ?? {};
    const set = Object.keys(news.values).filter((k) => before[k] !== news.values[k]).sort();
    const unset = Object.keys(before).filter((k) => !(k in news.values)).sort();
    return { set, unset };
}

export function diffSecrets(olds: SecretsOutputs, news: SecretsInputs): pulumi.dynamic.DiffResult {
    if (olds.app !== news.app) return { changes: true, replaces: ["app"], deleteBeforeReplace: false };
    const { set, unset } = secretChanges(olds, news);
    return { changes: set.length + unset.length > 0, replaces: [] };
}

export async function createSecrets(inputs: SecretsInputs): Promise<pulumi.dynamic.CreateResult<SecretsOutputs>> {
    const version = await apply(inputs.app, inputs.values, []);
    const digests = (await listDigests(inputs.app)) ?? {};
    return { id: inputs.app, outs: outputs(inputs.app, inputs.values, version ?? 0, digests) };
}

export async function updateSecrets(olds: SecretsOutputs, news: SecretsInputs): Promise<pulumi.dynamic.UpdateResult<SecretsOutputs>> {
    const { set, unset } = secretChanges(olds, news);
    if (set.length + unset.length === 0) return { outs: outputs(news.app, news.values, olds.version, olds.digests ?? {}) };
    const version = await apply(news.app, Object.fromEntries(set.map((k) => [k, news.values[k]])), unset);
    const digests = (await listDigests(news.app)) ?? {};
    return { outs: outputs(news.app, news.values, version ?? olds.version, digests) };
}

/**
 * Refresh: a managed key that was removed, or whose digest changed out of band, is dropped from `values` so the next
 * `up` sets it again. Import (no state) brings in the key names only: Fly never returns values.
 */
export async function readSecrets(id: string, props?: SecretsOutputs): Promise<pulumi.dynamic.ReadResult> {
    const live = await listDigests(id);
    if (!live) return { id: "", props: undefined };
    if (!props) {
        const keys = Object.keys(live).sort();
        return { id, props: { app: id, values: {}, version: 0, keys, digests: live }, inputs: { app: id, values: {} } };
    }
    const values = Object.fromEntries(Object.entries(props.values ?? {}).filter(([key]) => key in live && (!props.digests?.[key] || props.digests[key] === live[key])));
    return { id, props: outputs(id, values, props.version, live) };
}

export async function deleteSecrets(id: string, props: SecretsOutputs): Promise<void> {
    await apply(id, {}, props.keys ?? Object.keys(props.values ?? {}));
}

/** The Secrets provider (the plugin loads it from the built package: registration.ts). */
export const secretsProvider = kindProvider({ check: (_olds, news) => checkSecrets(news), diff: diffSecrets, create: createSecrets, read: readSecrets, update: (_id, olds, news) => updateSecrets(olds, news), delete: deleteSecrets });

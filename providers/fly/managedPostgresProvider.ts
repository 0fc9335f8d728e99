/**
 * `fly:ManagedPostgres`: a Fly Managed Postgres cluster (`/v1/postgres`).
 *
 * Fly's API can create, read and delete a cluster, and nothing else: it has no update (no PATCH or PUT on
 * `/v1/postgres/{id}`), and fork/restore make new clusters. So a cluster is never changed by `up` and never
 * replaced (that would lose its data): a change of plan, disk, region, major version, name or org is refused at
 * preview (`check`), on that property, with the manual fix. Plan and disk changes are made in Fly's dashboard, then
 * `pulumi refresh` records them (`read` returns the cluster's actual settings as inputs), and the next preview is
 * clean once the program says the same. Creation is asynchronous: create waits until the cluster is `ready`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DataEnvelope, PostgresEndpoint, PostgresPlan } from "./api";
import { FlyApiError, flyRequest } from "./client";
import { createOnce, pollUntil } from "./exactlyOnce";
import { type CheckFailure, CLUSTER_ID, changedKeys, label, unwrap, isKnown } from "./providerInputs";
import {
    clusterPath,
    FAILED_STATUSES,
    getCluster,
    GONE_STATUSES,
    type MpgCluster,
    type MpgClusterSummary,
    type MpgCreateClusterRequest,
    planFromTheWire,
    planOnTheWire,
    refusalError,
    refusals,
} from "./postgresApi";
import { flyRegionProblem } from "./regions";
import { kindProvider } from "./kindProvider";

export type { PostgresPlan } from "./api";

const PLANS: readonly PostgresPlan[] = ["basic", "starter", "launch", "scale", "performance"];

export interface ManagedPostgresInputs {
    name: string;
    orgSlug: string;
    region: string;
    plan: PostgresPlan;
    diskSizeGb: number;
    pgMajorVersion: 16 | 17;
    readyTimeoutSeconds?: number;
    /** The id of an existing cluster to take over instead of creating one (see `ManagedPostgresArgs.adopt`). */
    adopt?: string;
}

export interface ManagedPostgresOutputs extends ManagedPostgresInputs {
    clusterId: string;
    status: string;
    pooler: PostgresEndpoint;
    direct: PostgresEndpoint;
}

/** Every setting of a cluster: none can change through the API. */
const FIXED: readonly (keyof ManagedPostgresInputs & string)[] = ["name", "orgSlug", "region", "plan", "diskSizeGb", "pgMajorVersion"];
const DEFAULT_READY_TIMEOUT_S = 1800;
/**
 * The largest disk a new cluster starts with. Fly's Managed Postgres docs start a cluster at 500 GB at most, though
 * the API's schema (contracts/fly/managed-postgres-openapi.json) takes 10-1000: a cluster reaches 1000 by growing.
 */
export const MAX_INITIAL_DISK_GB = 500;
const NO_ENDPOINT: PostgresEndpoint = { host: "", port: 0 };
const PLAN_RUNBOOK = "docs/runbooks/change-database.md#plan-or-disk-size";
const MOVE_RUNBOOK = "docs/runbooks/change-database.md#move-to-a-new-cluster";

function resourceOf(name: string): string {
    return label("ManagedPostgres", name);
}

function sameSetting(property: string, a: unknown, b: unknown): boolean {
    return property === "plan" ? String(a).toLowerCase() === String(b).toLowerCase() : a === b;
}

/** Why the API cannot make a change of `property`, and the manual fix. */
function fixFor(name: string, property: string, from: unknown, to: unknown): string {
    const who = `${resourceOf(name)}: ${property} cannot change from ${JSON.stringify(from)} to ${JSON.stringify(to)}`;
    const refresh = `then run \`pulumi refresh\` so the state records it (${PLAN_RUNBOOK})`;
    const back = `Or set ${property} back to ${JSON.stringify(from)}.`;
    switch (property) {
        case "plan":
            return (
                `${who}: Fly's Managed Postgres API has no cluster update, and replacing the cluster would lose its data. Change it in the Fly ` +
                `dashboard (Managed Postgres → ${name} → Settings → plan ${JSON.stringify(to)} → "Update Configuration"; the nodes restart), ${refresh}. ${back}`
            );
        case "diskSizeGb":
            if (typeof from === "number" && typeof to === "number" && to < from) {
                return `${who}: a Managed Postgres disk never shrinks. Set diskSizeGb back to ${from} or more.`;
            }
            return `${who}: Fly's Managed Postgres API has no cluster update. Grow the disk to ${to} GB in the Fly dashboard (Managed Postgres → ${name} → Settings), ${refresh}. ${back}`;
        case "region":
        case "pgMajorVersion":
            return (
                `${who}: a cluster cannot move region or change major version in place, and replacing it would lose its data. Keep ${JSON.stringify(from)}, ` +
                `or move the data to a new cluster: ${MOVE_RUNBOOK}.`
            );
        case "name":
            return `${who}: Fly cannot rename a cluster, and replacing it would lose its data. Set name back to ${JSON.stringify(from)}.`;
        default:
            return `${who}: a cluster cannot move to another organization. Set ${property} back to ${JSON.stringify(from)}, or move the data (${MOVE_RUNBOOK}).`;
    }
}

function outputsOf(inputs: ManagedPostgresInputs, cluster: MpgCluster): ManagedPostgresOutputs {
    const primary = cluster.endpoints?.primary;
    return {
        ...inputs,
        name: cluster.name ?? inputs.name,
        orgSlug: cluster.organization?.slug ?? inputs.orgSlug,
        region: cluster.region ?? inputs.region,
        plan: cluster.plan ? planFromTheWire(cluster.plan) : inputs.plan,
        diskSizeGb: cluster.disk_size_gb ?? inputs.diskSizeGb,
        pgMajorVersion: cluster.pg_major_version ? (Number(cluster.pg_major_version) as 16 | 17) : inputs.pgMajorVersion,
        clusterId: cluster.id,
        status: cluster.status,
        pooler: primary?.pooler ?? NO_ENDPOINT,
        direct: primary?.direct ?? NO_ENDPOINT,
    };
}

/** Problems with the new inputs (values unknown at preview are not judged), then the changes the API cannot make. */
export function checkManagedPostgres(olds: Partial<ManagedPostgresInputs> | undefined, news: Partial<ManagedPostgresInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const who = `fly:ManagedPostgres ${JSON.stringify(news.name)}`;
    const bad = (key: keyof ManagedPostgresInputs, invalid: boolean, reason: string): void => {
        if (isKnown(news[key]) && invalid) failures.push({ property: key, reason: `${who}: ${reason}` });
    };
    bad("name", typeof news.name !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(news.name), "name must be lowercase letters, digits and dashes, at most 63 characters");
    bad("orgSlug", typeof news.orgSlug !== "string" || !news.orgSlug, "orgSlug is required");
    const regionProblem = flyRegionProblem(news.region);
    bad("region", regionProblem !== undefined, `region ${regionProblem}, got ${JSON.stringify(news.region)}`);
    bad("plan", !PLANS.includes(news.plan as PostgresPlan), `plan must be one of ${PLANS.join(", ")}, got ${JSON.stringify(news.plan)}`);
    bad("diskSizeGb", !Number.isInteger(news.diskSizeGb) || news.diskSizeGb! < 10 || news.diskSizeGb! > 1000, `diskSizeGb must be an integer from 10 to 1000, got ${news.diskSizeGb}`);
    bad("pgMajorVersion", news.pgMajorVersion !== 16 && news.pgMajorVersion !== 17, `pgMajorVersion must be 16 or 17, got ${news.pgMajorVersion}`);
    // Only a create starts a cluster (no earlier inputs); an adopted one may have grown past it.
    const creating = olds?.name === undefined && news.adopt === undefined;
    bad(
        "diskSizeGb",
        creating && typeof news.diskSizeGb === "number" && news.diskSizeGb > MAX_INITIAL_DISK_GB,
        `a new cluster starts with at most ${MAX_INITIAL_DISK_GB} GB, got ${news.diskSizeGb}; create it with ${MAX_INITIAL_DISK_GB} (database.diskGb) and grow it later in the Fly dashboard, or adopt an existing larger cluster (adopt, database.adopt)`,
    );
    bad("adopt", news.adopt !== undefined && (typeof news.adopt !== "string" || !CLUSTER_ID.test(news.adopt)), `adopt must be the id of an existing cluster (\`fly mpg list\`), got ${JSON.stringify(news.adopt)}`);
    bad("readyTimeoutSeconds", news.readyTimeoutSeconds !== undefined && !(typeof news.readyTimeoutSeconds === "number" && news.readyTimeoutSeconds > 0), "readyTimeoutSeconds must be a positive number of seconds");
    const name = typeof olds?.name === "string" ? olds.name : String(news.name);
    return [...failures, ...refusals(olds, news, FIXED, sameSetting, (p, from, to) => fixFor(name, p, from, to))];
}

/** Never a replacement: a settings change shows as an update, which `update` refuses (check already has). */
export function diffManagedPostgres(olds: ManagedPostgresOutputs, news: ManagedPostgresInputs): pulumi.dynamic.DiffResult {
    const fixed = FIXED.filter((p) => !sameSetting(p, olds[p], news[p]));
    const changed = [...fixed, ...changedKeys<ManagedPostgresInputs>(olds, news, ["readyTimeoutSeconds"])];
    return { changes: changed.length > 0, replaces: [] };
}

async function waitReady(cluster: MpgCluster, inputs: ManagedPostgresInputs): Promise<MpgCluster> {
    const timeoutS = inputs.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_S;
    const who = resourceOf(inputs.name);
    const ready = await pollUntil(async () => {
        const current = await getCluster(cluster.id, who);
        if (!current || GONE_STATUSES.includes(current.status)) throw new Error(`${who}: cluster ${cluster.id} was deleted while it was provisioning; run \`pulumi up\` again to create a new one.`);
        if (FAILED_STATUSES.includes(current.status)) {
            throw new Error(
                `${who}: Fly reports cluster ${cluster.id} as ${current.status}. See \`fly mpg status ${cluster.id}\`, delete it with \`fly mpg destroy ${cluster.id}\`, ` +
                    "and run `pulumi up` again (a failed cluster is never adopted).",
            );
        }
        return current.status === "ready" ? current : undefined;
    }, timeoutS * 1000);
    if (!ready) {
        throw new Error(
            `${who}: cluster ${cluster.id} was not ready after ${timeoutS} s. It keeps provisioning; run \`pulumi up\` again later (the cluster is ` +
                "found by name, not created twice), or raise readyTimeoutSeconds.",
        );
    }
    return ready;
}

/** Settings of `cluster` that differ from `inputs`. */
function mismatches(inputs: ManagedPostgresInputs, cluster: MpgCluster): string[] {
    const actual = outputsOf(inputs, cluster);
    return (["region", "plan", "diskSizeGb", "pgMajorVersion"] as const)
        .filter((p) => !sameSetting(p, actual[p], inputs[p]))
        .map((p) => `${p} ${JSON.stringify(actual[p])} (the program says ${JSON.stringify(inputs[p])})`);
}

/**
 * The live cluster of this name in the org, if there is one: what a create whose answer was lost left behind. One
 * with other settings is not the program's, so it is reported rather than adopted.
 */
async function findCluster(inputs: ManagedPostgresInputs): Promise<MpgCluster | undefined> {
    const who = resourceOf(inputs.name);
    const list = unwrap(await flyRequest<DataEnvelope<MpgClusterSummary[]>>({ method: "GET", path: "/v1/postgres", query: { org_slug: inputs.orgSlug }, resource: who })) ?? [];
    const named = list.filter((c) => c.name === inputs.name && !GONE_STATUSES.includes(c.status) && !FAILED_STATUSES.includes(c.status));
    if (named.length === 0) return undefined;
    if (named.length > 1) {
        throw new Error(`${who}: ${named.length} clusters named ${inputs.name} exist in org ${inputs.orgSlug} (${named.map((c) => c.id).join(", ")}). Delete the extra ones with \`fly mpg destroy <id>\`, or choose another name.`);
    }
    const cluster = await getCluster(named[0].id, who);
    if (!cluster || GONE_STATUSES.includes(cluster.status)) return undefined;
    const differ = mismatches(inputs, cluster);
    if (differ.length > 0) {
        throw new Error(
            `${who}: a cluster named ${inputs.name} already exists in org ${inputs.orgSlug} (${cluster.id}) with ${differ.join(", ")}; it is not adopted. ` +
                `Choose another name, or take it over: set adopt to "${cluster.id}" and the program to its settings (docs/fly-provider-contract.md, "Adopting existing Fly resources").`,
        );
    }
    return cluster;
}

/**
 * The existing cluster `inputs.adopt` names, once verified to be the one the program describes: it exists and is not
 * going away or failed, and its name, organization and settings are the program's. Nothing is sent but reads; a
 * mismatch is refused with every difference and the fix, never "corrected" (the API cannot change a cluster).
 */
async function adoptCluster(inputs: ManagedPostgresInputs & { adopt: string }): Promise<MpgCluster> {
    const who = resourceOf(inputs.name);
    const cluster = await getCluster(inputs.adopt, who);
    if (!cluster || GONE_STATUSES.includes(cluster.status)) {
        throw new Error(`${who}: cannot adopt cluster ${inputs.adopt}: Fly has no such cluster (\`fly mpg list --org ${inputs.orgSlug}\` lists them). Set adopt to one of its ids, or remove adopt to create a new cluster.`);
    }
    if (FAILED_STATUSES.includes(cluster.status)) {
        throw new Error(`${who}: cannot adopt cluster ${cluster.id}: Fly reports it as ${cluster.status} (\`fly mpg status ${cluster.id}\`); a failed cluster is never adopted.`);
    }
    const actual = outputsOf(inputs, cluster);
    const differ = [
        ...(["name", "orgSlug"] as const).filter((p) => actual[p] !== inputs[p]).map((p) => `${p} ${JSON.stringify(actual[p])} (the program says ${JSON.stringify(inputs[p])})`),
        ...mismatches(inputs, cluster),
    ];
    if (differ.length > 0) {
        throw new Error(`${who}: cannot adopt cluster ${cluster.id}: it has ${differ.join(", ")}. Set the program to the cluster's settings (nothing is changed on Fly), then run \`pulumi up\` again.`);
    }
    return cluster;
}

export async function createManagedPostgres(inputs: ManagedPostgresInputs): Promise<pulumi.dynamic.CreateResult<ManagedPostgresOutputs>> {
    if (inputs.adopt !== undefined) {
        const ready = await waitReady(await adoptCluster({ ...inputs, adopt: inputs.adopt }), inputs);
        return { id: ready.id, outs: outputsOf(inputs, ready) };
    }
    const body: MpgCreateClusterRequest = {
        org_slug: inputs.orgSlug,
        region: inputs.region,
        plan: planOnTheWire(inputs.plan),
        name: inputs.name,
        disk_size_gb: inputs.diskSizeGb,
        pg_major_version: String(inputs.pgMajorVersion) as "16" | "17",
    };
    const find = (): Promise<MpgCluster | undefined> => findCluster(inputs);
    const post = async (): Promise<MpgCluster> =>
        unwrap(await flyRequest<DataEnvelope<MpgCluster>>({ method: "POST", path: "/v1/postgres", body, resource: resourceOf(inputs.name), retry: "never" }))!;
    const created = (await find()) ?? (await createOnce(post, find));
    const ready = await waitReady(created, inputs);
    return { id: ready.id, outs: outputsOf(inputs, ready) };
}

/** Inputs as a plain object without `undefined` values (the engine stores what read returns). */
function inputsOf(outs: ManagedPostgresOutputs): ManagedPostgresInputs {
    const { name, orgSlug, region, plan, diskSizeGb, pgMajorVersion, readyTimeoutSeconds } = outs;
    return { name, orgSlug, region, plan, diskSizeGb, pgMajorVersion, ...(readyTimeoutSeconds === undefined ? {} : { readyTimeoutSeconds }) };
}

/**
 * Reads the cluster as it is (refresh). The settings come back as inputs too, so after a dashboard change
 * and `pulumi refresh` the state holds the new plan or disk, and check compares the program with that.
 */
export async function readManagedPostgres(id: string, props?: Partial<ManagedPostgresOutputs>): Promise<pulumi.dynamic.ReadResult> {
    const cluster = await getCluster(id, resourceOf(props?.name ?? id));
    if (!cluster || GONE_STATUSES.includes(cluster.status)) return { id: "", props: undefined };
    const base: ManagedPostgresInputs = {
        name: cluster.name ?? props?.name ?? id,
        orgSlug: cluster.organization?.slug ?? props?.orgSlug ?? "",
        region: cluster.region,
        plan: planFromTheWire(cluster.plan),
        diskSizeGb: cluster.disk_size_gb,
        pgMajorVersion: Number(cluster.pg_major_version) as 16 | 17,
        ...(props?.readyTimeoutSeconds === undefined ? {} : { readyTimeoutSeconds: props.readyTimeoutSeconds }),
    };
    const outs = outputsOf(base, cluster);
    return { id, props: outs, inputs: inputsOf(outs) };
}

/** Only `readyTimeoutSeconds` can change (state only, no request that mutates); any settings change is refused. */
export async function updateManagedPostgres(id: string, olds: ManagedPostgresOutputs, news: ManagedPostgresInputs): Promise<pulumi.dynamic.UpdateResult<ManagedPostgresOutputs>> {
    const refused = refusals(olds, news, FIXED, sameSetting, (p, from, to) => fixFor(olds.name, p, from, to));
    if (refused.length > 0) throw refusalError(refused);
    const cluster = await getCluster(id, resourceOf(news.name));
    if (!cluster || GONE_STATUSES.includes(cluster.status)) throw new Error(`${resourceOf(news.name)}: cluster ${id} no longer exists; run \`pulumi refresh\`.`);
    return { outs: outputsOf(news, cluster) };
}

/** Deletion is asynchronous on Fly (202, then `deleting`); a cluster already gone or being deleted (404, 410) is done. */
export async function deleteManagedPostgres(id: string, props: ManagedPostgresOutputs): Promise<void> {
    try {
        await flyRequest<unknown>({ method: "DELETE", path: clusterPath(id), resource: resourceOf(props?.name ?? id), allowNotFound: true });
    } catch (error) {
        if (!(error instanceof FlyApiError && error.status === 410)) throw error;
    }
}

/** The ManagedPostgres provider (the host loads it from the built package: hostEntry.ts). */
export const managedPostgresProvider = kindProvider({ check: checkManagedPostgres, diff: diffManagedPostgres, create: createManagedPostgres, read: readManagedPostgres, update: updateManagedPostgres, delete: deleteManagedPostgres });

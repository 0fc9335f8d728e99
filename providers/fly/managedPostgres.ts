/**
 * `fly:ManagedPostgres`: a Fly Managed Postgres cluster (`/v1/postgres`). Creation is asynchronous: create waits
 * until the cluster is `ready`. Plan and disk growth update in place; org, region, major version (and name, which
 * Fly cannot rename) replace it, which loses its data: protect the resource where that matters.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CreatePostgresRequest, DataEnvelope, PostgresCluster, PostgresEndpoint, PostgresPlan, UpdatePostgresRequest } from "./api";
import { flyRequest, seg } from "./client";
import { type CheckFailure, changedKeys, createOnce, label, pollUntil, unwrap } from "./common";
import { flyType, withFlyProvider } from "./registration";

export type { PostgresPlan } from "./api";

const PLANS: readonly PostgresPlan[] = ["basic", "starter", "launch", "scale", "performance"];

/** Arguments of {@link ManagedPostgres}. */
export interface ManagedPostgresArgs {
    /** Cluster name, unique in the organization. */
    readonly name: pulumi.Input<string>;
    /** Organization slug. */
    readonly orgSlug: pulumi.Input<string>;
    /** Region, e.g. `ams`. Put it next to the app's machines. */
    readonly region: pulumi.Input<string>;
    /** Size plan. Changes in place. */
    readonly plan: pulumi.Input<PostgresPlan>;
    /** Disk in GB (10-1000). Grows in place; shrinking is an error. */
    readonly diskSizeGb: pulumi.Input<number>;
    /** PostgreSQL major version. Changing it replaces the cluster. */
    readonly pgMajorVersion: pulumi.Input<16 | 17>;
    /**
     * How long `create` waits for the cluster to become ready, in seconds.
     * @default 1800
     */
    readonly readyTimeoutSeconds?: pulumi.Input<number>;
}

export interface ManagedPostgresInputs {
    name: string;
    orgSlug: string;
    region: string;
    plan: PostgresPlan;
    diskSizeGb: number;
    pgMajorVersion: 16 | 17;
    readyTimeoutSeconds?: number;
}

export interface ManagedPostgresOutputs extends ManagedPostgresInputs {
    clusterId: string;
    status: string;
    pooler: PostgresEndpoint;
    direct: PostgresEndpoint;
}

const DEFAULT_READY_TIMEOUT_S = 1800;
const NO_ENDPOINT: PostgresEndpoint = { host: "", port: 0 };

function resourceOf(name: string): string {
    return label("ManagedPostgres", name);
}

async function getCluster(id: string, name: string): Promise<PostgresCluster | undefined> {
    return unwrap(await flyRequest<DataEnvelope<PostgresCluster> | undefined>({ method: "GET", path: `/v1/postgres/${seg(id)}`, resource: resourceOf(name), allowNotFound: true }));
}

// The spec spells major versions as strings and the last plan `Performance`; the program uses numbers and lower case.
const majorOf = (version: PostgresCluster["pg_major_version"]): 16 | 17 => Number(version) as 16 | 17;
const planOf = (plan: PostgresCluster["plan"]): PostgresPlan => plan.toLowerCase() as PostgresPlan;

function outputsOf(inputs: ManagedPostgresInputs, cluster: PostgresCluster): ManagedPostgresOutputs {
    const primary = cluster.endpoints?.primary;
    return {
        ...inputs,
        name: cluster.name ?? inputs.name,
        region: cluster.region ?? inputs.region,
        plan: planOf(cluster.plan),
        diskSizeGb: cluster.disk_size_gb ?? inputs.diskSizeGb,
        pgMajorVersion: majorOf(cluster.pg_major_version),
        clusterId: cluster.id,
        status: cluster.status,
        pooler: { ...NO_ENDPOINT, ...primary?.pooler },
        direct: { ...NO_ENDPOINT, ...primary?.direct },
    };
}

function shrinkError(olds: ManagedPostgresInputs, news: ManagedPostgresInputs): Error {
    return new Error(
        `${resourceOf(news.name)}: cannot shrink the disk from ${olds.diskSizeGb} GB to ${news.diskSizeGb} GB; Managed Postgres disks only ` +
            `grow. Set diskSizeGb back to ${olds.diskSizeGb} or more.`,
    );
}

export function checkManagedPostgres(news: Partial<ManagedPostgresInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const who = `fly:ManagedPostgres ${JSON.stringify(news.name)}`;
    if (typeof news.name !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(news.name)) failures.push({ property: "name", reason: `${who}: name must be lowercase letters, digits and dashes` });
    if (typeof news.orgSlug !== "string" || !news.orgSlug) failures.push({ property: "orgSlug", reason: `${who}: orgSlug is required` });
    if (typeof news.region !== "string" || !news.region) failures.push({ property: "region", reason: `${who}: region is required, e.g. "ams"` });
    if (!PLANS.includes(news.plan as PostgresPlan)) failures.push({ property: "plan", reason: `${who}: plan must be one of ${PLANS.join(", ")}, got ${JSON.stringify(news.plan)}` });
    if (!Number.isInteger(news.diskSizeGb) || news.diskSizeGb! < 10 || news.diskSizeGb! > 1000) failures.push({ property: "diskSizeGb", reason: `${who}: diskSizeGb must be an integer from 10 to 1000, got ${news.diskSizeGb}` });
    if (news.pgMajorVersion !== 16 && news.pgMajorVersion !== 17) failures.push({ property: "pgMajorVersion", reason: `${who}: pgMajorVersion must be 16 or 17, got ${news.pgMajorVersion}` });
    return failures;
}

export function diffManagedPostgres(olds: ManagedPostgresOutputs, news: ManagedPostgresInputs): pulumi.dynamic.DiffResult {
    const replaces = changedKeys<ManagedPostgresInputs>(olds, news, ["name", "orgSlug", "region", "pgMajorVersion"]);
    if (replaces.length === 0 && news.diskSizeGb < olds.diskSizeGb) throw shrinkError(olds, news);
    const updates = changedKeys<ManagedPostgresInputs>(olds, news, ["plan", "diskSizeGb", "readyTimeoutSeconds"]);
    return { changes: replaces.length + updates.length > 0, replaces };
}

async function waitReady(cluster: PostgresCluster, inputs: ManagedPostgresInputs): Promise<PostgresCluster> {
    const timeoutS = inputs.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_S;
    const ready = await pollUntil(async () => {
        const current = await getCluster(cluster.id, inputs.name);
        if (!current) throw new Error(`${resourceOf(inputs.name)}: cluster ${cluster.id} disappeared while provisioning; run \`pulumi up\` again.`);
        if (current.status === "failed") throw new Error(`${resourceOf(inputs.name)}: Fly reports cluster ${cluster.id} as failed. Check \`fly mpg status ${cluster.id}\`, destroy it, and run \`pulumi up\` again.`);
        return current.status === "ready" ? current : undefined;
    }, timeoutS * 1000);
    if (!ready) {
        throw new Error(
            `${resourceOf(inputs.name)}: cluster ${cluster.id} was not ready after ${timeoutS} s. It keeps provisioning; run \`pulumi up\` ` +
                "again later (the cluster is found by name, not created twice), or raise readyTimeoutSeconds.",
        );
    }
    return ready;
}

export async function createManagedPostgres(inputs: ManagedPostgresInputs): Promise<pulumi.dynamic.CreateResult<ManagedPostgresOutputs>> {
    const resource = resourceOf(inputs.name);
    // Adopt a cluster of this name only if it also matches every replace trigger: during a replacement the old
    // cluster still exists under the same name and must not be taken for the new one.
    const find = async (): Promise<PostgresCluster | undefined> => {
        const list = unwrap(await flyRequest<DataEnvelope<PostgresCluster[]>>({ method: "GET", path: "/v1/postgres", query: { org_slug: inputs.orgSlug }, resource })) ?? [];
        return list.find((c) => c.name === inputs.name && c.region === inputs.region && majorOf(c.pg_major_version) === inputs.pgMajorVersion && c.status !== "failed");
    };
    const body: CreatePostgresRequest = {
        org_slug: inputs.orgSlug,
        region: inputs.region,
        plan: inputs.plan === "performance" ? "Performance" : inputs.plan,
        name: inputs.name,
        disk_size_gb: inputs.diskSizeGb,
        pg_major_version: `${inputs.pgMajorVersion}`,
    };
    const created =
        (await find()) ??
        (await createOnce(async () => unwrap(await flyRequest<DataEnvelope<PostgresCluster>>({ method: "POST", path: "/v1/postgres", body, resource, retry: "never" }))!, find));
    const ready = await waitReady(created, inputs);
    return { id: ready.id, outs: outputsOf(inputs, ready) };
}

export async function readManagedPostgres(id: string, props?: ManagedPostgresOutputs): Promise<pulumi.dynamic.ReadResult> {
    const cluster = await getCluster(id, props?.name ?? id);
    if (!cluster) return { id: "", props: undefined };
    const base: ManagedPostgresInputs = props ?? {
        name: cluster.name ?? id,
        orgSlug: cluster.organization?.slug ?? "",
        region: cluster.region,
        plan: planOf(cluster.plan),
        diskSizeGb: cluster.disk_size_gb,
        pgMajorVersion: majorOf(cluster.pg_major_version),
    };
    const outs = outputsOf(base, cluster);
    const { clusterId: _c, status: _s, pooler: _p, direct: _d, ...inputs } = outs;
    return { id, props: outs, inputs };
}

export async function updateManagedPostgres(id: string, olds: ManagedPostgresOutputs, news: ManagedPostgresInputs): Promise<pulumi.dynamic.UpdateResult<ManagedPostgresOutputs>> {
    if (news.diskSizeGb < olds.diskSizeGb) throw shrinkError(olds, news);
    const body: UpdatePostgresRequest = {};
    if (news.plan !== olds.plan) body.plan = news.plan;
    if (news.diskSizeGb !== olds.diskSizeGb) body.disk_size_gb = news.diskSizeGb;
    let cluster: PostgresCluster | undefined;
    if (Object.keys(body).length > 0) {
        cluster = unwrap(await flyRequest<DataEnvelope<PostgresCluster>>({ method: "PATCH", path: `/v1/postgres/${seg(id)}`, body, resource: resourceOf(news.name), retry: "safe" }));
    }
    cluster ??= await getCluster(id, news.name);
    if (!cluster) throw new Error(`${resourceOf(news.name)}: cluster ${id} no longer exists; run \`pulumi refresh\`.`);
    return { outs: outputsOf(news, cluster) };
}

export async function deleteManagedPostgres(id: string, props: ManagedPostgresOutputs): Promise<void> {
    await flyRequest<unknown>({ method: "DELETE", path: `/v1/postgres/${seg(id)}`, resource: resourceOf(props?.name ?? id), allowNotFound: true });
}

/** The ManagedPostgres provider (the plugin loads it from the built package: registration.ts). */
export const managedPostgresProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds, news) {
        return { inputs: news, failures: checkManagedPostgres(news) };
    },
    async diff(_id, olds, news) {
        return diffManagedPostgres(olds, news);
    },
    async create(inputs) {
        return createManagedPostgres(inputs);
    },
    async read(id, props) {
        return readManagedPostgres(id, props);
    },
    async update(id, olds, news) {
        return updateManagedPostgres(id, olds, news);
    },
    async delete(id, props) {
        await deleteManagedPostgres(id, props);
    },
};

/** A Managed Postgres cluster. The id is Fly's cluster id. */
export class ManagedPostgres extends pulumi.CustomResource {
    declare public readonly name: pulumi.Output<string>;
    declare public readonly orgSlug: pulumi.Output<string>;
    declare public readonly region: pulumi.Output<string>;
    declare public readonly plan: pulumi.Output<PostgresPlan>;
    declare public readonly diskSizeGb: pulumi.Output<number>;
    declare public readonly pgMajorVersion: pulumi.Output<16 | 17>;
    /** Fly's cluster id. */
    declare public readonly clusterId: pulumi.Output<string>;
    /** `ready` once created. */
    declare public readonly status: pulumi.Output<string>;
    /** PgBouncer endpoint (use it from the app). */
    declare public readonly pooler: pulumi.Output<PostgresEndpoint>;
    /** Direct endpoint (migrations, admin). */
    declare public readonly direct: pulumi.Output<PostgresEndpoint>;

    constructor(name: string, args: ManagedPostgresArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            flyType("ManagedPostgres"),
            name,
            withFlyProvider("ManagedPostgres", { readyTimeoutSeconds: undefined, ...args, clusterId: undefined, status: undefined, pooler: undefined, direct: undefined }),
            opts,
        );
    }
}

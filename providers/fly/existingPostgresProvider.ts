/**
 * `fly:ExistingPostgres`: a Managed Postgres cluster the stack uses without owning it (a review stack's database
 * lives in staging's cluster). Create reads the cluster and checks that it is ready and in the expected
 * organization; refresh reads it again; delete sends nothing. So no operation of this kind ever changes or removes the
 * cluster, and a stack that holds one can be destroyed without touching it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PostgresEndpoint } from "./api";
import { type CheckFailure, CLUSTER_ID, changedKeys, isKnown, label } from "./providerInputs";
import { kindProvider } from "./kindProvider";
import { getCluster, GONE_STATUSES } from "./postgresApi";

export interface ExistingPostgresInputs {
    /** Fly's id of the cluster (`fly mpg list`). */
    clusterId: string;
    /** The organization the cluster must belong to. */
    orgSlug: string;
}

export interface ExistingPostgresOutputs extends ExistingPostgresInputs {
    name: string;
    region: string;
    pooler: PostgresEndpoint;
    direct: PostgresEndpoint;
}

/** Either change points at another cluster: a new lookup (nothing on Fly changes either way). */
const FIXED = ["clusterId", "orgSlug"] as const;

function who(clusterId: string): string {
    return label("ExistingPostgres", clusterId);
}

export function checkExistingPostgres(_olds: unknown, news: Partial<ExistingPostgresInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (isKnown(news.clusterId) && (typeof news.clusterId !== "string" || !CLUSTER_ID.test(news.clusterId))) {
        failures.push({ property: "clusterId", reason: `fly:ExistingPostgres clusterId must be the id of an existing cluster as \`fly mpg list\` prints it, got ${JSON.stringify(news.clusterId)}` });
    }
    if (isKnown(news.orgSlug) && (typeof news.orgSlug !== "string" || news.orgSlug === "")) {
        failures.push({ property: "orgSlug", reason: `fly:ExistingPostgres orgSlug must be the organization the cluster belongs to, got ${JSON.stringify(news.orgSlug)}` });
    }
    return failures;
}

export function diffExistingPostgres(olds: ExistingPostgresInputs, news: ExistingPostgresInputs): pulumi.dynamic.DiffResult {
    const changed = changedKeys<ExistingPostgresInputs>(olds, news, FIXED);
    return { changes: changed.length > 0, replaces: changed };
}

/** The cluster as the program may use it, or the reason it may not. */
async function verified(inputs: ExistingPostgresInputs): Promise<ExistingPostgresOutputs> {
    const cluster = await getCluster(inputs.clusterId, who(inputs.clusterId));
    const list = `\`fly mpg list --org ${inputs.orgSlug}\` lists its clusters`;
    if (!cluster || GONE_STATUSES.includes(cluster.status)) throw new Error(`${who(inputs.clusterId)}: Fly has no cluster ${inputs.clusterId} (${list}). Set database.cluster to the id of the cluster to share.`);
    const org = cluster.organization?.slug;
    if (org !== inputs.orgSlug) {
        throw new Error(`${who(inputs.clusterId)}: cluster ${inputs.clusterId} belongs to the organization ${JSON.stringify(org)}, not ${JSON.stringify(inputs.orgSlug)} (fly.org). Set database.cluster to a cluster of ${inputs.orgSlug} (${list}).`);
    }
    const primary = cluster.endpoints?.primary;
    if (cluster.status !== "ready" || !primary?.pooler) throw new Error(`${who(inputs.clusterId)}: cluster ${inputs.clusterId} is ${cluster.status}, not ready (\`fly mpg status ${inputs.clusterId}\`); run \`pulumi up\` again once it is.`);
    return { ...inputs, name: cluster.name, region: cluster.region, pooler: primary.pooler, direct: primary.direct ?? primary.pooler };
}

export async function createExistingPostgres(inputs: ExistingPostgresInputs): Promise<pulumi.dynamic.CreateResult<ExistingPostgresOutputs>> {
    return { id: inputs.clusterId, outs: await verified(inputs) };
}

export async function readExistingPostgres(id: string, props: Partial<ExistingPostgresOutputs>): Promise<pulumi.dynamic.ReadResult> {
    const cluster = await getCluster(id, who(id));
    if (!cluster || GONE_STATUSES.includes(cluster.status)) return { id: "", props: undefined };
    const primary = cluster.endpoints?.primary;
    const inputs: ExistingPostgresInputs = { clusterId: id, orgSlug: cluster.organization?.slug ?? String(props.orgSlug) };
    return { id, props: { ...props, ...inputs, name: cluster.name, region: cluster.region, pooler: primary?.pooler ?? props.pooler, direct: primary?.direct ?? props.direct }, inputs };
}

/** The cluster is not the stack's: leaving the stack sends nothing to Fly. */
export async function deleteExistingPostgres(): Promise<void> {}

/** The ExistingPostgres provider (the host loads it from the built package: hostEntry.ts). */
export const existingPostgresProvider = kindProvider({ check: checkExistingPostgres, diff: diffExistingPostgres, create: createExistingPostgres, read: readExistingPostgres, delete: deleteExistingPostgres });

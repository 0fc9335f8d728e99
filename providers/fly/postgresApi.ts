/**
 * What ManagedPostgres, ExistingPostgres, PostgresDatabase and PostgresUser share: the `/v1/postgres` wire shapes
 * they read and send, the read of one cluster, and the refusal every one of them gives for a change Fly's API cannot
 * make.
 *
 * The wire shapes are transcribed from contracts/fly/managed-postgres-openapi.json (schema names in the comments)
 * and live here until providers/fly/generated/ provides them; api.ts's older `PostgresCluster`,
 * `CreatePostgresRequest` and `UpdatePostgresRequest` do not match that spec (and the update has no endpoint).
 */
import type { DataEnvelope, PostgresEndpoint, PostgresPlan } from "./api";
import { flyRequest } from "./client";
import { isKnown, unwrap } from "./providerInputs";

/** `PostgresCluster.status` (the spec's enum, plus `error`, which fly-go says the service reports for `failed`). */
export type MpgStatus = "creating" | "initializing" | "ready" | "deleting" | "deleted" | "failed" | "error";

/** `PostgresCluster` (the fields the providers read). */
export interface MpgCluster {
    id: string;
    name: string;
    status: MpgStatus | string;
    region: string;
    /** The spec's plan slug; `Performance` is capitalised there and matched case-insensitively. */
    plan: string;
    /** Per replica. */
    disk_size_gb: number;
    /** A string in the spec (`"16"`, `"17"`). */
    pg_major_version: string;
    organization?: { name?: string; slug?: string };
    /** Filled in once the cluster is ready. */
    endpoints?: { primary?: { direct?: PostgresEndpoint; pooler?: PostgresEndpoint } };
}

/** `PostgresClusterSummary`, what `GET /v1/postgres` lists (no version, no disk, no endpoints). */
export interface MpgClusterSummary {
    id: string;
    name: string;
    status: MpgStatus | string;
    region: string;
    plan: string;
}

/** `createPostgresClusterRequest`. */
export interface MpgCreateClusterRequest {
    org_slug: string;
    plan: string;
    region: string;
    name?: string;
    disk_size_gb?: number;
    pg_major_version?: "16" | "17";
}

// Arrays, not Sets: Pulumi's closure serializer does not carry a Set's contents into the provider text.
/** Statuses after which a cluster no longer serves (or never will): it is not adopted and reads as gone. */
export const GONE_STATUSES: readonly string[] = ["deleting", "deleted"];
/** Terminal failure statuses: `failed` per the spec, `error` per fly-go. */
export const FAILED_STATUSES: readonly string[] = ["failed", "error"];

/** Our plan names are lowercase; the spec spells the last one `Performance` (it matches case-insensitively). */
export function planOnTheWire(plan: PostgresPlan): string {
    return plan === "performance" ? "Performance" : plan;
}

/** A plan as Fly reports it, in our lowercase spelling. */
export function planFromTheWire(plan: string): PostgresPlan {
    return plan.toLowerCase() as PostgresPlan;
}

/** `/v1/postgres/{id}` plus `rest`, each segment URL-encoded. */
export function clusterPath(clusterId: string, ...rest: string[]): string {
    return ["/v1/postgres", clusterId, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join("/");
}

/** The cluster `clusterId` as Fly reports it, or undefined when Fly has none; `resource` labels the request's errors. */
export async function getCluster(clusterId: string, resource: string): Promise<MpgCluster | undefined> {
    return unwrap(await flyRequest<DataEnvelope<MpgCluster> | undefined>({ method: "GET", path: clusterPath(clusterId), resource, allowNotFound: true }));
}

/** Names of databases (any case) and users (lowercase) per the spec: alphanumeric at both ends, `-` and `_` inside, ≤ 63. */
export const DATABASE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
export const USERNAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

/** One property whose change Fly's API cannot make, and what to do instead. */
export interface Refusal {
    property: string;
    reason: string;
}

/**
 * The refusals for `properties` that differ (both values known) between the old and new inputs: `fix(property,
 * from, to)` says why and what to do. Nothing is refused on create (no old inputs).
 */
export function refusals<T extends object>(
    olds: Partial<T> | undefined,
    news: Partial<T>,
    properties: readonly (keyof T & string)[],
    same: (property: keyof T & string, a: unknown, b: unknown) => boolean,
    fix: (property: keyof T & string, from: unknown, to: unknown) => string,
): Refusal[] {
    if (!olds) return [];
    return properties
        .filter((p) => olds[p] !== undefined && isKnown(olds[p]) && isKnown(news[p]) && !same(p, olds[p], news[p]))
        .map((p) => ({ property: p, reason: fix(p, olds[p], news[p]) }));
}

/** The error `update` throws when a refused change reaches it anyway (check normally stops it at preview). */
export function refusalError(found: Refusal[]): Error {
    return new Error(found.map((r) => r.reason).join("\n"));
}

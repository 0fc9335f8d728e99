/**
 * The request and response shapes the Fly providers use, as aliases of the types generated from the repository's
 * copies of Fly's specs (providers/fly/generated/, `npm run gen:fly-types`): the Machines API
 * (contracts/fly/machines-openapi.json) and Managed Postgres (contracts/fly/managed-postgres-openapi.json). A change
 * of the spec therefore reaches the providers as a type error, not as a request Fly refuses.
 */
import type { components as MachinesComponents } from "./generated/machines";
import type { components as PostgresComponents } from "./generated/managedPostgres";

/** A component schema of the Machines API spec, by its name in `components.schemas`. */
export type MachinesSchema<Name extends keyof MachinesComponents["schemas"]> = MachinesComponents["schemas"][Name];

/** A component schema of the Managed Postgres spec, by its name in `components.schemas`. */
export type PostgresSchema<Name extends keyof PostgresComponents["schemas"]> = PostgresComponents["schemas"][Name];

/**
 * Neither spec marks any response field as required. These are the fields Fly always returns and the providers rely
 * on (an identifier, or what the caller sent): `T` with `Keys` made required.
 */
type Returned<T, Keys extends keyof T> = T & { [K in Keys]-?: Exclude<T[K], undefined> };

/** `CreateAppRequest`; the spec marks nothing required, Fly needs a name and an organization. */
export type CreateAppRequest = Returned<MachinesSchema<"CreateAppRequest">, "name" | "org_slug">;

/** `App`. */
export type FlyApp = Returned<MachinesSchema<"App">, "name">;

/** `assignIPRequest`; Fly needs `type`. */
export type AssignIpRequest = Returned<MachinesSchema<"assignIPRequest">, "type">;

/** `IPAssignment`. */
export type FlyIpAssignment = Returned<MachinesSchema<"IPAssignment">, "ip">;

/** `listIPAssignmentsResponse`. */
export type ListIpAssignmentsResponse = Omit<MachinesSchema<"listIPAssignmentsResponse">, "ips"> & { ips?: FlyIpAssignment[] };

/** `DNSRequirements`. */
export type DnsRequirements = MachinesSchema<"DNSRequirements">;

/** `CertificateDetail`. */
export type CertificateDetail = Returned<MachinesSchema<"CertificateDetail">, "hostname">;

/** `CreateVolumeRequest`; Fly needs a name, a region and a size. */
export type CreateVolumeRequest = Returned<MachinesSchema<"CreateVolumeRequest">, "name" | "region" | "size_gb">;

/** `UpdateVolumeRequest`. */
export type UpdateVolumeRequest = MachinesSchema<"UpdateVolumeRequest">;

/**
 * `Volume`. The spec types `attached_machine_id` as a string; Fly sends `null` for a detached volume (flyctl's Go
 * client reads it as a nullable pointer), so the providers accept both.
 */
export type FlyVolume = Omit<Returned<MachinesSchema<"Volume">, "id" | "name" | "region" | "size_gb">, "attached_machine_id"> & {
    attached_machine_id?: string | null;
};

/** `ExtendVolumeResponse`. */
export type ExtendVolumeResponse = Omit<MachinesSchema<"ExtendVolumeResponse">, "volume"> & { volume?: FlyVolume };

/** `AppSecret`. `value` only comes back with `show_secrets`, which the providers never ask for. */
export type FlyAppSecret = Returned<Omit<MachinesSchema<"AppSecret">, "value">, "name">;

/** `AppSecrets`. */
export type AppSecretsResponse = Omit<MachinesSchema<"AppSecrets">, "secrets"> & { secrets?: FlyAppSecret[] };

/** `AppSecretsUpdateRequest`; `values` is the whole point of the call. */
export type AppSecretsUpdateRequest = Returned<MachinesSchema<"AppSecretsUpdateRequest">, "values">;

/** `AppSecretsUpdateResp` / `DeleteAppSecretResponse`: `version`, and the deprecated `Version` Fly still sends. */
export type SecretsVersionResponse = MachinesSchema<"DeleteAppSecretResponse">;

/** `createPostgresClusterRequest` (`POST /v1/postgres`). */
export type CreatePostgresRequest = PostgresSchema<"createPostgresClusterRequest">;

/**
 * Managed Postgres plans as the program spells them: the spec's enum in lower case (it spells the last one
 * `Performance`, and says plans are matched case-insensitively).
 */
export type PostgresPlan = Lowercase<CreatePostgresRequest["plan"]>;

/**
 * NOT IN THE SPEC: `/v1/postgres/{id}` has only GET and DELETE (see contracts/fly/managed-postgres.md). Kept only so
 * the current provider compiles until its in-place update is replaced by a refusal at preview; the emulator answers
 * the call with 404 and records it as a contract violation.
 */
export interface UpdatePostgresRequest {
    plan?: PostgresPlan;
    disk_size_gb?: number;
}

/** `PostgresEndpoint`: a host and port of a cluster endpoint. */
export type PostgresEndpoint = Returned<PostgresSchema<"PostgresEndpoint">, "host" | "port">;

/** `PostgresCluster`. */
export type PostgresCluster = Returned<PostgresSchema<"PostgresCluster">, "id" | "status" | "region" | "plan" | "disk_size_gb" | "pg_major_version">;

/** Every Managed Postgres answer is wrapped in `data` (`showPostgresClusterResponse`, `listPostgresUsersResponse`, ...). */
export interface DataEnvelope<T> {
    data: T;
}

/** `PostgresDatabase`. */
export type PostgresDatabase = Returned<PostgresSchema<"PostgresDatabase">, "name">;

/** `PostgresUser`. */
export type PostgresUser = Returned<PostgresSchema<"PostgresUser">, "username" | "role">;

/** `PostgresUserCredentials` (`GET .../users/{username}/credentials`). */
export type PostgresCredentials = Returned<PostgresSchema<"PostgresUserCredentials">, "username" | "password">;

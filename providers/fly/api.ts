/**
 * Request and response shapes of the Machines API calls the non-machine providers make, transcribed from Fly's
 * OpenAPI spec (`components.schemas`, names kept in comments) and, for Managed Postgres, from the later public spec
 * summarised in contracts/fly/README.md. Only fields the providers read or send are listed; Fly returns more.
 */

/** `CreateAppRequest`. */
export interface CreateAppRequest {
    name: string;
    org_slug: string;
    network?: string;
    enable_subdomains?: boolean;
}

/** `App`. */
export interface FlyApp {
    id?: string;
    name: string;
    network?: string;
    status?: string;
    organization?: { name?: string; slug?: string };
    machine_count?: number;
    volume_count?: number;
}

/** `assignIPRequest`. */
export interface AssignIpRequest {
    type: string;
    region?: string;
    network?: string;
    org_slug?: string;
    service_name?: string;
}

/** `IPAssignment`. */
export interface FlyIpAssignment {
    ip: string;
    region?: string;
    shared?: boolean;
    service_name?: string;
    created_at?: string;
}

/** `listIPAssignmentsResponse`. */
export interface ListIpAssignmentsResponse {
    ips?: FlyIpAssignment[];
}

/** `DNSRequirements` (subset). */
export interface DnsRequirements {
    a?: string[];
    aaaa?: string[];
    cname?: string;
    acme_challenge?: { name?: string; target?: string };
    ownership?: { name?: string; app_value?: string; org_value?: string };
}

/** `CertificateDetail`. */
export interface CertificateDetail {
    hostname: string;
    status?: string;
    configured?: boolean;
    acme_requested?: boolean;
    dns_requirements?: DnsRequirements;
}

/** `CreateVolumeRequest`. */
export interface CreateVolumeRequest {
    name: string;
    region: string;
    size_gb: number;
    encrypted?: boolean;
    snapshot_retention?: number;
    auto_backup_enabled?: boolean;
}

/** `UpdateVolumeRequest`. */
export interface UpdateVolumeRequest {
    snapshot_retention?: number;
    auto_backup_enabled?: boolean;
}

/** `Volume`. */
export interface FlyVolume {
    id: string;
    name: string;
    region: string;
    size_gb: number;
    encrypted?: boolean;
    snapshot_retention?: number;
    auto_backup_enabled?: boolean;
    state?: string;
    attached_machine_id?: string | null;
}

/** `ExtendVolumeResponse`. */
export interface ExtendVolumeResponse {
    needs_restart?: boolean;
    volume?: FlyVolume;
}

/** `AppSecret`. `value` only comes back with `show_secrets`, which the providers never ask for. */
export interface FlyAppSecret {
    name: string;
    digest?: string;
    created_at?: string;
    updated_at?: string;
}

/** `AppSecrets`. */
export interface AppSecretsResponse {
    secrets?: FlyAppSecret[];
}

/** `AppSecretsUpdateRequest`. */
export interface AppSecretsUpdateRequest {
    values: Record<string, string>;
}

/** `AppSecretsUpdateResp` / `DeleteAppSecretResponse`. */
export interface SecretsVersionResponse {
    version?: number;
    /** Deprecated spelling Fly still sends. */
    Version?: number;
}

/** Managed Postgres plans. */
export type PostgresPlan = "basic" | "starter" | "launch" | "scale" | "performance";

/** `POST /v1/postgres` body. */
export interface CreatePostgresRequest {
    org_slug: string;
    region: string;
    plan: PostgresPlan;
    name?: string;
    disk_size_gb: number;
    pg_major_version: 16 | 17;
}

/** `PATCH /v1/postgres/{id}` body (plan change, disk growth). */
export interface UpdatePostgresRequest {
    plan?: PostgresPlan;
    disk_size_gb?: number;
}

/** A host and port of a cluster endpoint. */
export interface PostgresEndpoint {
    host: string;
    port: number;
}

/** A Managed Postgres cluster. */
export interface PostgresCluster {
    id: string;
    name?: string;
    org_slug?: string;
    region: string;
    plan: PostgresPlan;
    disk_size_gb: number;
    pg_major_version: number;
    status: "provisioning" | "ready" | "failed" | string;
    endpoints?: { primary?: { direct?: PostgresEndpoint; pooler?: PostgresEndpoint } };
}

/** Managed Postgres answers are wrapped in `data`. */
export interface DataEnvelope<T> {
    data: T;
}

/** A database in a cluster. */
export interface PostgresDatabase {
    name: string;
}

/** A user in a cluster. */
export interface PostgresUser {
    username: string;
    role: "schema_admin" | "writer" | "reader";
}

/** `GET .../users/{username}/credentials`. */
export interface PostgresCredentials {
    username: string;
    password: string;
}

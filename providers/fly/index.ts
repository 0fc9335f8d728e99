/**
 * Fly.io resources as Pulumi dynamic providers over the Machines REST API (type tokens
 * `pulumi-nodejs:dynamic/fly:<Name>`). The public contract is docs/fly-provider-contract.md.
 *
 * Credentials: `FLY_API_TOKEN` and `FLY_API_HOSTNAME` (default `https://api.machines.dev`) are read from the
 * environment when a provider method runs; they are never in a resource's `__provider` text or in state.
 */
export { App, type AppArgs } from "./app";
export { IpAssignment, type IpAssignmentArgs, type IpType } from "./ipAssignment";
export { Certificate, type CertificateArgs } from "./certificate";
export { Volume, type VolumeArgs } from "./volume";
export { Secrets, type SecretsArgs } from "./secrets";
export { MachineGroup, type MachineGroupArgs, type FlyMachineConfig, type RolloutStrategy } from "./machineGroup";
export type { RolloutTiming } from "./rollout/timing";
export { ManagedPostgres, type ManagedPostgresArgs, type PostgresPlan } from "./managedPostgres";
export { ExistingPostgres, type ExistingPostgresArgs } from "./existingPostgres";
export { PostgresDatabase, type PostgresDatabaseArgs } from "./postgresDatabase";
export { PostgresUser, type PostgresUserArgs, type PostgresRole } from "./postgresUser";
export { Release, type ReleaseArgs } from "./release";
export { ImageCopy, type ImageCopyArgs } from "./imageCopy";
export { ReleaseHistory, type ReleaseHistoryArgs, type ReleaseRecord, type PromotionInput } from "./releaseHistory";
export { FlyApiError } from "./client";

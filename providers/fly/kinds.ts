/**
 * Every Fly resource kind and its provider object, by the name in its type token `pulumi-nodejs:dynamic/fly:<Kind>`.
 * Adding a kind is one line here (its class then registers with `withFlyProvider("<Kind>", ...)`).
 */
export { appProvider as App } from "./app";
export { ipAssignmentProvider as IpAssignment } from "./ipAssignment";
export { certificateProvider as Certificate } from "./certificate";
export { volumeProvider as Volume } from "./volume";
export { secretsProvider as Secrets } from "./secrets";
export { machineGroupProvider as MachineGroup } from "./machineGroup";
export { managedPostgresProvider as ManagedPostgres } from "./managedPostgres";
export { postgresDatabaseProvider as PostgresDatabase } from "./postgresDatabase";
export { postgresUserProvider as PostgresUser } from "./postgresUser";
export { releaseProvider as Release } from "./release";

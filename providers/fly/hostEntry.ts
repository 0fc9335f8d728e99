/**
 * The entry of the package `@api-environments/fly-provider` (providers/fly/package.json): every kind's provider
 * object, as the thin `__provider` text of each resource loads it (registration.ts) inside Pulumi's dynamic-provider
 * host. scripts/build-fly-provider.mjs bundles it to plain JavaScript (dist/index.js), because the host runs plain
 * node. Nothing here is program-side: the resource classes (app.ts, ...) register through registration.ts alone.
 */
import type * as pulumi from "@pulumi/pulumi";
import { appProvider } from "./appProvider";
import { certificateProvider } from "./certificateProvider";
import { existingPostgresProvider } from "./existingPostgresProvider";
import { imageCopyProvider } from "./imageCopyProvider";
import { ipAssignmentProvider } from "./ipAssignmentProvider";
import { machineGroupProvider } from "./machineGroupProvider";
import { managedPostgresProvider } from "./managedPostgresProvider";
import { postgresDatabaseProvider } from "./postgresDatabaseProvider";
import { postgresUserProvider } from "./postgresUserProvider";
import { upgradesProviderText } from "./providerUpgrade";
import type { FlyKind } from "./registration";
import { releaseHistoryProvider } from "./releaseHistoryProvider";
import { releaseProvider } from "./releaseProvider";
import { secretsProvider } from "./secretsProvider";
import { volumeProvider } from "./volumeProvider";

/** Each kind's own provider, by the name in its type token. */
export const kindProviders: Record<FlyKind, pulumi.dynamic.ResourceProvider> = {
    App: appProvider,
    IpAssignment: ipAssignmentProvider,
    Certificate: certificateProvider,
    Volume: volumeProvider,
    Secrets: secretsProvider,
    MachineGroup: machineGroupProvider,
    ManagedPostgres: managedPostgresProvider,
    PostgresDatabase: postgresDatabaseProvider,
    PostgresUser: postgresUserProvider,
    Release: releaseProvider as pulumi.dynamic.ResourceProvider,
    ExistingPostgres: existingPostgresProvider,
    ImageCopy: imageCopyProvider,
    ReleaseHistory: releaseHistoryProvider,
};

/** The provider of each kind as the host runs it: its own, plus the carrying of a changed `__provider` text. */
export const flyProviders = Object.fromEntries(Object.entries(kindProviders).map(([kind, provider]) => [kind, upgradesProviderText(kind, provider)])) as Record<FlyKind, pulumi.dynamic.ResourceProvider>;

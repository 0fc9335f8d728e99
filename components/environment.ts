/**
 * The composition: a validated stack configuration becomes the environment's components and the stack outputs.
 * Every environment difference arrives here as data (platform, counts, protect, reviewers); nothing branches on
 * the stack's name.
 */
import * as pulumi from "@pulumi/pulumi";
import { LoadedStack, ParsedStackConfig, StackConfig, SUPPLIED_JWT_SECRET } from "../config";
import { databaseRegion } from "../config/managedPostgres";
import { buildsImage, promotionCopy } from "../config/promotion";
import type { ReleaseRecord } from "../providers/fly";
import { AppSecrets } from "./appSecrets";
import { AppImageArgs, AppReleaseInfoArgs, AppService, FlyAppRuntimeArgs, LocalAppRuntimeArgs } from "./appService";
import { requireRetainOnDelete } from "./dataSafety";
import { GitHubEnvironment } from "./githubEnvironment";
import { NAME_LIMITS, NameScope, physicalName, sharedClusterName, sharedName } from "./naming";
import { FlyPostgresArgs, LocalPostgresArgs, Postgres, SharedFlyPostgresArgs } from "./postgres";
import { SentryProject } from "./sentryProject";

/** What a stack exports. */
export interface EnvironmentOutputs {
    /** The environment's name (`ENVIRONMENT`). */
    readonly environment: string;
    readonly appName: pulumi.Output<string>;
    readonly url: pulumi.Output<string>;
    readonly healthUrl: pulumi.Output<string>;
    /** The image the app runs, pinned by digest. */
    readonly imageRef: pulumi.Output<string>;
    /** The release this up deployed: image and digest, commit, deployed and healthy since, rolled back or not. */
    readonly release: pulumi.Output<ReleaseRecord>;
    /** The last 20 releases, newest first (the rollback command's targets). */
    readonly releases: pulumi.Output<ReleaseRecord[]>;
    /** Host the app reaches the database on. */
    readonly databaseHost: pulumi.Output<string>;
    /** When the generated JWT secret rotates next; absent when the secret is supplied. */
    readonly jwtRotatesAt?: pulumi.Output<string>;
    /** The Sentry DSN (secret), when Sentry is configured. */
    readonly sentryDsn?: pulumi.Output<string>;
    /** The GitHub deployment environment, when GitHub is configured. */
    readonly githubEnvironment?: pulumi.Output<string>;
}

/** The values of the named config secrets. Load-time validation guarantees each listed name has a value. */
function pick(values: LoadedStack["secretValues"], names: readonly string[]): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(names.map((key) => [key, values[key]]));
}

function databaseRuntime(config: StackConfig, secrets: AppSecrets): FlyPostgresArgs | SharedFlyPostgresArgs | LocalPostgresArgs {
    const { database } = config;
    // The schema requires database.cluster for flyShared.
    if (database.kind === "flyShared") return { kind: "flyShared", orgSlug: config.fly?.org ?? "", clusterId: database.cluster ?? "" };
    if (database.kind === "fly") {
        return {
            kind: "fly",
            orgSlug: config.fly?.org ?? "",
            // app.regions lists at least one region (schema), so there is always one.
            region: databaseRegion(database, config.app.regions) as string,
            plan: database.plan,
            diskGb: database.diskGb,
            version: database.version,
            adopt: database.adopt,
        };
    }
    return { kind: "local", password: secrets.databasePassword as pulumi.Output<string>, version: database.version, hostPort: database.localPort };
}

function appRuntime(config: StackConfig, database: Postgres, registryToken: pulumi.Output<string> | undefined): FlyAppRuntimeArgs | LocalAppRuntimeArgs {
    const { app } = config;
    if (config.platform === "fly") {
        return {
            kind: "fly",
            orgSlug: config.fly?.org ?? "",
            regions: app.regions,
            machinesPerRegion: app.machines.count,
            cpuKind: app.machines.cpuKind,
            cpus: app.machines.cpus,
            memoryMb: app.machines.memoryMb,
            autostop: app.autostop,
            minRunning: app.minRunning,
            concurrency: app.concurrency,
            strategy: app.deploy.strategy,
            maxUnavailable: app.deploy.maxUnavailable,
            healthTimeoutSeconds: app.deploy.healthTimeoutSeconds,
            rolloutTiming: app.deploy.timing,
            domains: app.domains,
            registryToken,
        };
    }
    return { kind: "local", network: database.network as pulumi.Output<string>, database, hostPort: app.localPort };
}

/**
 * The image this up deploys and what its release record says. A rollback deploys its target by digest whatever
 * `app.image` says; a promoted image runs by its digest, copied first when it lives in another registry or
 * organization (config/promotion.ts); otherwise the image is built or prebuilt as configured.
 */
function releaseOf(stack: LoadedStack): { image: AppImageArgs; info: AppReleaseInfoArgs } {
    const { config } = stack;
    const { image } = config.app;
    if (config.rollback !== undefined) return { image: { ref: config.rollback.to }, info: { commit: config.rollback.commit, rollbackReason: config.rollback.reason } };
    const promoted = image.promoted;
    if (promoted !== undefined) {
        const copy = promotionCopy(config);
        const { soakHours, override } = config.promotion;
        return {
            image: copy === undefined ? { ref: promoted.image } : { copyFrom: copy },
            info: {
                commit: promoted.commit,
                promotion: { from: promoted.from, image: promoted.image, healthyAt: promoted.healthyAt, soakHours, ...(override === undefined ? {} : { overrideReason: override.reason }) },
            },
        };
    }
    // A prebuilt reference was not built from this checkout, so its commit is not this one.
    return { image: { context: image.context, dockerfile: image.dockerfile, ref: image.ref }, info: buildsImage(config) ? { commit: stack.commit } : {} };
}

/**
 * The options every component of the environment gets: when the stack keeps its data (`database.retainOnDelete`),
 * the check that each data resource is registered with `retainOnDelete` (dataSafety.ts), so a data resource added
 * in any component is held to it too.
 */
export function dataSafetyOptions(stack: Pick<ParsedStackConfig, "stack" | "config">): pulumi.ComponentResourceOptions {
    return stack.config.database.retainOnDelete ? { transformations: [requireRetainOnDelete(stack.stack)] } : {};
}

/** Builds the environment a validated stack describes and returns its stack outputs. */
export function buildEnvironment(stack: LoadedStack): EnvironmentOutputs {
    const { config, secretValues } = stack;
    const scope: NameScope = { prefix: config.app.name, stack: stack.stack };
    // Load-time validation guarantees the token when a Fly stack builds its image (config/load.ts).
    const registryToken = config.platform === "fly" && buildsImage(config) ? stack.flyApiToken : undefined;
    const release = releaseOf(stack);
    const opts = dataSafetyOptions(stack);

    const secrets = new AppSecrets("secrets", {
        jwtLength: config.secrets.jwtLength,
        rotationDays: config.secrets.rotationDays,
        jwtSecret: secretValues[SUPPLIED_JWT_SECRET],
        databasePassword: config.database.kind === "local",
        extra: pick(secretValues, config.secrets.extra),
    }, opts);

    // In a shared cluster the database and its user are the stack's own, named after it (app_pr_7).
    const ownInCluster = config.database.kind === "flyShared" ? sharedClusterName(config.database.name, scope) : undefined;
    const database = new Postgres("database", {
        scope,
        runtime: databaseRuntime(config, secrets),
        databaseName: ownInCluster ?? config.database.name,
        username: ownInCluster,
        protect: config.database.protect,
        retainOnDelete: config.database.retainOnDelete,
        backups: config.database.backups,
    }, opts);

    const sentryConfig = config.sentry;
    const perEnvironment = sentryConfig?.project === "perEnvironment";
    const sentry =
        sentryConfig &&
        new SentryProject("sentry", {
            organization: sentryConfig.organization,
            team: sentryConfig.team,
            createTeam: sentryConfig.createTeam,
            projectSlug: sentryConfig.projectSlug ?? (perEnvironment ? physicalName(scope, undefined, NAME_LIMITS.sentry) : sharedName(scope, undefined, NAME_LIMITS.sentry)),
            // A named project is looked up, never created (review stacks report to staging's).
            createProject: perEnvironment && sentryConfig.projectSlug === undefined,
            platform: sentryConfig.platform,
            keyName: config.environment,
        }, opts);

    const { settings } = config.app;
    const app = new AppService("app", {
        scope,
        image: release.image,
        releaseInfo: release.info,
        port: config.app.port,
        healthPath: config.app.healthPath,
        settings: {
            environment: config.environment,
            debug: settings.debug,
            logLevel: settings.logLevel,
            corsOrigins: settings.corsOrigins,
            allowedHosts: settings.allowedHosts,
            jwtExpiryMinutes: settings.jwtExpiryMinutes,
            sentryEnvironment: config.environment,
            sentryTracesSampleRate: sentryConfig?.tracesSampleRate,
        },
        secrets: {
            ...secrets.extra,
            JWT_SECRET: secrets.jwtSecret,
            DATABASE_URL: database.databaseUrl,
            ...(sentry ? { SENTRY_DSN: sentry.dsn } : {}),
        },
        runtime: appRuntime(config, database, registryToken),
        release: config.app.release,
    }, opts);

    const githubConfig = config.github;
    const github =
        githubConfig &&
        new GitHubEnvironment("github", {
            scope,
            owner: githubConfig.owner,
            repository: githubConfig.repository,
            environment: githubConfig.environment,
            branch: githubConfig.branch,
            reviewers: githubConfig.reviewers,
            preventSelfReview: githubConfig.preventSelfReview,
            adminsCanBypass: githubConfig.adminsCanBypass,
            waitTimerMinutes: githubConfig.waitTimerMinutes,
            protection: githubConfig.protection.enabled ? githubConfig.protection : undefined,
            secrets: pick(secretValues, githubConfig.secrets),
            readEnvironments: githubConfig.readEnvironments,
            variables: { PULUMI_STACK: stack.stack, APP_NAME: app.appName, HEALTH_URL: app.healthUrl },
        }, opts);

    return {
        environment: config.environment,
        appName: app.appName,
        url: app.url,
        healthUrl: app.healthUrl,
        imageRef: app.imageRef,
        release: app.release,
        releases: app.releases,
        databaseHost: database.host,
        ...(secrets.rotatesAt ? { jwtRotatesAt: secrets.rotatesAt } : {}),
        ...(sentry ? { sentryDsn: sentry.dsn } : {}),
        ...(github ? { githubEnvironment: github.environment } : {}),
    };
}

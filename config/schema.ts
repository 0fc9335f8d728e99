/**
 * The one schema for a whole stack's configuration. Every key the program reads is declared here, with a secure
 * default where one exists; environment differences live in `Pulumi.<stack>.yaml`, never in code.
 *
 * Keys sit in the project's namespace (`api-environments:<key>`). Nested values are set with
 * `pulumi config set --path`, so numbers and booleans arrive typed.
 */
import { APP_DEFAULTS, DATABASE_DEFAULTS, GITHUB_DEFAULTS, GUARD_DEFAULTS, PROMOTION_DEFAULTS, REVIEW_DEFAULTS, SECRETS_DEFAULTS, SENTRY_DEFAULTS, SETTINGS_DEFAULTS } from "./defaults";
import { FLY_MANAGED_POSTGRES_CHECKED, FLY_MANAGED_POSTGRES_REGIONS, databaseRegion } from "./managedPostgres";
import { BRANCH_NAME, ENV_VAR_NAME, FLY_DATABASE_NAME, SQL_IDENTIFIER } from "./patterns";
import { z } from "zod";
import { IMAGE_BY_DIGEST } from "../providers/fly/imageRef";
import { CLUSTER_ID } from "../providers/fly/providerInputs";
import { FLY_REGIONS, flyRegionProblem } from "../providers/fly/regions";

/** Fly's region codes: the one list, kept with its date and sources in providers/fly/regions.json. */
export { FLY_REGIONS };

/** Fly region codes are three lowercase letters (`ams`, `iad`, `fra`) that Fly's region list has. */
const region = z.string().superRefine((code, ctx) => {
    const problem = flyRegionProblem(code);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Lowercase slug: what Fly app names, Sentry slugs and Docker names all accept. */
const slug = (max: number) =>
    z
        .string()
        .min(1)
        .max(max)
        .regex(/^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/, "must be lowercase letters, digits and dashes, starting with a letter");

/**
 * A custom domain: a lowercase DNS hostname (no scheme, no port, no path), or a wildcard `*.example.com`, which Fly
 * certifies for every direct subdomain.
 */
const DOMAIN = /^(?=.{1,253}$)(\*\.(?=[^.]+\.[^.]+))?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const domain = z
    .string()
    .max(253)
    .regex(DOMAIN, "must be a lowercase DNS hostname such as api.example.com, or a wildcard such as *.example.com (no scheme, port or path)")
    // What Fly's certificate API (and the fly:Certificate check) takes: a name under a top-level domain of letters.
    // Only a well-formed name is judged, so a malformed one is reported once.
    .refine((name) => !DOMAIN.test(name) || /\.[a-z]{2,}$/.test(name), {
        message: "must end in a top-level domain of letters, such as .com or .dev: Fly issues certificates only for public names",
    });

/**
 * What is wrong with a health check path, or undefined. Fly's proxy requests the path exactly as given, so it must
 * be a plain absolute path: no URL, query, fragment, whitespace, empty or dot segment.
 */
export function healthPathProblem(path: string): string | undefined {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) return "must be a path such as /health, not a URL: drop the scheme and host";
    if (!path.startsWith("/")) return "must be an absolute URL path such as /health (starting with /)";
    if (/\s/.test(path)) return "must not contain whitespace";
    if (/[?#]/.test(path)) return "must not contain a query string or fragment (? or #): give the path alone, such as /health";
    if (path.includes("//")) return "must not contain // (an empty path segment)";
    if (path.split("/").some((segment) => segment === "." || segment === "..")) return "must not contain . or .. segments";
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(path)) return "may contain only letters, digits, '.', '_', '~', '-' and '/'";
    return undefined;
}

const healthPath = z.string().superRefine((path, ctx) => {
    const problem = healthPathProblem(path);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * A CORS origin: `scheme://host[:port]` exactly, or `*`. Whether `*` or `http://` is acceptable is an
 * environment decision, enforced by the policy pack for production; the schema only refuses what no browser
 * would ever send as an Origin.
 */
const corsOrigin = z.string().refine(
    (value) => {
        if (value === "*") return true;
        try {
            const url = new URL(value);
            return (
                (url.protocol === "https:" || url.protocol === "http:") &&
                url.origin === value &&
                url.hostname.length > 0
            );
        } catch {
            return false;
        }
    },
    { message: "must be an origin like https://app.example.com (scheme and host, optional port, no path or trailing slash), or *" },
);

/** An allowed Host header: a hostname, optionally with a leading `*.` or `.` for subdomains, or `*`. */
const allowedHost = z
    .string()
    .regex(/^(\*|(\*\.|\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?)$/, "must be a hostname such as api.example.com, .example.com, or *");

/** Environment variable names for secrets supplied through config. */
export const secretName = z
    .string()
    .regex(ENV_VAR_NAME, "must be an UPPER_SNAKE_CASE environment variable name such as STRIPE_API_KEY");

/** An image by digest, `<repository>@sha256:<64 hex>`: what a promotion and a rollback name, never a tag. */
const imageByDigest = z.string().regex(IMAGE_BY_DIGEST, "must be an image by digest, <repository>@sha256:<64 hex>, such as registry.fly.io/api-staging-app@sha256:<digest> (a tag can change after review)");

/** A git commit: 40 hex digits, or `unknown` when the image was not built from a known commit. */
const commitSha = z.string().regex(/^([0-9a-f]{40}|unknown)$/, "must be a full git commit (40 hex digits) or unknown");

/**
 * A promotion record: the release another stack proved, written by `npm run promote -- <from> <to>` from that stack's
 * `release` output, so a promotion is a reviewed commit and undoing it is a revert.
 */
const promotedSchema = z.strictObject({
    /** The stack that ran the release (its `release` output is the source of this record). */
    from: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be the name of the stack the release comes from, such as staging"),
    /** The image the source stack runs, by digest. */
    image: imageByDigest,
    /** The commit the image was built from. */
    commit: commitSha,
    /** When the source stack's release record says it became healthy (ISO 8601); the soak is counted from it. */
    healthyAt: z.iso.datetime({ offset: true, message: "must be an ISO 8601 time such as 2026-12-01T10:00:00Z (the source stack's release.healthyAt)" }),
});

const IMAGE_KINDS = ["context", "promoted", "ref"] as const;

const imageSchema = z
    .strictObject({
        /** Build context directory, relative to the project root. */
        context: z.string().min(1).optional(),
        /** Dockerfile path, relative to the build context. */
        dockerfile: z.string().min(1).default(APP_DEFAULTS.dockerfile),
        /** A prebuilt image reference; pin it with `@sha256:` for production. */
        ref: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64})?$/, "must be an image reference such as registry.fly.io/app:tag or repo@sha256:<64 hex>")
            .optional(),
        /** A release another stack proved, deployed by the same digest (copied into this stack's registry when it differs). */
        promoted: promotedSchema.optional(),
    })
    .superRefine((image, ctx) => {
        const set = IMAGE_KINDS.filter((kind) => image[kind] !== undefined);
        if (set.length !== 1) {
            ctx.addIssue({
                code: "custom",
                // The key to remove (the last one of those set), or context when none is.
                path: [set.length === 0 ? "context" : (set.find((kind) => kind !== "context" && kind !== "promoted") ?? set[set.length - 1])],
                message: "set exactly one of image.context (build from a Dockerfile), image.promoted (a release another stack proved) or image.ref (a prebuilt image)",
            });
        }
    });

/**
 * Promotions into this stack: how long the source must have run a release healthy (policy `promotion-soak`), the
 * emergency override, and where the copy of a promoted image reads the source registry's credentials.
 */
const promotionSchema = z.strictObject({
    /** Hours the source stack must have run the promoted release healthy. */
    soakHours: z.number().int().min(0).max(720).default(PROMOTION_DEFAULTS.soakHours),
    /** An emergency promotion before the soak is over: the policy passes and an advisory finding records why. */
    override: z.strictObject({ reason: z.string().min(10, "must say why the soak is skipped (at least 10 characters)") }).optional(),
    /**
     * The Fly organization of the source stack's registry; when it differs from `fly.org`, the up copies the image by
     * digest into this stack's app repository.
     */
    sourceOrg: slug(63).optional(),
    /** The environment variable holding a Fly token that may pull from the source organization (never the token itself). */
    sourceTokenEnv: z.string().regex(ENV_VAR_NAME, "must be an environment variable name such as FLY_STAGING_API_TOKEN").default(PROMOTION_DEFAULTS.sourceTokenEnv),
});

/**
 * A rollback: set by `npm run rollback` for one up, then removed again. The stack deploys `to` by digest and builds
 * nothing, whatever `app.image` says.
 */
const rollbackSchema = z.strictObject({
    /** A release from the stack's own `releases` output, by digest. */
    to: imageByDigest,
    /** Why (shown in the release record's history and the deploy log). */
    reason: z.string().min(10, "must say why the stack is rolled back (at least 10 characters)"),
    /** The commit `to` was built from, as the `releases` output records it. */
    commit: commitSha.default(PROMOTION_DEFAULTS.unknownCommit),
});

const settingsSchema = z.strictObject({
    /** `DEBUG` for the app. Production must keep it off (policy `no-debug-in-production`). */
    debug: z.boolean().default(SETTINGS_DEFAULTS.debug),
    /** `LOG_LEVEL` for the app. */
    logLevel: z.enum(["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]).default(SETTINGS_DEFAULTS.logLevel),
    /** `CORS_ORIGINS`: origins browsers may call the API from. */
    corsOrigins: z.array(corsOrigin).default([...SETTINGS_DEFAULTS.corsOrigins]),
    /** `ALLOWED_HOSTS`: Host headers the app answers. Empty means the app's own public hostnames. */
    allowedHosts: z.array(allowedHost).default([...SETTINGS_DEFAULTS.allowedHosts]),
    /** `JWT_EXPIRY_MINUTES`: lifetime of access tokens. */
    jwtExpiryMinutes: z.number().int().min(1).max(1440).default(SETTINGS_DEFAULTS.jwtExpiryMinutes),
});

const machinesSchema = z.strictObject({
    /** Machines per region. */
    count: z.number().int().min(1).max(20).default(APP_DEFAULTS.machinesPerRegion),
    cpuKind: z.enum(["shared", "performance"]).default(APP_DEFAULTS.cpuKind),
    cpus: z.number().int().min(1).max(16).default(APP_DEFAULTS.cpus),
    memoryMb: z.number().int().min(256).max(131072).multipleOf(256).default(APP_DEFAULTS.memoryMb),
});

const T = APP_DEFAULTS.rolloutTiming;
/** Up to ten minutes, in milliseconds. */
const delayMs = (fallback: number) => z.number().int().min(0).max(600_000).default(fallback);

/**
 * The delays of a rollout, flyctl's by default. Shorter drains make a blue-green deploy faster but let a Fly proxy
 * that has not yet seen the change send requests to a machine going away.
 */
const timingSchema = z.strictObject({
    /** Blue-green: ms between green's uncordon and blue's cordon (flyctl's waitBeforeCordon). */
    waitBeforeCordonMs: delayMs(T.waitBeforeCordonMs),
    /** Blue-green: ms between blue's cordon and its stop (flyctl's waitBeforeStop). */
    waitBeforeStopMs: delayMs(T.waitBeforeStopMs),
    /** Seconds a machine lease lives unless refreshed: how soon a crashed deploy frees its machines. */
    leaseTtlSeconds: z.number().int().min(2).max(3600).default(T.leaseTtlSeconds),
    /** Longest ms between two reads of a new machine's checks. */
    healthPollMs: z.number().int().min(1).max(60_000).default(T.healthPollMs),
    /** Ms a started machine is watched for a crash loop before its checks alone decide. */
    smokeCheckMs: delayMs(T.smokeCheckMs),
    /** Ms a machine update refused until Fly has the new secrets is retried. */
    secretsWaitMs: delayMs(T.secretsWaitMs),
});

/** The deploy's verification after each up: every GET of the health URL over the window must report the release. */
const verifySchema = z.strictObject({
    /** Seconds the health URL is watched after an up (0: one check). */
    windowSeconds: z.number().int().min(0).max(3600).default(APP_DEFAULTS.verify.windowSeconds),
    /** Seconds between two checks. */
    intervalSeconds: z.number().int().min(1).max(300).default(APP_DEFAULTS.verify.intervalSeconds),
});

const deploySchema = z.strictObject({
    /** How machines are replaced on an update. */
    strategy: z.enum(["rolling", "bluegreen", "immediate"]).default(APP_DEFAULTS.strategy),
    /** Rolling only: machines updated at once. */
    maxUnavailable: z.number().int().min(1).max(20).default(APP_DEFAULTS.maxUnavailable),
    /** How long a new machine may take to pass its checks before the rollout is rolled back. */
    healthTimeoutSeconds: z.number().int().min(10).max(3600).default(APP_DEFAULTS.healthTimeoutSeconds),
    /** Delays of a rollout (drains, polling, smoke check); each key left out keeps flyctl's value. */
    timing: timingSchema.default(timingSchema.parse({})),
    /** The deploy job's verification of each up (delivery/). */
    verify: verifySchema.default(verifySchema.parse({})),
});

/**
 * The release step: a command run once with each new image, before it takes traffic (database migrations). On Fly a
 * short-lived machine with the app's env and secrets; locally a one-off container next to the database.
 */
const releaseSchema = z.strictObject({
    /** The command as an argument list (no shell), run in the app's image, e.g. ["npm", "run", "migrate"]. */
    command: z.array(z.string().min(1)).min(1),
    /** Seconds the command may run before the deploy fails. */
    timeoutSeconds: z.number().int().min(10).max(3600).default(APP_DEFAULTS.releaseTimeoutSeconds),
});

const appSchema = z.strictObject({
    /**
     * Service name; physical names are `<name>-<stack>-<role>`. Changing it replaces the Fly app (hostname, IPs,
     * certificates, secrets) and the database cluster: the guard blocks that (`guard.statefulChanges`).
     */
    name: slug(20),
    image: imageSchema,
    /** Port the container listens on. */
    port: z.number().int().min(1).max(65535).default(APP_DEFAULTS.port),
    /** HTTP path of the health endpoint. */
    healthPath: healthPath.default(APP_DEFAULTS.healthPath),
    /** Fly regions to run in (the first is the primary). */
    regions: z.array(region).min(1).default([...APP_DEFAULTS.regions]),
    machines: machinesSchema.default(machinesSchema.parse({})),
    /** Fly proxy autostop: `off` keeps machines running. */
    autostop: z.enum(["off", "stop", "suspend"]).default(APP_DEFAULTS.autostop),
    /** Machines the Fly proxy keeps running in the primary region even when idle. */
    minRunning: z.number().int().min(0).max(100).default(APP_DEFAULTS.minRunning),
    deploy: deploySchema.default(deploySchema.parse({})),
    /** Fly proxy concurrency limits, in requests. */
    concurrency: z
        .strictObject({
            soft: z.number().int().min(1).max(10000).default(APP_DEFAULTS.concurrency.soft),
            hard: z.number().int().min(1).max(10000).default(APP_DEFAULTS.concurrency.hard),
        })
        .default({ ...APP_DEFAULTS.concurrency }),
    /**
     * Custom domains (`*.example.com` for every subdomain); each gets a TLS certificate. Changing one replaces its
     * certificate: the guard blocks that (`guard.statefulChanges`).
     */
    domains: z.array(domain).default([...APP_DEFAULTS.domains]),
    /** Local runtime only: the host port the API is published on (127.0.0.1). */
    localPort: z.number().int().min(1024).max(65535).default(APP_DEFAULTS.hostPort),
    settings: settingsSchema.default(settingsSchema.parse({})),
    /** The release step (migrations); none when unset. */
    release: releaseSchema.optional(),
});

const databaseSchema = z.strictObject({
    /**
     * `local`: a postgres container; `fly`: a Fly Managed Postgres cluster of the stack's own; `flyShared`: a database
     * and user of the stack's own, named after the stack (`app_pr_7`), inside an existing cluster (`database.cluster`),
     * which is never changed: what review stacks use.
     */
    kind: z.enum(["local", "fly", "flyShared"]),
    /** Database name the app uses. Changing it replaces the database: the Fly provider refuses it, and the guard blocks it. */
    name: z
        .string()
        .regex(SQL_IDENTIFIER, "must be a lowercase SQL identifier such as app")
        .default(DATABASE_DEFAULTS.name),
    /** Managed Postgres plan. */
    plan: z.enum(["basic", "starter", "launch", "scale", "performance"]).default(DATABASE_DEFAULTS.plan),
    /** Managed Postgres disk, in GB (grow only; a new cluster starts at 500 at most, refused by the provider's check). */
    diskGb: z.number().int().min(10).max(1000).default(DATABASE_DEFAULTS.diskGb),
    /** PostgreSQL major version. Changing it replaces the cluster: the Fly provider refuses it, and the guard blocks it. */
    version: z.literal([16, 17]).default(DATABASE_DEFAULTS.version),
    /**
     * Fly region of the cluster; defaults to the app's primary region. Changing it replaces the cluster: the Fly
     * provider refuses it, and the guard blocks it.
     */
    region: region.optional(),
    /** `protect` the database resources so `pulumi destroy` refuses to delete them. */
    protect: z.boolean().default(DATABASE_DEFAULTS.protect),
    /** Keep the database when it leaves the program. */
    retainOnDelete: z.boolean().default(DATABASE_DEFAULTS.retainOnDelete),
    /** Automatic backups. */
    backups: z.boolean().default(DATABASE_DEFAULTS.backups),
    /** Local only: host port for psql (127.0.0.1); unset keeps the database private to the Docker network. */
    localPort: z.number().int().min(1024).max(65535).optional(),
    /**
     * Fly only: the id of an existing Managed Postgres cluster to take over instead of creating one (`fly mpg list`).
     * Its name, organization, region, plan, disk and version must be the ones this config describes.
     */
    adopt: z.string().regex(CLUSTER_ID, "must be the id of an existing cluster as `fly mpg list` prints it (letters, digits, - and _)").optional(),
    /**
     * `flyShared` only: the id of the existing Managed Postgres cluster (staging's, `fly mpg list --org <org>`) the
     * stack's database and user are created in. Changing it is refused by the Fly provider (a database cannot move).
     */
    cluster: z.string().regex(CLUSTER_ID, "must be the id of an existing cluster as `fly mpg list` prints it (letters, digits, - and _)").optional(),
});

const secretsSchema = z.strictObject({
    /** Length of the generated JWT signing secret. */
    jwtLength: z.number().int().min(16).max(512).default(SECRETS_DEFAULTS.jwtLength),
    /** Days between JWT secret rotations. */
    rotationDays: z.number().int().min(1).max(365).default(SECRETS_DEFAULTS.rotationDays),
    /** Extra secrets the app needs; each value is the config secret of the same name. */
    extra: z.array(secretName).default([]),
});

const protectionSchema = z.strictObject({
    enabled: z.boolean().default(GITHUB_DEFAULTS.protection.enabled),
    requiredApprovals: z.number().int().min(1).max(6).default(GITHUB_DEFAULTS.protection.requiredApprovals),
    /** Status checks that must pass before merging (CI job names). */
    statusChecks: z.array(z.string().min(1)).default([...GITHUB_DEFAULTS.protection.statusChecks]),
    linearHistory: z.boolean().default(GITHUB_DEFAULTS.protection.linearHistory),
    enforceAdmins: z.boolean().default(GITHUB_DEFAULTS.protection.enforceAdmins),
    conversationResolution: z.boolean().default(GITHUB_DEFAULTS.protection.conversationResolution),
    dismissStaleReviews: z.boolean().default(GITHUB_DEFAULTS.protection.dismissStaleReviews),
});

const branchName = z.string().regex(BRANCH_NAME, "must be a branch name such as main");

const reviewersSchema = z
    .strictObject({
        /** GitHub user ids (numbers, from `gh api users/<login> --jq .id`). */
        users: z.array(z.number().int().positive()).max(6).default([]),
        /** GitHub team ids (numbers, from `gh api orgs/<org>/teams/<slug> --jq .id`). */
        teams: z.array(z.number().int().positive()).max(6).default([]),
    })
    .default({ users: [], teams: [] });

/** A GitHub environment for the jobs that read the stack without deploying it (previews, policy gate, drift). */
const readEnvironmentSchema = z.strictObject({
    environment: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, "must be a GitHub environment name such as production-preview"),
    /** Branches whose runs may use it; empty admits every run (pull-request previews), which then need reviewers. */
    branches: z.array(branchName).default([]),
    reviewers: reviewersSchema,
    preventSelfReview: z.boolean().default(GITHUB_DEFAULTS.preventSelfReview),
    adminsCanBypass: z.boolean().default(GITHUB_DEFAULTS.adminsCanBypass),
});

const githubSchema = z.strictObject({
    /** Repository owner (user or organization). */
    owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "must be a GitHub user or organization name"),
    /** Repository name. Changing it replaces the GitHub environment and its secrets: the guard blocks that. */
    repository: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository name"),
    /** GitHub environment deployments of this stack run in. Changing it replaces the environment and its secrets: the guard blocks that. */
    environment: z.string().min(1).max(255),
    /** The only branch that may deploy to the environment. */
    branch: branchName,
    reviewers: reviewersSchema,
    preventSelfReview: z.boolean().default(GITHUB_DEFAULTS.preventSelfReview),
    adminsCanBypass: z.boolean().default(GITHUB_DEFAULTS.adminsCanBypass),
    waitTimerMinutes: z.number().int().min(0).max(43200).default(GITHUB_DEFAULTS.waitTimerMinutes),
    protection: protectionSchema.default(protectionSchema.parse({})),
    /** Environment secrets for the workflows; each value is the config secret of the same name. */
    secrets: z.array(secretName).default([]),
    /** Environments for previews, the policy gate and drift, with read-only credentials (docs/delivery.md). */
    readEnvironments: z.array(readEnvironmentSchema).default([]),
});

const sentrySchema = z.strictObject({
    /** Sentry organization slug. Changing it replaces the project and its DSN: the guard blocks that. */
    organization: slug(50),
    /** Team slug that owns the project. */
    team: slug(50),
    /** Create the team (true) or use an existing one (false). */
    createTeam: z.boolean().default(SENTRY_DEFAULTS.createTeam),
    /** `perEnvironment`: one project per stack; `shared`: one project, environments told apart by SENTRY_ENVIRONMENT. */
    project: z.enum(["perEnvironment", "shared"]).default(SENTRY_DEFAULTS.project),
    platform: z.string().regex(/^[a-z0-9-]+$/, "must be a Sentry platform such as python-fastapi or node-express").default(SENTRY_DEFAULTS.platform),
    tracesSampleRate: z.number().min(0).max(1).default(SENTRY_DEFAULTS.tracesSampleRate),
    /** The slug of an existing project to report to, looked up and never created (review stacks name staging's). */
    projectSlug: slug(50).optional(),
});

/** Review stacks (`pr-<number>`, config/stackFile.ts): the section that marks their template, Pulumi.review.yaml. */
const reviewSchema = z.strictObject({
    /** Days without an update after which the sweeper destroys a review stack whose pull request is still open. */
    ttlDays: z.number().int().min(1).max(90).default(REVIEW_DEFAULTS.ttlDays),
});

/**
 * The stateful-change guard (delivery/preview/guard.ts): whether a replace or delete of a resource that holds data or
 * identity fails this stack's preview and deploy, and the one-shot allowances for the next up.
 */
const guardSchema = z.strictObject({
    /** `block`: such a change fails the preview and the deploy unless allowed; `off`: it is only listed. */
    statefulChanges: z.enum(["block", "off"]).default(GUARD_DEFAULTS.statefulChanges),
    /** Resources (logical names) the next up may replace or delete, each with why; a preview that uses none of an entry fails until it is removed. */
    allow: z.array(z.strictObject({ resource: z.string().min(1), reason: z.string().min(10, "must say why losing the resource is intended (at least 10 characters)") })).default([]),
});

/** A promotion's settings and a rollback, after defaults. */
export type PromotionConfig = z.output<typeof promotionSchema>;
export type RollbackConfig = z.output<typeof rollbackSchema>;
export type PromotedImage = z.output<typeof promotedSchema>;

/** The guard's settings, after defaults. */
export type GuardConfig = z.output<typeof guardSchema>;

/** The whole stack, as read from the project's config namespace. */
export const stackConfigSchema = z
    .strictObject({
        /** Name the app reports (`ENVIRONMENT`, `SENTRY_ENVIRONMENT`). */
        environment: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a lowercase name such as production"),
        /** Where the app runs: `local` Docker or `fly`. */
        platform: z.enum(["local", "fly"]),
        fly: z
            .strictObject({
                /** Fly organization slug. Changing it replaces the app and the database cluster: the guard blocks that. */
                org: slug(63),
            })
            .optional(),
        app: appSchema,
        database: databaseSchema,
        secrets: secretsSchema.default(secretsSchema.parse({})),
        github: githubSchema.optional(),
        sentry: sentrySchema.optional(),
        guard: guardSchema.default(guardSchema.parse({})),
        promotion: promotionSchema.default(promotionSchema.parse({})),
        rollback: rollbackSchema.optional(),
        review: reviewSchema.optional(),
    })
    // Cross-key rules run even when some keys are invalid, so one run reports every problem; they read the
    // partially parsed value defensively for that reason.
    .superRefine((cfg, ctx) => crossKeyRules(cfg as LooseConfig, ctx), { when: () => true });

type LooseConfig = {
    platform?: unknown;
    fly?: unknown;
    app?: {
        domains?: unknown[];
        regions?: unknown[];
        minRunning?: unknown;
        machines?: { count?: unknown };
        concurrency?: { soft?: unknown; hard?: unknown };
        image?: { promoted?: unknown };
        deploy?: { maxUnavailable?: unknown; verify?: { windowSeconds?: unknown; intervalSeconds?: unknown } };
    };
    promotion?: { override?: unknown; sourceOrg?: unknown };
    database?: { kind?: unknown; name?: unknown; region?: unknown; protect?: unknown; retainOnDelete?: unknown; backups?: unknown; adopt?: unknown; cluster?: unknown };
    secrets?: { extra?: unknown[] };
    github?: LooseGitHub & { environment?: unknown; secrets?: unknown[]; readEnvironments?: (LooseGitHub & { environment?: unknown; branches?: unknown[] })[] };
};

type LooseGitHub = { reviewers?: { users?: unknown[]; teams?: unknown[] } };

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/**
 * Set on a custom issue whose message quotes config values: the same message without them, which is what is printed
 * when those values came from a secure (`--secret`) config value.
 */
export interface ValueFreeParams {
    readonly withoutValues: string;
}

/** Set on a custom issue that knows its fix: the value that fixes the key, or that the key must be removed. */
export type IssueFix = { readonly fixValue: string } | { readonly removeKey: true };

function crossKeyRules(cfg: LooseConfig, ctx: z.RefinementCtx): void {
    const issue: Issue = (path, message, withoutValues, fix) =>
        ctx.addIssue({ code: "custom", path, message, params: { ...(withoutValues === undefined ? {} : ({ withoutValues } satisfies ValueFreeParams)), ...fix } });
    const app = cfg.app ?? {};
    if (cfg.platform === "fly" && cfg.fly === undefined) issue(["fly", "org"], "is required when platform is fly");
    if (cfg.platform === "fly" && cfg.database?.kind === "local") {
        issue(["database", "kind"], "must be fly when platform is fly (a local container is unreachable from Fly)", undefined, { fixValue: "fly" });
    }
    if (cfg.platform === "local" && (cfg.database?.kind === "fly" || cfg.database?.kind === "flyShared")) issue(["database", "kind"], "must be local when platform is local", undefined, { fixValue: "local" });
    if (cfg.database?.kind === "flyShared") sharedClusterRules(cfg.database, issue);
    else if (cfg.database?.cluster !== undefined) issue(["database", "cluster"], "names a shared cluster, which only database.kind flyShared uses; remove it, or set database.kind flyShared", undefined, { removeKey: true });
    if (cfg.database?.kind === "local" && cfg.database.adopt !== undefined) issue(["database", "adopt"], "adopts a Fly Managed Postgres cluster, so it needs database.kind fly; remove it for a local database", undefined, { removeKey: true });
    // The policy pack cannot see retainOnDelete, so protected data without it would be deleted once unprotected.
    if (cfg.database?.protect === true && cfg.database.retainOnDelete === false) issue(["database", "retainOnDelete"], "must be true when database.protect is true: protected data must also be kept when it leaves the program", undefined, { fixValue: "true" });
    if (cfg.platform === "local" && Array.isArray(app.domains) && app.domains.length > 0) issue(["app", "domains"], "custom domains need platform fly");

    // Only compare against the machine count when the count itself is valid, so one bad value reports once.
    const count = isNumber(app.machines?.count) && app.machines.count >= 1 ? app.machines.count : Infinity;
    const regions = Array.isArray(app.regions) && app.regions.length > 0 ? app.regions.length : 1;
    const total = count * regions;
    if (isNumber(app.minRunning) && app.minRunning > total) {
        issue(["app", "minRunning"], `must not exceed the machines the app has (${total} = machines.count ${count} × ${regions} region(s))`, "must not exceed the machines the app has (machines.count × regions)");
    }
    if (isNumber(app.deploy?.maxUnavailable) && app.deploy.maxUnavailable > total) {
        issue(["app", "deploy", "maxUnavailable"], `must not exceed the machines the app has (${total})`, "must not exceed the machines the app has (machines.count × regions)");
    }
    const { soft, hard } = app.concurrency ?? {};
    if (isNumber(soft) && isNumber(hard) && soft > hard) issue(["app", "concurrency", "soft"], `must not exceed concurrency.hard (${hard})`, "must not exceed concurrency.hard");
    if (Array.isArray(app.regions) && new Set(app.regions).size !== app.regions.length) issue(["app", "regions"], "lists a region twice");
    if (Array.isArray(app.domains)) {
        const first = new Map<unknown, number>();
        app.domains.forEach((name, i) => {
            const seen = first.get(name);
            if (seen === undefined) first.set(name, i);
            else issue(["app", "domains", i], `lists ${String(name)} twice (also app.domains[${seen}]); each domain gets one certificate`, `repeats app.domains[${seen}]; each domain gets one certificate`);
        });
    }
    (cfg.secrets?.extra ?? []).forEach((name, i) => {
        if (typeof name === "string" && RESERVED_ENV.has(name)) issue(["secrets", "extra", i], `${name} is set by the program itself; choose another name`, "names a variable the program sets itself; choose another name");
    });
    if (cfg.database?.kind === "fly") managedPostgresRules(cfg, issue);
    promotionRules(cfg, issue);
    if (cfg.github !== undefined) gitHubRules(cfg.github, issue);
}

/** What only makes sense with a promoted image, and a verification that checks more than once. */
function promotionRules(cfg: LooseConfig, issue: Issue): void {
    const promoted = cfg.app?.image?.promoted !== undefined;
    if (cfg.promotion?.override !== undefined && !promoted) issue(["promotion", "override"], "overrides the soak of a promoted image, and app.image.promoted is not set; remove it", undefined, { removeKey: true });
    if (cfg.promotion?.sourceOrg !== undefined && cfg.platform !== "fly") issue(["promotion", "sourceOrg"], "names a Fly organization to copy from, which needs platform fly; remove it", undefined, { removeKey: true });
    const { windowSeconds, intervalSeconds } = cfg.app?.deploy?.verify ?? {};
    if (isNumber(windowSeconds) && isNumber(intervalSeconds) && windowSeconds > 0 && intervalSeconds > windowSeconds) {
        issue(["app", "deploy", "verify", "intervalSeconds"], `must not exceed verify.windowSeconds (${windowSeconds}), or the window holds a single check`, "must not exceed verify.windowSeconds");
    }
}

type Issue = (path: (string | number)[], message: string, withoutValues?: string, fix?: IssueFix) => void;

/** A database in a cluster the stack does not own: the cluster is named, and never created or adopted. */
function sharedClusterRules(database: NonNullable<LooseConfig["database"]>, issue: Issue): void {
    if (database.cluster === undefined) issue(["database", "cluster"], "is required when database.kind is flyShared: the id of the existing cluster to create the stack's database in (fly mpg list --org <org>)");
    if (database.adopt !== undefined) {
        issue(["database", "adopt"], "takes over a cluster as the stack's own, and database.kind flyShared never owns its cluster; remove it (database.cluster names the shared one)", undefined, { removeKey: true });
    }
}

export { FLY_MANAGED_POSTGRES_REGIONS };

/** What Fly Managed Postgres cannot honour, refused here rather than by Fly half-way through an update. */
function managedPostgresRules(cfg: LooseConfig, issue: Issue): void {
    const database = cfg.database ?? {};
    if (database.backups === false) issue(["database", "backups"], "must be true for Fly Managed Postgres (database.kind fly): Fly always keeps its backups and cannot turn them off", undefined, { fixValue: "true" });
    // Fly's rule for database names; a local postgres also takes a leading or trailing underscore.
    if (typeof database.name === "string" && !FLY_DATABASE_NAME.test(database.name)) {
        issue(["database", "name"], "must start and end with a letter or digit for Fly Managed Postgres (database.kind fly), such as app");
    }
    const supported = [...FLY_MANAGED_POSTGRES_REGIONS].join(", ");
    const listed = `Fly Managed Postgres runs only in ${supported} (config/flyManagedPostgresRegions.json, checked ${FLY_MANAGED_POSTGRES_CHECKED})`;
    // Only a known Fly region is judged here, so an unknown one is reported once (as not a Fly region).
    const region = databaseRegion(database, Array.isArray(cfg.app?.regions) ? cfg.app.regions : []);
    if (typeof region !== "string" || !FLY_REGIONS.has(region) || FLY_MANAGED_POSTGRES_REGIONS.has(region)) return;
    if (database.region === undefined) {
        issue(["database", "region"], `is unset, so the database would run in the app's primary region ${region}, which has no Fly Managed Postgres: ${listed}; set database.region to the one nearest ${region}`);
    } else {
        issue(["database", "region"], `has no Fly Managed Postgres: ${listed}; choose the one nearest the app`);
    }
}

/** Variables the program itself writes into the deploying GitHub environment; a secret may not claim their names. */
export const GITHUB_VARIABLES = ["PULUMI_STACK", "APP_NAME", "HEALTH_URL"] as const;

/** GitHub's limits on environments, checked across keys. */
function gitHubRules(github: NonNullable<LooseConfig["github"]>, issue: Issue): void {
    const reviewers = (owner: LooseGitHub, path: (string | number)[]) => {
        const count = (Array.isArray(owner.reviewers?.users) ? owner.reviewers.users.length : 0) + (Array.isArray(owner.reviewers?.teams) ? owner.reviewers.teams.length : 0);
        if (count > 6) issue([...path, "reviewers"], `lists ${count} required reviewers (users and teams together); GitHub allows at most 6`);
    };
    reviewers(github, ["github"]);
    (Array.isArray(github.secrets) ? github.secrets : []).forEach((name, i) => {
        if (typeof name !== "string") return;
        if (name.startsWith("GITHUB_")) issue(["github", "secrets", i], `${name} starts with GITHUB_, which GitHub reserves; rename the secret`, "starts with GITHUB_, which GitHub reserves; rename the secret");
        else if ((GITHUB_VARIABLES as readonly string[]).includes(name)) issue(["github", "secrets", i], `${name} is a variable the program sets in the environment itself; choose another name`, "names a variable the program sets itself; choose another name");
    });
    const reads = Array.isArray(github.readEnvironments) ? github.readEnvironments : [];
    const names = [github.environment, ...reads.map((read) => read?.environment)];
    reads.forEach((read, i) => {
        if (read === null || typeof read !== "object") return;
        reviewers(read, ["github", "readEnvironments", i]);
        if (typeof read.environment === "string" && names.indexOf(read.environment) !== i + 1) {
            issue(["github", "readEnvironments", i, "environment"], `${read.environment} is already the name of another environment of this stack; each needs its own name`, "repeats the name of another environment of this stack; each needs its own name");
        }
        const branches = Array.isArray(read.branches) ? read.branches : [];
        branches.forEach((branch, j) => {
            if (branches.indexOf(branch) !== j) issue(["github", "readEnvironments", i, "branches", j], `lists ${String(branch)} twice`, "repeats a branch listed before");
        });
    });
}

/** Plain environment variables the app gets on every runtime (never secrets). */
export const PLAIN_ENV_KEYS = [
    "ENVIRONMENT",
    "DEBUG",
    "LOG_LEVEL",
    "CORS_ORIGINS",
    "ALLOWED_HOSTS",
    "SENTRY_ENVIRONMENT",
    "SENTRY_TRACES_SAMPLE_RATE",
    "JWT_EXPIRY_MINUTES",
    "PORT",
] as const;

/** Environment variable names the program sets (plain ones and its own secrets); config may not claim them. */
export const RESERVED_ENV: ReadonlySet<string> = new Set([...PLAIN_ENV_KEYS, "JWT_SECRET", "DATABASE_URL", "SENTRY_DSN", "RELEASE_IMAGE", "RELEASE_COMMIT"]);

/** Validated configuration of one stack, defaults applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
/** Configuration as written in a stack file (defaults optional). */
export type StackConfigInput = z.input<typeof stackConfigSchema>;

/**
 * The program's defaults, each once: the schema fills them into a stack's config (`.default(...)`) and the
 * components resolve the same values at the top of their constructors (`args.x ?? DEFAULTS.x`), so a component
 * built by hand behaves like one built from config. Their `@default` text in the components' args names these
 * constants. config/schema.ts and components/ both import it; it imports only what the Fly provider package owns
 * (the MachineGroup's rollout defaults), which the package needs without config.
 */
import { DEFAULT_HEALTH_TIMEOUT_SECONDS, DEFAULT_MAX_UNAVAILABLE } from "../providers/fly/machineGroupDefaults";
import { UNKNOWN } from "../providers/fly/releaseHistoryRecords";
import { DEFAULT_ROLLOUT_TIMING } from "../providers/fly/rollout/timing";

/** Defaults of the API service (`app.*` in config, `AppServiceArgs` in components/). */
export const APP_DEFAULTS = {
    /** Dockerfile path, relative to the build context. */
    dockerfile: "Dockerfile",
    /** Port the container listens on (`PORT`). */
    port: 8080,
    /** HTTP path of the health endpoint. */
    healthPath: "/health",
    /** Fly regions to run in, the first the primary. */
    regions: ["ams"] as readonly string[],
    /** Machines per region. */
    machinesPerRegion: 1,
    cpuKind: "shared" as "shared" | "performance",
    cpus: 1,
    memoryMb: 512,
    /** Fly proxy autostop: `off` keeps machines running. */
    autostop: "off" as "off" | "stop" | "suspend",
    /** Machines the Fly proxy keeps running when idle. */
    minRunning: 1,
    /** Fly proxy concurrency limits, in requests. */
    concurrency: { soft: 200, hard: 250 } as { readonly soft: number; readonly hard: number },
    /** How machines are replaced on an update. */
    strategy: "rolling" as "rolling" | "bluegreen" | "immediate",
    /** Rolling only: machines updated at once (the MachineGroup's own default). */
    maxUnavailable: DEFAULT_MAX_UNAVAILABLE,
    /** Seconds a new machine may take to pass its checks before the rollout is rolled back (the MachineGroup's own default). */
    healthTimeoutSeconds: DEFAULT_HEALTH_TIMEOUT_SECONDS,
    /** Delays of a rollout (blue-green drains, health polling, smoke check, lease TTL, wait for secrets): flyctl's. */
    rolloutTiming: DEFAULT_ROLLOUT_TIMING,
    /** Custom domains. */
    domains: [] as readonly string[],
    /** Local runtime: the host port the API is published on (127.0.0.1). */
    hostPort: 8080,
    /** Seconds the release command may run before the deploy fails. */
    releaseTimeoutSeconds: 600,
    /** The deploy's verification after each up (`app.deploy.verify`): repeated GETs of the health URL. */
    verify: { windowSeconds: 60, intervalSeconds: 5 } as { readonly windowSeconds: number; readonly intervalSeconds: number },
} as const;

/** Defaults of a promotion (`promotion.*`, `app.image.promoted`). */
export const PROMOTION_DEFAULTS = {
    /** Hours the source stack must have run a release healthy before it may be promoted (policy `promotion-soak`). */
    soakHours: 24,
    /** The environment variable holding the source registry's Fly token when the image is copied. */
    sourceTokenEnv: "FLY_API_TOKEN",
    /** The commit of a release nobody recorded one for (a rollback the command did not annotate, an image built outside git). */
    unknownCommit: UNKNOWN,
} as const;

/** Defaults of the plain settings the app reads from its environment (`app.settings.*`, `AppSettings`). */
export const SETTINGS_DEFAULTS = {
    /** `DEBUG`. */
    debug: false,
    /** `LOG_LEVEL`. */
    logLevel: "INFO" as "TRACE" | "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL",
    /** `CORS_ORIGINS`. */
    corsOrigins: [] as readonly string[],
    /** `ALLOWED_HOSTS`; empty means the app's own public hostnames. */
    allowedHosts: [] as readonly string[],
    /** `JWT_EXPIRY_MINUTES`. */
    jwtExpiryMinutes: 15,
    /** `SENTRY_TRACES_SAMPLE_RATE` when the stack has no Sentry: no traces. */
    sentryTracesSampleRate: 0,
} as const;

/** Defaults of the database (`database.*`, `PostgresArgs`). */
export const DATABASE_DEFAULTS = {
    /** Name of the app's database. */
    name: "app",
    /** Fly Managed Postgres plan. */
    plan: "basic" as "basic" | "starter" | "launch" | "scale" | "performance",
    /** Fly Managed Postgres disk, in GB. */
    diskGb: 10,
    /** PostgreSQL major version. */
    version: 17 as 16 | 17,
    /** `protect` the data resources. */
    protect: true,
    /** Keep the data resources when they leave the program. */
    retainOnDelete: true,
    /** Automatic backups. */
    backups: true,
} as const;

/** Defaults of the app's secrets (`secrets.*`, `AppSecretsArgs`). */
export const SECRETS_DEFAULTS = {
    /** Length of the generated JWT signing secret. */
    jwtLength: 64,
    /** Days between JWT secret rotations. */
    rotationDays: 90,
} as const;

/** Defaults of the GitHub environments (`github.*`, `GitHubEnvironmentArgs`, `GitHubReadEnvironmentArgs`). */
export const GITHUB_DEFAULTS = {
    /** The person who triggered a deployment (or run) cannot approve it. */
    preventSelfReview: true,
    /** Repository admins may bypass the environment's protection rules. */
    adminsCanBypass: false,
    /** Minutes a deployment waits before it starts. */
    waitTimerMinutes: 0,
    /** Protection of the deploying branch. */
    protection: {
        enabled: true,
        /** Approving reviews a pull request needs. */
        requiredApprovals: 1,
        /** Status checks (CI job names) that must pass before merging. */
        statusChecks: ["ci"] as readonly string[],
        linearHistory: true,
        enforceAdmins: true,
        conversationResolution: true,
        dismissStaleReviews: true,
    },
} as const;

/** Defaults of the stateful-change guard (`guard.*`, delivery/preview/guard.ts). */
export const GUARD_DEFAULTS = {
    /** `off`: a replace or delete of a resource that holds data is only listed, not refused. */
    statefulChanges: "off" as "block" | "off",
} as const;

/** Defaults of Sentry (`sentry.*`, `SentryProjectArgs`). */
export const SENTRY_DEFAULTS = {
    /** Create the team (true) or use an existing one (false). */
    createTeam: false,
    /** `perEnvironment`: one project per stack; `shared`: one project, stacks told apart by `SENTRY_ENVIRONMENT`. */
    project: "perEnvironment" as "perEnvironment" | "shared",
    /** Sentry platform of the project. */
    platform: "python-fastapi",
    /** `SENTRY_TRACES_SAMPLE_RATE` when Sentry is configured. */
    tracesSampleRate: 0.1,
} as const;

/** Defaults of review stacks (`review.*`, the template Pulumi.review.yaml). */
export const REVIEW_DEFAULTS = {
    /** Days without an update after which the sweeper destroys a review stack. */
    ttlDays: 7,
} as const;

/**
 * Production mistakes and legitimate variations, as data: each is one change to the compliant `Pulumi.prod.yaml`
 * (a config edit and/or secret config values). stacks.test.ts judges them through analyzerVerdict.ts: every mistake must be
 * blocked by the named rule, mandatory in prod and advisory in staging; every variation must pass prod untouched.
 */

/** The kinds of production mistake the gate blocks, as measured with held-out cases. */
export type MistakeClass =
    | "deploy safety and availability"
    | "origins and hosts"
    | "GitHub protection"
    | "production identity"
    | "secrets and database URLs"
    | "supplied JWT secret"
    | "app settings"
    | "data"
    | "supply chain"
    | "observability"
    | "completeness"
    | "isolation by identity"
    | "security lifetimes"
    | "release command";

/** One change to a stack. */
export interface StackChange {
    readonly what: string;
    /** Edits the stack's config map (keys without the `api-environments:` namespace). */
    readonly config?: (config: Record<string, any>) => void;
    /** Secret config values (`pulumi config set --secret NAME`). */
    readonly secrets?: Readonly<Record<string, string>>;
}

/** A production mistake and the rule that must block it. */
export interface Mistake extends StackChange {
    readonly class: MistakeClass;
    readonly rule: string;
    /** Values that must never appear in a message. */
    readonly secretValues?: readonly string[];
}

const REPORTING_MYSQL = "mysql://reports:hunter2-reports@reports.acme.dev:3306/reports";
const ARCHIVE_SQLITE = "sqlite:////data/archive.db";
const CACHE_MONGO = "mongodb+srv://cache:hunter2-cache@cluster0.acme.dev/cache";
const REPEATED_JWT = "Zq8#pL2!vR7@wX4$".repeat(4);
const KEYBOARD_JWT = "qwertyuiopasdfghjklzxcvbnm1234567890qwertyuiopasdfghjklzxcvbnm12";
const PLACEHOLDER_JWT = `change-me-please-${"0123456789abcdef".repeat(3)}`;
/** A random 64-character value, as `openssl rand -base64 48` prints. */
const RANDOM_JWT = "q9Xk2vLr8TzN5wPm0Ys7Hd4Gf6Bc1Va9Ue2Io5Rt8Yq3Wx6Zs0Mn4Lb7Kj1Hg+A/";

const STAGING_REPLICA = "postgresql://reader:hunter2-replica@replica.staging.acme.dev:5432/app";
const RELEASE_PASSWORD = "--password=hunter2-release";
const RELEASE_TOKEN = "ghp_R3leaseT0kenPastedIntoArgs9x";
const release = (command: string[]) => (c: Record<string, any>) => (c.app.release.command = command);

/** Lets the Fly proxy stop idle machines down to `minRunning`. */
const idleDownTo = (autostop: "stop" | "suspend", minRunning: number) => (c: Record<string, any>) => ((c.app.autostop = autostop), (c.app.minRunning = minRunning));
const extraSecret = (name: string) => (c: Record<string, any>) => (c.secrets.extra = [...(c.secrets.extra ?? []), name]);

export const MISTAKES: readonly Mistake[] = [
    { class: "deploy safety and availability", rule: "safe-rollout", what: "strategy immediate", config: (c) => (c.app.deploy.strategy = "immediate") },
    // Three machines per region, so two out at once is valid config on staging's single region too (a legitimate
    // variation on its own): the mistake is the 2.
    { class: "deploy safety and availability", rule: "safe-rollout", what: "two machines out at once", config: (c) => ((c.app.machines.count = 3), (c.app.deploy.maxUnavailable = 2)) },
    { class: "deploy safety and availability", rule: "safe-rollout", what: "health timeout of 10 s", config: (c) => (c.app.deploy.healthTimeoutSeconds = 10) },
    { class: "deploy safety and availability", rule: "safe-rollout", what: "health timeout of an hour", config: (c) => (c.app.deploy.healthTimeoutSeconds = 3600) },
    { class: "deploy safety and availability", rule: "high-availability", what: "autostop keeps one machine running", config: idleDownTo("suspend", 1) },
    { class: "deploy safety and availability", rule: "high-availability", what: "every machine may stop when idle", config: idleDownTo("stop", 0) },
    {
        class: "deploy safety and availability",
        rule: "high-availability",
        what: "one machine",
        config: (c) => {
            c.app.regions = ["ams"];
            c.app.machines.count = 1;
            c.app.minRunning = 1;
        },
    },
    { class: "deploy safety and availability", rule: "proxy-concurrency-limits", what: "hard concurrency limit of 10000", config: (c) => (c.app.concurrency = { soft: 200, hard: 10000 }) },

    { class: "origins and hosts", rule: "production-hosts-only", what: "localhost CORS origin", config: (c) => c.app.settings.corsOrigins.push("https://localhost:3000") },
    { class: "origins and hosts", rule: "production-hosts-only", what: "staging CORS origin", config: (c) => (c.app.settings.corsOrigins = ["https://staging.acme.dev"]) },
    { class: "origins and hosts", rule: "production-hosts-only", what: "loopback allowed host", config: (c) => c.app.settings.allowedHosts.push("127.0.0.1") },
    { class: "origins and hosts", rule: "production-hosts-only", what: "private IP allowed host", config: (c) => c.app.settings.allowedHosts.push("10.0.0.5") },
    { class: "origins and hosts", rule: "production-hosts-only", what: ".local allowed host", config: (c) => (c.app.settings.allowedHosts = ["api.acme.local"]) },
    { class: "origins and hosts", rule: "production-hosts-only", what: "staging custom domain", config: (c) => c.app.domains.push("api.staging.acme.dev") },

    { class: "GitHub protection", rule: "protected-deploy-environment", what: "admins can bypass", config: (c) => (c.github.adminsCanBypass = true) },
    { class: "GitHub protection", rule: "protected-deploy-environment", what: "self-review allowed", config: (c) => (c.github.preventSelfReview = false) },
    { class: "GitHub protection", rule: "protected-deploy-environment", what: "no reviewers", config: (c) => (c.github.reviewers = { users: [], teams: [] }) },
    { class: "GitHub protection", rule: "protected-deploy-environment", what: "no wait timer", config: (c) => (c.github.waitTimerMinutes = 0) },
    { class: "GitHub protection", rule: "protected-deploy-environment", what: "deploys from another branch", config: (c) => (c.github.branch = "develop") },
    { class: "GitHub protection", rule: "protected-deploy-branch", what: "admins may bypass the branch ruleset", config: (c) => (c.github.protection.enforceAdmins = false) },
    { class: "GitHub protection", rule: "protected-deploy-branch", what: "approvals survive a later push", config: (c) => (c.github.protection.dismissStaleReviews = false) },
    { class: "GitHub protection", rule: "protected-deploy-branch", what: "no status checks", config: (c) => (c.github.protection.statusChecks = []) },
    { class: "GitHub protection", rule: "protected-deploy-branch", what: "deploy branch unprotected", config: (c) => (c.github.protection.enabled = false) },

    { class: "production identity", rule: "production-identity", what: "environment staging", config: (c) => (c.environment = "staging") },
    { class: "production identity", rule: "production-identity", what: "environment prod", config: (c) => (c.environment = "prod") },
    { class: "production identity", rule: "production-identity", what: "GitHub environment staging", config: (c) => (c.github.environment = "staging") },

    { class: "secrets and database URLs", rule: "postgres-only-database", what: "a MySQL reporting database", config: extraSecret("REPORTING_DATABASE_URL"), secrets: { REPORTING_DATABASE_URL: REPORTING_MYSQL }, secretValues: [REPORTING_MYSQL, "hunter2-reports"] },
    { class: "secrets and database URLs", rule: "postgres-only-database", what: "a SQLite archive under another name", config: extraSecret("ARCHIVE_STORE"), secrets: { ARCHIVE_STORE: ARCHIVE_SQLITE }, secretValues: [ARCHIVE_SQLITE] },
    { class: "secrets and database URLs", rule: "postgres-only-database", what: "a MongoDB cache", config: extraSecret("CACHE_DSN"), secrets: { CACHE_DSN: CACHE_MONGO }, secretValues: [CACHE_MONGO, "hunter2-cache"] },

    { class: "supplied JWT secret", rule: "strong-jwt-secret", what: "64 characters of one repeated block", secrets: { JWT_SECRET: REPEATED_JWT }, secretValues: [REPEATED_JWT] },
    { class: "supplied JWT secret", rule: "strong-jwt-secret", what: "a 64-character keyboard walk", secrets: { JWT_SECRET: KEYBOARD_JWT }, secretValues: [KEYBOARD_JWT] },
    { class: "supplied JWT secret", rule: "strong-jwt-secret", what: "a placeholder", secrets: { JWT_SECRET: PLACEHOLDER_JWT }, secretValues: [PLACEHOLDER_JWT] },
    { class: "supplied JWT secret", rule: "strong-jwt-secret", what: "a 16-character generated secret", config: (c) => (c.secrets.jwtLength = 16) },

    { class: "app settings", rule: "no-debug-in-production", what: "DEBUG on", config: (c) => (c.app.settings.debug = true) },
    { class: "app settings", rule: "strict-cors-and-hosts", what: "wildcard CORS", config: (c) => (c.app.settings.corsOrigins = ["*"]) },
    { class: "app settings", rule: "strict-cors-and-hosts", what: "http:// CORS origin", config: (c) => (c.app.settings.corsOrigins = ["http://app.acme.dev"]) },
    { class: "app settings", rule: "strict-cors-and-hosts", what: "wildcard allowed host", config: (c) => (c.app.settings.allowedHosts = ["*"]) },
    { class: "app settings", rule: "production-log-level", what: "LOG_LEVEL DEBUG", config: (c) => (c.app.settings.logLevel = "DEBUG") },
    { class: "data", rule: "data-protection", what: "unprotected database", config: (c) => (c.database.protect = false) },
    { class: "supply chain", rule: "image-pinned-by-digest", what: "unpinned prebuilt image", config: (c) => (c.app.image = { ref: "registry.fly.io/api:latest" }) },
    { class: "observability", rule: "sentry-in-production", what: "traces sample rate 0.5", config: (c) => (c.sentry.tracesSampleRate = 0.5) },
    { class: "completeness", rule: "production-stack-complete", what: "no Sentry", config: (c) => delete c.sentry },
    { class: "completeness", rule: "production-stack-complete", what: "no GitHub environment", config: (c) => delete c.github },

    { class: "isolation by identity", rule: "production-isolation", what: "the Fly organization of staging", config: (c) => (c.fly.org = "acme-staging") },
    { class: "isolation by identity", rule: "production-isolation", what: "Fly's personal organization", config: (c) => (c.fly.org = "personal") },
    { class: "isolation by identity", rule: "production-isolation", what: "the Sentry organization of previews", config: (c) => (c.sentry.organization = "acme-preview") },
    { class: "isolation by identity", rule: "production-isolation", what: "the GitHub repository of a review app", config: (c) => (c.github.repository = "api-pr-42") },
    { class: "isolation by identity", rule: "production-isolation", what: "a replica URL on a staging host", config: extraSecret("REPLICA_DATABASE_URL"), secrets: { REPLICA_DATABASE_URL: STAGING_REPLICA }, secretValues: [STAGING_REPLICA, "hunter2-replica"] },
    { class: "isolation by identity", rule: "production-hosts-only", what: "a pull request's Netlify preview as CORS origin", config: (c) => c.app.settings.corsOrigins.push("https://deploy-preview-42--acme.netlify.app") },
    { class: "isolation by identity", rule: "production-hosts-only", what: "a review app's Fly host as allowed host", config: (c) => c.app.settings.allowedHosts.push("api-pr-12-app.fly.dev") },

    { class: "security lifetimes", rule: "token-lifetimes", what: "access tokens valid for a day", config: (c) => (c.app.settings.jwtExpiryMinutes = 1440) },
    { class: "security lifetimes", rule: "token-lifetimes", what: "access tokens valid for an hour", config: (c) => (c.app.settings.jwtExpiryMinutes = 60) },
    { class: "security lifetimes", rule: "token-lifetimes", what: "the JWT secret rotated once a year", config: (c) => (c.secrets.rotationDays = 365) },

    { class: "release command", rule: "safe-release-command", what: "a down migration", config: release(["npm", "run", "migrate:down"]) },
    { class: "release command", rule: "safe-release-command", what: "alembic downgrade", config: release(["alembic", "downgrade", "-1"]) },
    { class: "release command", rule: "safe-release-command", what: "a reset before migrating", config: release(["npx", "prisma", "migrate", "reset", "--force"]) },
    { class: "release command", rule: "safe-release-command", what: "a password as an argument", config: release(["npm", "run", "migrate", "--", RELEASE_PASSWORD]), secretValues: [RELEASE_PASSWORD, "hunter2-release"] },
    { class: "release command", rule: "safe-release-command", what: "a token after a flag", config: release(["./migrate", "--token", RELEASE_TOKEN]), secretValues: [RELEASE_TOKEN] },
];

/** Changes a careful reviewer lets through; documented in policies/README.md ("Legitimate variations"). */
export const VARIATIONS: readonly StackChange[] = [
    { what: "a shared Sentry project (sentry.project: shared)", config: (c) => (c.sentry.project = "shared") },
    { what: "rolling instead of bluegreen", config: (c) => (c.app.deploy.strategy = "rolling") },
    { what: "a longer health timeout (600 s)", config: (c) => (c.app.deploy.healthTimeoutSeconds = 600) },
    {
        what: "one region with two machines",
        config: (c) => {
            c.app.regions = ["ams"];
        },
    },
    { what: "more machines and a third region", config: (c) => ((c.app.regions = ["ams", "fra", "lhr"]), (c.app.machines.count = 3)) },
    { what: "autostop that keeps two machines running", config: (c) => (c.app.autostop = "stop") },
    { what: "other concurrency limits", config: (c) => (c.app.concurrency = { soft: 500, hard: 800 }) },
    { what: "another production domain, origin and host", config: (c) => (c.app.domains.push("api.acme.com"), c.app.settings.corsOrigins.push("https://admin.acme.dev"), c.app.settings.allowedHosts.push("api.acme.com")) },
    { what: "a quieter log level and fewer traces", config: (c) => ((c.app.settings.logLevel = "ERROR"), (c.sentry.tracesSampleRate = 0)) },
    { what: "a longer wait timer, more approvals, another reviewer", config: (c) => ((c.github.waitTimerMinutes = 30), (c.github.protection.requiredApprovals = 3), c.github.reviewers.users.push(1024002)) },
    { what: "no linear history or conversation resolution", config: (c) => ((c.github.protection.linearHistory = false), (c.github.protection.conversationResolution = false)) },
    { what: "a supplied random JWT secret", secrets: { JWT_SECRET: RANDOM_JWT } },
    { what: "an extra secret for the app", config: extraSecret("STRIPE_API_KEY"), secrets: { STRIPE_API_KEY: "sk_live_51HxYzVariationValue0000" } },
    { what: "a PostgreSQL read replica URL", config: extraSecret("REPLICA_DATABASE_URL"), secrets: { REPLICA_DATABASE_URL: "postgresql://reader:pw-replica-0001@replica.acme.dev:5432/app" } },
    { what: "a bigger database and machines", config: (c) => ((c.database.plan = "scale"), (c.database.diskGb = 100), (c.app.machines.cpuKind = "performance")) },
    { what: "organizations whose names hold no environment word (acme-devices, acme-reviews)", config: (c) => ((c.fly.org = "acme-devices"), (c.sentry.organization = "acme-reviews")) },
    { what: "the longest production lifetimes: 30-minute tokens, a secret rotated every 90 days", config: (c) => ((c.app.settings.jwtExpiryMinutes = 30), (c.secrets.rotationDays = 90)) },
    { what: "shorter lifetimes: 5-minute tokens, weekly rotation", config: (c) => ((c.app.settings.jwtExpiryMinutes = 5), (c.secrets.rotationDays = 7)) },
    { what: "another forward migration command with options", config: release(["npx", "knex", "migrate:latest", "--env", "production", "--timeout=600"]) },
    { what: "alembic upgrade head", config: release(["alembic", "upgrade", "head"]) },
    { what: "a hosting platform's production origin (no preview marker)", config: (c) => c.app.settings.corsOrigins.push("https://acme.netlify.app", "https://acme.pages.dev") },
];

/**
 * Every rule against a compliant production baseline, one property changed per case: the expected rule fires (and
 * no other), and no message carries a secret value. Unknown (preview) values must fail a rule, never skip it.
 * The real analyzer judges each case (analyzerVerdict.ts, every rule mandatory): a rule the runtime skipped on an unknown
 * value is reported advisory, so every expected violation must be mandatory.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rules } from "../../policies/rules";
import { join } from "node:path";
import { assertNoSecretIn, baseline, changed, envOf, EVERY_RULE_MANDATORY, find, Fixture, findings, HOW_TO_FIX, SECRETS, secretValues, T, UNKNOWN, wireSecret } from "./fixtures";
import { judgeResources } from "./analyzerVerdict";

interface Case {
    /** The rule that must fire. */
    readonly rule: string;
    readonly what: string;
    readonly change: (resources: Fixture[]) => void;
    /** Other rules this one change legitimately breaks too; `"any"` when the change blinds several rules. */
    readonly also?: readonly string[] | "any";
    /** Secret values introduced by the change, which must not be echoed either. */
    readonly secrets?: readonly string[];
    /** Rule settings of the enforcement file the case needs (a rule off by default, such as `budget`). */
    readonly settings?: Record<string, Record<string, unknown>>;
}

const group = (r: Fixture[]) => find(r, T.group);
const service = (r: Fixture[]) => group(r).props.config.services[0];
const ghEnv = (r: Fixture[]) => find(r, T.ghEnv);
const protection = (r: Fixture[]) => find(r, T.ghProtection);
const remove = (r: Fixture[], type: string) => r.splice(r.indexOf(find(r, type)), 1);
const dockerApp = (envs: string[]): Fixture => ({
    type: T.container,
    name: "api-container",
    urn: "urn:pulumi:prod::api-environments::docker:index/container:Container::api-container",
    props: { name: "api", image: `api@sha256:${"b".repeat(64)}`, envs, healthcheck: { tests: ["CMD", "curl", "-f", "http://localhost:8080/health"] } },
});
const WEAK_JWT = "dev-secret-16chr";
const STAGING_URL = "https://reports:hunter2-staging@reports.staging.acme.dev/api";
const PLACEHOLDER_JWT = `change-me-${"x1y2z3".repeat(10)}`;
const SQLITE_URL = "sqlite:///./data/app.db?password=hunter2-sqlite";
const MYSQL_URL = "mysql://report:hunter2-mysql@db.acme.dev:3306/reports";
const REPEATED_JWT = "Zq8#pL2!vR7@wX4$".repeat(4);
const KEYBOARD_JWT = "qwertyuiopasdfghjklzxcvbnm1234567890qwertyuiopasdfghjklzxcvbnm12";
/** Another GitHub environment of the stack (as a prod-preview environment would be), with the given reviewer ids. */
const previewEnvironment = (users: number[]): Fixture => ({
    type: T.ghEnv,
    name: "api-github-preview",
    urn: "urn:pulumi:prod::api-environments::github:index/repositoryEnvironment:RepositoryEnvironment::api-github-preview",
    props: { repository: "api", environment: "production-preview", reviewers: [{ users, teams: [] }], preventSelfReview: true, canAdminsBypass: false },
});
/** Replaces the classic protection by an equivalent active ruleset on main, with `rules`/`extra` changed. */
function swapForRuleset(r: Fixture[], change: { bypassActors?: unknown[]; pullRequest?: Record<string, unknown>; nonFastForward?: boolean } = {}): void {
    remove(r, T.ghProtection);
    r.push({
        type: T.ghRuleset,
        name: "api-main-ruleset",
        urn: "urn:pulumi:prod::api-environments::ruleset::api-main-ruleset",
        props: {
            repository: "api",
            target: "branch",
            enforcement: "active",
            conditions: { refName: { includes: ["refs/heads/main"], excludes: [] } },
            bypassActors: change.bypassActors ?? [],
            rules: {
                deletion: true,
                nonFastForward: change.nonFastForward ?? true,
                pullRequest: change.pullRequest ?? { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true },
                requiredStatusChecks: { requiredChecks: [{ context: "ci" }] },
            },
        },
    });
}

const cases: Case[] = [
    ...["true", "True", "1", "yes", "on"].map((value): Case => ({ rule: "no-debug-in-production", what: `DEBUG=${value}`, change: (r) => (envOf(r).DEBUG = value) })),
    { rule: "no-debug-in-production", what: "DEBUG not set", change: (r) => delete envOf(r).DEBUG },
    { rule: "no-debug-in-production", what: "DEBUG unknown at preview", change: (r) => (envOf(r).DEBUG = UNKNOWN) },
    { rule: "no-debug-in-production", what: "DEBUG=on in a docker app container", change: (r) => r.push(dockerApp(["ENVIRONMENT=production", "DEBUG=on", "LOG_LEVEL=INFO", "ALLOWED_HOSTS=api.acme.dev", "SENTRY_TRACES_SAMPLE_RATE=0.1", "SENTRY_ENVIRONMENT=production", "JWT_EXPIRY_MINUTES=15"])) },

    { rule: "strong-jwt-secret", what: "generated with 16 characters", change: (r) => (find(r, T.password).props.length = 16) },
    { rule: "strong-jwt-secret", what: "generated without special characters", change: (r) => (find(r, T.password).props.special = false) },
    { rule: "strong-jwt-secret", what: "generator length unknown", change: (r) => (find(r, T.password).props.length = UNKNOWN) },
    { rule: "strong-jwt-secret", what: "supplied with 16 characters", change: (r) => (secretValues(r).JWT_SECRET = WEAK_JWT), secrets: [WEAK_JWT] },
    { rule: "strong-jwt-secret", what: "supplied placeholder of 70 characters", change: (r) => (secretValues(r).JWT_SECRET = PLACEHOLDER_JWT), secrets: [PLACEHOLDER_JWT] },
    {
        rule: "strong-jwt-secret",
        what: "unknown and not from a generator",
        change: (r) => {
            secretValues(r).JWT_SECRET = UNKNOWN;
            const secrets = find(r, T.secrets);
            secrets.dependencies = secrets.dependencies!.filter((u) => u !== find(r, T.password).urn);
        },
    },
    { rule: "strong-jwt-secret", what: "JWT_SECRET in plain machine env", change: (r) => (envOf(r).JWT_SECRET = SECRETS.jwt), also: ["no-secret-in-plain-env"] },

    { rule: "strict-cors-and-hosts", what: "wildcard CORS", change: (r) => (envOf(r).CORS_ORIGINS = "*") },
    { rule: "strict-cors-and-hosts", what: "http:// CORS origin", change: (r) => (envOf(r).CORS_ORIGINS = "https://app.acme.dev,http://app.acme.dev") },
    { rule: "strict-cors-and-hosts", what: "wildcard allowed host", change: (r) => (envOf(r).ALLOWED_HOSTS = "*") },
    { rule: "strict-cors-and-hosts", what: "subdomain wildcard allowed host", change: (r) => (envOf(r).ALLOWED_HOSTS = ".acme.dev") },
    { rule: "strict-cors-and-hosts", what: "no allowed hosts", change: (r) => (envOf(r).ALLOWED_HOSTS = "") },
    { rule: "strict-cors-and-hosts", what: "CORS unknown at preview", change: (r) => (envOf(r).CORS_ORIGINS = UNKNOWN), also: ["production-hosts-only"] },

    { rule: "production-log-level", what: "LOG_LEVEL=DEBUG", change: (r) => (envOf(r).LOG_LEVEL = "DEBUG") },
    { rule: "production-log-level", what: "LOG_LEVEL=trace", change: (r) => (envOf(r).LOG_LEVEL = "trace") },
    { rule: "production-log-level", what: "LOG_LEVEL not set", change: (r) => delete envOf(r).LOG_LEVEL },
    { rule: "production-log-level", what: "LOG_LEVEL unknown at preview", change: (r) => (envOf(r).LOG_LEVEL = UNKNOWN) },

    { rule: "https-only", what: "port 80 without force_https", change: (r) => (service(r).ports[0].force_https = false) },
    { rule: "https-only", what: "port 443 without tls", change: (r) => (service(r).ports[1].handlers = ["http"]) },
    { rule: "https-only", what: "ports unknown at preview", change: (r) => (service(r).ports = UNKNOWN) },

    {
        rule: "health-check-required",
        what: "no HTTP check anywhere",
        change: (r) => {
            service(r).checks = [];
            group(r).props.config.checks = {};
        },
    },
    {
        rule: "health-check-required",
        what: "only a TCP check",
        change: (r) => {
            service(r).checks = [{ type: "tcp", port: 8080 }];
            group(r).props.config.checks = {};
        },
    },
    { rule: "health-check-required", what: "services unknown at preview", change: (r) => (group(r).props.config.services = UNKNOWN), also: ["https-only", "high-availability", "proxy-concurrency-limits"] },

    { rule: "high-availability", what: "one machine", change: (r) => (group(r).props.regions = { ams: 1 }) },
    {
        rule: "high-availability",
        what: "every machine may stop",
        change: (r) => {
            service(r).autostop = "stop";
            service(r).min_machines_running = 0;
        },
    },
    { rule: "high-availability", what: "machine count unknown at preview", change: (r) => (group(r).props.regions = { ams: UNKNOWN }) },

    { rule: "data-protection", what: "database not protected", change: (r) => (find(r, T.pg).opts!.protect = false), also: ["production-stack-complete"] },
    { rule: "data-protection", what: "postgres database not protected", change: (r) => (find(r, T.pgDb).opts = {}) },
    {
        rule: "data-protection",
        what: "volume without backups",
        change: (r) => r.push({ type: T.volume, name: "api-data", urn: "urn:pulumi:prod::api-environments::vol::api-data", props: { app: "api-prod-app", name: "data", region: "ams", sizeGb: 10, autoBackupEnabled: false }, opts: { protect: true } }),
    },

    { rule: "no-sqlite-in-production", what: "SQLite DATABASE_URL in the Fly secrets", change: (r) => (secretValues(r).DATABASE_URL = SQLITE_URL), also: ["postgres-only-database"], secrets: [SQLITE_URL, "hunter2-sqlite"] },
    { rule: "no-sqlite-in-production", what: "SQLite DATABASE_URL in plain env", change: (r) => (envOf(r).DATABASE_URL = SQLITE_URL), also: ["no-secret-in-plain-env", "postgres-only-database"], secrets: [SQLITE_URL, "hunter2-sqlite"] },
    {
        rule: "no-sqlite-in-production",
        what: "DATABASE_URL unknown and not from Postgres",
        change: (r) => {
            secretValues(r).DATABASE_URL = UNKNOWN;
            const secrets = find(r, T.secrets);
            secrets.dependencies = secrets.dependencies!.filter((u) => u !== find(r, T.pgUser).urn && u !== find(r, T.pg).urn);
        },
    },

    { rule: "no-secret-in-plain-env", what: "STRIPE_API_KEY in plain env", change: (r) => (envOf(r).STRIPE_API_KEY = SECRETS.stripe) },
    { rule: "no-secret-in-plain-env", what: "GITHUB_TOKEN in plain env", change: (r) => (envOf(r).GITHUB_TOKEN = "ghp_secretTokenValue123") , secrets: ["ghp_secretTokenValue123"] },
    { rule: "no-secret-in-plain-env", what: "DB_PASSWORD in plain env", change: (r) => (envOf(r).DB_PASSWORD = SECRETS.dbPassword) },
    { rule: "no-secret-in-plain-env", what: "SENTRY_DSN in plain env", change: (r) => (envOf(r).SENTRY_DSN = SECRETS.dsn) },
    { rule: "no-secret-in-plain-env", what: "DATABASE_URL in plain env", change: (r) => (envOf(r).DATABASE_URL = SECRETS.databaseUrl) },
    { rule: "no-secret-in-plain-env", what: "machine env unknown at preview", change: (r) => (group(r).props.config.env = UNKNOWN), also: "any" },

    { rule: "image-pinned-by-digest", what: "mutable tag", change: (r) => (group(r).props.config.image = "registry.fly.io/api-prod-app:latest") },
    { rule: "image-pinned-by-digest", what: "short digest", change: (r) => (group(r).props.config.image = "registry.fly.io/api-prod-app@sha256:abc") },
    { rule: "image-pinned-by-digest", what: "unknown and not built by the stack", change: (r) => (group(r).props.config.image = UNKNOWN) },

    { rule: "protected-deploy-environment", what: "no reviewers", change: (r) => (ghEnv(r).props.reviewers = [{ users: [], teams: [] }]) },
    { rule: "protected-deploy-environment", what: "reviewers omitted", change: (r) => delete ghEnv(r).props.reviewers },
    { rule: "protected-deploy-environment", what: "self-review allowed", change: (r) => (ghEnv(r).props.preventSelfReview = false) },
    { rule: "protected-deploy-environment", what: "admins can bypass", change: (r) => (ghEnv(r).props.canAdminsBypass = true) },
    { rule: "protected-deploy-environment", what: "admin bypass left at the provider default", change: (r) => delete ghEnv(r).props.canAdminsBypass },
    { rule: "protected-deploy-environment", what: "no deployment branch policy", change: (r) => delete ghEnv(r).props.deploymentBranchPolicy },
    { rule: "protected-deploy-environment", what: "custom policy with no branch", change: (r) => remove(r, T.ghDeploy) },
    { rule: "protected-deploy-environment", what: "wildcard deploy branch", change: (r) => (find(r, T.ghDeploy).props.branchPattern = "*"), also: ["protected-deploy-branch"] },
    { rule: "protected-deploy-environment", what: "reviewers unknown at preview", change: (r) => (ghEnv(r).props.reviewers = UNKNOWN) },

    { rule: "protected-deploy-branch", what: "no required approvals", change: (r) => (protection(r).props.requiredPullRequestReviews = []) },
    { rule: "protected-deploy-branch", what: "no status checks", change: (r) => (protection(r).props.requiredStatusChecks = [{ strict: true, contexts: [] }]) },
    { rule: "protected-deploy-branch", what: "force pushes allowed", change: (r) => (protection(r).props.allowsForcePushes = true) },
    { rule: "protected-deploy-branch", what: "deletion allowed", change: (r) => (protection(r).props.allowsDeletions = true) },
    { rule: "protected-deploy-branch", what: "deploy branch unprotected", change: (r) => remove(r, T.ghProtection) },
    { rule: "protected-deploy-branch", what: "protection covers another branch", change: (r) => (protection(r).props.pattern = "release/*") },
    { rule: "protected-deploy-branch", what: "protection pattern unknown at preview", change: (r) => (protection(r).props.pattern = UNKNOWN) },

    // The baseline's estimate is $318.82 a month (delivery/cost/fly-prices.json); its budget here is $320.
    { rule: "budget", what: "machines on performance CPUs, over a $320 budget", settings: { budget: { monthlyUsd: 320 } }, change: (r) => (find(r, T.group).props.config.guest.cpu_kind = "performance") },
    { rule: "budget", what: "the database on the scale plan, over a $320 budget", settings: { budget: { monthlyUsd: 320 } }, change: (r) => (find(r, T.pg).props.plan = "scale") },
    // Prod's resources judged as a review stack's (policies/review.json): test/policies/reviewIsolation.test.ts has each class.
    { rule: "review-isolation", what: "prod's organization, cluster, database and GitHub environment in a review stack", settings: { "review-isolation": { forbiddenFlyOrgs: ["acme"] } }, change: () => undefined },
    { rule: "review-isolation", what: "a cluster of its own and a GitHub environment in a review stack", settings: { "review-isolation": { forbiddenFlyOrgs: ["acme-prod"], sharedClusterNames: ["main"] } }, change: () => undefined },
    { rule: "sentry-in-production", what: "traces sample rate 0.5", change: (r) => (envOf(r).SENTRY_TRACES_SAMPLE_RATE = "0.5") },
    { rule: "sentry-in-production", what: "traces sample rate not set", change: (r) => delete envOf(r).SENTRY_TRACES_SAMPLE_RATE },
    { rule: "sentry-in-production", what: "no SENTRY_ENVIRONMENT", change: (r) => delete envOf(r).SENTRY_ENVIRONMENT, also: ["production-identity"] },
    { rule: "sentry-in-production", what: "no DSN in the Fly secrets", change: (r) => delete secretValues(r).SENTRY_DSN },
    { rule: "sentry-in-production", what: "no Sentry key", change: (r) => remove(r, T.sentryKey) },
    {
        rule: "sentry-in-production",
        what: "no Sentry project and no key",
        change: (r) => {
            remove(r, T.sentryProject);
            remove(r, T.sentryKey);
        },
        also: ["production-stack-complete"],
    },
    {
        rule: "sentry-in-production",
        what: "shared project whose slug is unknown at preview",
        change: (r) => {
            remove(r, T.sentryProject);
            find(r, T.sentryKey).props.project = UNKNOWN;
        },
    },

    { rule: "production-stack-complete", what: "no database", change: (r) => remove(r, T.pg) },
    {
        rule: "release-step-present",
        what: "a Fly database and no release step",
        change: (r) => remove(r, T.release),
    },
    {
        rule: "release-step-present",
        what: "a local database container and no release step",
        change: (r) => {
            remove(r, T.release);
            remove(r, T.pgDb);
            remove(r, T.pgUser);
            remove(r, T.pg);
            r.push(dockerApp(["POSTGRES_DB=app", "POSTGRES_USER=app"]));
        },
        also: "any",
    },
    {
        rule: "production-stack-complete",
        what: "no GitHub environment",
        change: (r) => {
            remove(r, T.ghEnv);
            remove(r, T.ghDeploy);
        },
    },
    { rule: "production-stack-complete", what: "no app", change: (r) => remove(r, T.group), also: "any" },
    { rule: "safe-rollout", what: "strategy immediate", change: (r) => (group(r).props.strategy = "immediate") },
    { rule: "safe-rollout", what: "strategy unknown at preview", change: (r) => (group(r).props.strategy = UNKNOWN) },
    { rule: "safe-rollout", what: "two machines out at once", change: (r) => (group(r).props.maxUnavailable = 2) },
    { rule: "safe-rollout", what: "health timeout of 10 s", change: (r) => (group(r).props.healthTimeoutSeconds = 10) },
    { rule: "safe-rollout", what: "health timeout of an hour", change: (r) => (group(r).props.healthTimeoutSeconds = 3600) },
    { rule: "safe-rollout", what: "health timeout unknown at preview", change: (r) => (group(r).props.healthTimeoutSeconds = UNKNOWN) },

    {
        rule: "high-availability",
        what: "autostop keeps only one machine running",
        change: (r) => {
            service(r).autostop = "suspend";
            service(r).min_machines_running = 1;
        },
    },
    { rule: "high-availability", what: "a listed region without machines", change: (r) => (group(r).props.regions = { ams: 2, fra: 0 }) },

    { rule: "proxy-concurrency-limits", what: "no concurrency limits", change: (r) => delete service(r).concurrency },
    { rule: "proxy-concurrency-limits", what: "hard limit of 10000", change: (r) => (service(r).concurrency = { type: "requests", soft_limit: 200, hard_limit: 10000 }) },
    { rule: "proxy-concurrency-limits", what: "soft limit above hard", change: (r) => (service(r).concurrency = { type: "requests", soft_limit: 300, hard_limit: 250 }) },
    { rule: "proxy-concurrency-limits", what: "no hard limit", change: (r) => (service(r).concurrency = { type: "requests", soft_limit: 200 }) },
    { rule: "proxy-concurrency-limits", what: "limits unknown at preview", change: (r) => (service(r).concurrency = UNKNOWN) },

    ...[
        ["localhost origin", "CORS_ORIGINS", "https://app.acme.dev,https://localhost:3000"],
        ["loopback origin", "CORS_ORIGINS", "https://127.0.0.1:8443"],
        ["staging origin", "CORS_ORIGINS", "https://staging.acme.dev"],
        ["dev origin", "CORS_ORIGINS", "https://app-dev.acme.dev"],
        ["private IP host", "ALLOWED_HOSTS", "api.acme.dev,10.0.0.5"],
        ["IPv6 loopback host", "ALLOWED_HOSTS", "[::1]:8080"],
        [".local host", "ALLOWED_HOSTS", "api.acme.local"],
        [".internal host", "ALLOWED_HOSTS", "api-prod-app.internal"],
        ["single-label host", "ALLOWED_HOSTS", "api"],
        ["staging host", "ALLOWED_HOSTS", "api.acme.dev,staging-api.acme.dev"],
    ].map(([what, key, value]): Case => ({ rule: "production-hosts-only", what, change: (r) => (envOf(r)[key] = value) })),
    { rule: "production-hosts-only", what: "a staging custom domain", change: (r) => (find(r, T.cert).props.hostname = "staging-api.acme.dev") },
    { rule: "production-hosts-only", what: "allowed hosts unknown at preview", change: (r) => (envOf(r).ALLOWED_HOSTS = UNKNOWN), also: ["strict-cors-and-hosts"] },

    { rule: "postgres-only-database", what: "a MySQL URL in the Fly secrets under another name", change: (r) => (secretValues(r).REPORTING_DB = MYSQL_URL), secrets: [MYSQL_URL, "hunter2-mysql"] },
    { rule: "postgres-only-database", what: "a MongoDB URL under a lowercase name", change: (r) => (secretValues(r).analytics = "mongodb+srv://app:hunter2-mongo@cluster0.example.net/app"), secrets: ["hunter2-mongo"] },
    { rule: "postgres-only-database", what: "a JDBC MySQL URL as DATABASE_URL", change: (r) => (secretValues(r).DATABASE_URL = "jdbc:mysql://db.acme.dev:3306/app") },

    { rule: "no-secret-in-plain-env", what: "lowercase stripe_api_key in plain env", change: (r) => (envOf(r).stripe_api_key = SECRETS.stripe) },
    { rule: "no-secret-in-plain-env", what: "mixed-case Github_Token in plain env", change: (r) => (envOf(r).Github_Token = "ghp_mixedCaseTokenValue42"), secrets: ["ghp_mixedCaseTokenValue42"] },
    { rule: "no-secret-in-plain-env", what: "a URL with a password under an innocent name", change: (r) => (envOf(r).REPORTING = "postgres://report:hunter2-report@db.acme.dev/report"), secrets: ["hunter2-report"] },

    { rule: "strong-jwt-secret", what: "supplied 64 characters of one repeated block", change: (r) => (secretValues(r).JWT_SECRET = REPEATED_JWT), secrets: [REPEATED_JWT] },
    { rule: "strong-jwt-secret", what: "supplied keyboard walk of 64 characters", change: (r) => (secretValues(r).JWT_SECRET = KEYBOARD_JWT), secrets: [KEYBOARD_JWT] },

    { rule: "protected-deploy-environment", what: "no wait timer", change: (r) => (ghEnv(r).props.waitTimer = 0) },
    { rule: "protected-deploy-environment", what: "wait timer left out", change: (r) => delete ghEnv(r).props.waitTimer },
    { rule: "protected-deploy-environment", what: "deploys from another branch", change: (r) => (find(r, T.ghDeploy).props.branchPattern = "develop"), also: ["protected-deploy-branch"] },
    { rule: "protected-deploy-environment", what: "any protected branch may deploy", change: (r) => (ghEnv(r).props.deploymentBranchPolicy = { protectedBranches: true, customBranchPolicies: false }) },
    {
        rule: "protected-deploy-environment",
        what: "a tag may deploy",
        change: (r) => r.push({ ...find(r, T.ghDeploy), name: "api-github-env-tags", urn: `${find(r, T.ghDeploy).urn}-tags`, props: { repository: "api", environment: "production", tagPattern: "v*" } }),
    },
    { rule: "protected-deploy-environment", what: "a second environment without reviewers", change: (r) => r.push(previewEnvironment([])) },

    { rule: "protected-deploy-branch", what: "admins exempt from the protection", change: (r) => (protection(r).props.enforceAdmins = false) },
    { rule: "protected-deploy-branch", what: "approvals survive a later push", change: (r) => (protection(r).props.requiredPullRequestReviews = [{ requiredApprovingReviewCount: 2, dismissStaleReviews: false }]) },
    { rule: "protected-deploy-branch", what: "a ruleset with a bypass actor", change: (r) => swapForRuleset(r, { bypassActors: [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }] }) },
    { rule: "protected-deploy-branch", what: "a ruleset whose approvals survive a push", change: (r) => swapForRuleset(r, { pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: false } }) },

    { rule: "production-identity", what: "ENVIRONMENT staging", change: (r) => (envOf(r).ENVIRONMENT = "staging") },
    { rule: "production-identity", what: "SENTRY_ENVIRONMENT prod", change: (r) => (envOf(r).SENTRY_ENVIRONMENT = "prod") },
    { rule: "production-identity", what: "ENVIRONMENT unknown at preview", change: (r) => (envOf(r).ENVIRONMENT = UNKNOWN) },
    {
        rule: "production-identity",
        what: "deploys through the GitHub environment staging",
        change: (r) => {
            ghEnv(r).props.environment = "staging";
            find(r, T.ghDeploy).props.environment = "staging";
        },
    },

    { rule: "production-isolation", what: "the Fly app in staging's organization", change: (r) => (find(r, T.app).props.orgSlug = "acme-staging") },
    { rule: "production-isolation", what: "the database in a pull request's organization", change: (r) => (find(r, T.pg).props.orgSlug = "acme-pr-42") },
    { rule: "production-isolation", what: "Fly's personal organization", change: (r) => (find(r, T.app).props.orgSlug = "personal") },
    { rule: "production-isolation", what: "an organization with staging run into its name", change: (r) => (find(r, T.app).props.orgSlug = "acmestaging") },
    { rule: "production-isolation", what: "a Sentry organization of dev", change: (r) => ((find(r, T.sentryProject).props.organization = "acme-dev"), (find(r, T.sentryKey).props.organization = "acme-dev")) },
    { rule: "production-isolation", what: "the GitHub owner of a sandbox", change: (r) => r.push({ type: T.githubProvider, name: "api-github-provider", urn: "urn:pulumi:prod::api-environments::pulumi:providers:github::api-github-provider", props: { owner: "acme-sandbox" } }) },
    { rule: "production-isolation", what: "a secret URL on a staging host", change: (r) => (secretValues(r).REPORTS_API_URL = STAGING_URL), secrets: [STAGING_URL, "hunter2-staging"] },
    { rule: "production-isolation", what: "a plain URL on a preview host", change: (r) => (envOf(r).WEBHOOK_URL = "https://api-pr-7.fly.dev/hooks") },
    { rule: "production-isolation", what: "an organization unknown at preview", change: (r) => (find(r, T.app).props.orgSlug = UNKNOWN) },
    ...[
        ["Netlify deploy preview", "https://deploy-preview-42--acme.netlify.app"],
        ["Vercel branch preview", "https://acme-git-feature-x-acme.vercel.app"],
        ["Cloudflare Pages commit preview", "https://3f2a1b.acme.pages.dev"],
        ["ngrok tunnel", "https://1a2b-3c4d.ngrok-free.app"],
        ["Codespaces forward", "https://octo-8080.app.github.dev"],
        ["pull-request host", "https://pr-12.acme.com"],
    ].map(([what, origin]): Case => ({ rule: "production-hosts-only", what: `${what} as CORS origin`, change: (r) => (envOf(r).CORS_ORIGINS = origin) })),

    { rule: "token-lifetimes", what: "access tokens for a day", change: (r) => (envOf(r).JWT_EXPIRY_MINUTES = "1440") },
    { rule: "token-lifetimes", what: "access tokens for 31 minutes", change: (r) => (envOf(r).JWT_EXPIRY_MINUTES = "31") },
    { rule: "token-lifetimes", what: "token lifetime not set", change: (r) => delete envOf(r).JWT_EXPIRY_MINUTES },
    { rule: "token-lifetimes", what: "token lifetime unknown at preview", change: (r) => (envOf(r).JWT_EXPIRY_MINUTES = UNKNOWN) },
    { rule: "token-lifetimes", what: "secret rotated yearly", change: (r) => (find(r, T.rotating).props.rotationDays = 365) },
    { rule: "token-lifetimes", what: "rotation period unknown at preview", change: (r) => (find(r, T.rotating).props.rotationDays = UNKNOWN) },

    ...[
        ["knex rollback", ["npx", "knex", "migrate:rollback"]],
        ["sequelize undo", ["npx", "sequelize-cli", "db:migrate:undo:all"]],
        ["rails rollback", ["bin/rails", "db:rollback", "STEP=2"]],
        ["django to zero", ["python", "manage.py", "migrate", "app", "zero"]],
        ["a negative step", ["npm", "run", "migrate", "--", "--steps=-1"]],
        ["flyway clean", ["flyway", "clean"]],
        ["laravel fresh", ["php", "artisan", "migrate:fresh"]],
        ["a drop", ["npm", "run", "db:drop"]],
        ["prisma accepting data loss", ["npx", "prisma", "db", "push", "--accept-data-loss"]],
        ["a migration to version 0 as two arguments", ["npm", "run", "migrate", "--", "--to", "0"]],
        ["rake to VERSION=0", ["bin/rake", "db:migrate", "VERSION=0"]],
    ].map(([what, command]): Case => ({ rule: "safe-release-command", what: what as string, change: (r) => (find(r, T.release).props.command = command) })),
    { rule: "promotion-soak", what: "a promotion healthy on staging for an hour", change: (r) => (find(r, T.history).props.promotion.healthyAt = new Date(Date.now() - 3_600_000).toISOString()) },
    { rule: "promotion-soak", what: "a soak longer than the two days staging ran it", change: (r) => (find(r, T.history).props.promotion.soakHours = 72) },
    { rule: "promotion-soak-override", what: "an override of a young promotion", change: (r) => Object.assign(find(r, T.history).props.promotion, { healthyAt: new Date().toISOString(), overrideReason: "hotfix for the login outage" }) },
    { rule: "promotion-soak-override", what: "an override left on a soaked promotion", change: (r) => (find(r, T.history).props.promotion.overrideReason = "left over from last week's hotfix") },
    { rule: "safe-release-command", what: "a database URL with a password as argument", change: (r) => (find(r, T.release).props.command = ["migrate", "-database", SECRETS.databaseUrl, "up"]) },
    { rule: "safe-release-command", what: "PGPASSWORD as argument", change: (r) => (find(r, T.release).props.command = ["env", "PGPASSWORD=hunter2-pg", "npm", "run", "migrate"]), secrets: ["hunter2-pg"] },
    { rule: "safe-release-command", what: "a Fly token after a flag", change: (r) => (find(r, T.release).props.command = ["./release", "--api-key", "fo1_abcdefghijklmnopqrstuvwxyz0123"]), secrets: ["fo1_abcdefghijklmnopqrstuvwxyz0123"] },
    { rule: "safe-release-command", what: "command unknown at preview", change: (r) => (find(r, T.release).props.command = UNKNOWN) },
];

/** Changes a careful reviewer would let through: each must leave every rule quiet. README "Legitimate variations". */
const legitimate: { what: string; change: (resources: Fixture[]) => void }[] = [
    { what: "rolling instead of bluegreen", change: (r) => (group(r).props.strategy = "rolling") },
    { what: "rollout inputs left to the provider's defaults", change: (r) => ["maxUnavailable", "healthTimeoutSeconds"].forEach((k) => delete group(r).props[k]) },
    {
        what: "autostop that keeps two machines running",
        change: (r) => {
            service(r).autostop = "stop";
            service(r).min_machines_running = 2;
        },
    },
    { what: "one region with two machines", change: (r) => (group(r).props.regions = { ams: 2 }) },
    { what: "connection-based concurrency limits", change: (r) => (service(r).concurrency = { type: "connections", soft_limit: 500, hard_limit: 1000 }) },
    { what: "a wildcard certificate of the production domain", change: (r) => (find(r, T.cert).props.hostname = "*.acme.dev") },
    { what: "hosts on a .dev domain and with an explicit port", change: (r) => (envOf(r).ALLOWED_HOSTS = "api.acme.dev:443,api-prod-app.fly.dev,developer.acme.dev") },
    { what: "a supplied random JWT secret", change: (r) => (secretValues(r).JWT_SECRET = "k3J9vQm2Xr8TzL5wNp0Ys7Hd4Gf6Bc1Va9Ue2Io5Rt8Yq3Wx6Zs0Mn4Lb7Kj1Hg_") },
    { what: "an async PostgreSQL driver URL", change: (r) => (secretValues(r).DATABASE_URL = "postgresql+asyncpg://app:pw@direct.abc123.flympg.net:5432/app") },
    {
        what: "a shared Sentry project (sentry.project: shared)",
        change: (r) => {
            remove(r, T.sentryProject);
            find(r, T.sentryKey).props.project = "api-shared";
        },
    },
    { what: "a prod-preview GitHub environment with a required reviewer and no branch rule", change: (r) => r.push(previewEnvironment([1024001])) },
    { what: "a longer wait timer and more approvals", change: (r) => ((ghEnv(r).props.waitTimer = 30), (protection(r).props.requiredPullRequestReviews = [{ requiredApprovingReviewCount: 3, dismissStaleReviews: true }])) },
    { what: "a production origin on a hosting platform, and organizations named acme-devices", change: (r) => ((envOf(r).CORS_ORIGINS = "https://app.acme.dev,https://acme.netlify.app,https://acme.pages.dev"), (find(r, T.app).props.orgSlug = "acme-devices")) },
    { what: "the longest production lifetimes: 30-minute tokens, rotation every 90 days", change: (r) => ((envOf(r).JWT_EXPIRY_MINUTES = "30"), (find(r, T.rotating).props.rotationDays = 90)) },
    { what: "forward migrations with options and a URL without a password", change: (r) => (find(r, T.release).props.command = ["migrate", "-path", "db/migrations", "-database", "postgres://app@db.acme.dev/app?sslmode=require", "up"]) },
    { what: "the last push must be approved instead of stale approvals dismissed", change: (r) => (protection(r).props.requiredPullRequestReviews = [{ requiredApprovingReviewCount: 2, dismissStaleReviews: false, requireLastPushApproval: true }]) },
];

describe("legitimate variations of the baseline pass every rule", () => {
    for (const variation of legitimate) {
        it(variation.what, async () => {
            const violations = await findings(changed(variation.change));
            assert.deepEqual(violations.map((v) => `${v.policy}: ${v.message}`), []);
        });
    }
});

describe("policy rules against a compliant production baseline", () => {
    it("the baseline passes every rule", async () => {
        assert.deepEqual(await findings(baseline()), []);
    });

    it("every rule of the pack has at least two violating cases", () => {
        for (const rule of rules) {
            assert.ok(cases.filter((c) => c.rule === rule.name).length >= 2, `no cases for ${rule.name}`);
        }
    });

    for (const c of cases) {
        it(`${c.rule}: ${c.what}`, async () => {
            const violations = c.settings ? (await judgeResources("prod", changed(c.change), { enforcement: { ...EVERY_RULE_MANDATORY, ...c.settings } })).violations : await findings(changed(c.change));
            const fired = violations.filter((v) => v.policy === c.rule);
            assert.ok(fired.length > 0, `expected ${c.rule}, got ${JSON.stringify(violations.map((v) => v.policy))}`);
            for (const v of fired) {
                assert.equal(v.level, "mandatory", `${c.rule} was skipped by the runtime (an unknown value read naively): ${v.message}`);
                assert.ok(!/can't run .* during preview/.test(v.message), v.message);
                // What is wrong, then how to fix it: a config command, the program change, or what would prove it.
                assert.match(v.message.split("\n").slice(1).join(" "), HOW_TO_FIX, `${c.rule} says what is wrong but not how to fix it`);
            }
            if (c.also !== "any") {
                const others = [...new Set(violations.map((v) => v.policy))].filter((p) => p !== c.rule && !(c.also ?? []).includes(p));
                assert.deepEqual(others, [], "a single change should break only the rule under test");
            }
            assertNoSecretIn(violations, c.secrets);
        });
    }
});

describe("one problem repeated by list elements is one violation", () => {
    it("three non-production origins: one production-hosts-only violation naming each with its reason, one fix", async () => {
        const violations = (await findings(changed((r) => (envOf(r).CORS_ORIGINS = "https://app.acme.dev,https://localhost:3000,https://staging.acme.dev,https://pr-3.acme.dev")))).filter((v) => v.policy === "production-hosts-only");
        assert.equal(violations.length, 1, JSON.stringify(violations));
        assert.match(violations[0].message, /lists 3 hosts that are not production hosts: "https:\/\/localhost:3000" \(is the loopback host\); "https:\/\/staging\.acme\.dev" \(names another environment \("staging"\)\); "https:\/\/pr-3\.acme\.dev" \(names a pull request's preview\)\./);
        assert.equal(violations[0].message.match(/Fix:/g)?.length, 1);
    });

    it("two http:// origins: one strict-cors-and-hosts violation listing both", async () => {
        const violations = (await findings(changed((r) => (envOf(r).CORS_ORIGINS = "http://a.acme.dev,https://app.acme.dev,http://b.acme.dev")))).filter((v) => v.policy === "strict-cors-and-hosts");
        assert.equal(violations.length, 1, JSON.stringify(violations));
        assert.match(violations[0].message, /"http:\/\/a\.acme\.dev", "http:\/\/b\.acme\.dev" \(2 entries\)/);
    });

    it("three credentials in plain env: one no-secret-in-plain-env violation naming each variable, the fix once", async () => {
        const violations = (await findings(changed((r) => Object.assign(envOf(r), { STRIPE_API_KEY: SECRETS.stripe, DB_PASSWORD: SECRETS.dbPassword, REPORTING: "postgres://r:hunter2-r@db.acme.dev/r" })))).filter((v) => v.policy === "no-secret-in-plain-env");
        assert.equal(violations.length, 1, JSON.stringify(violations));
        const [message] = violations.map((v) => v.message);
        assert.match(message, /3 variables that hold credentials are in plain config\.env, where anyone who can read the machine config or state sees it: /);
        for (const named of ["STRIPE_API_KEY (looks like a secret)", "DB_PASSWORD (looks like a secret)", "REPORTING (holds a URL with a password (value not shown))"]) assert.ok(message.includes(named), named);
        assert.equal(message.match(/where anyone who can read/g)?.length, 1);
        assert.equal(message.match(/Fly app secret/g)?.length, 1, message);
        assertNoSecretIn(violations, ["hunter2-r"]);
    });

    it("an entry that looks like a credential is named by its problem, never shown", async () => {
        const violations = await findings(changed((r) => (envOf(r).ALLOWED_HOSTS = "api.acme.dev,deploy:hunter2-host@localhost")));
        assert.ok(violations.some((v) => v.policy === "production-hosts-only"), JSON.stringify(violations));
        assertNoSecretIn(violations, ["hunter2-host"]);
    });

    it("control: a single bad origin is reported with its reason", async () => {
        const violations = (await findings(changed((r) => (envOf(r).CORS_ORIGINS = "https://app.acme.dev,https://localhost:3000")))).filter((v) => v.policy === "production-hosts-only");
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /lists "https:\/\/localhost:3000" \(is the loopback host\); production must list only its public hosts/);
    });
});

describe("what proves a value that is unknown during preview", () => {
    it("a generated JWT secret, unknown at preview, passes when it comes from a strong generator", async () => {
        const resources = changed((r) => (secretValues(r).JWT_SECRET = UNKNOWN));
        assert.deepEqual(await findings(resources), []);
    });

    it("Fly secrets whose whole values are unknown pass when they derive from the generator, Postgres and the Sentry key", async () => {
        const resources = changed((r) => (find(r, T.secrets).props.values = UNKNOWN));
        assert.deepEqual(await findings(resources), []);
    });

    it("the same unknown values fail once the secrets no longer depend on their sources", async () => {
        const resources = changed((r) => {
            find(r, T.secrets).props.values = UNKNOWN;
            find(r, T.secrets).dependencies = [find(r, T.app).urn];
        });
        const fired = new Set((await findings(resources)).map((v) => v.policy));
        assert.deepEqual([...fired].sort(), ["no-sqlite-in-production", "sentry-in-production", "strong-jwt-secret"]);
    });

    it("Fly secrets whose outputs list only key names are judged by those names and their sources", async () => {
        const keysOnly = (keys: string[]) =>
            changed((r) => {
                const secrets = find(r, T.secrets);
                secrets.outputs = { app: "api-prod-app", keys, version: 3 };
            });
        assert.deepEqual(await findings(keysOnly(["DATABASE_URL", "JWT_SECRET", "SENTRY_DSN", "STRIPE_API_KEY"])), []);
        const noDsn = await findings(keysOnly(["DATABASE_URL", "JWT_SECRET"]));
        assert.deepEqual([...new Set(noDsn.map((v) => v.policy))], ["sentry-in-production"]);
        const unsourced = changed((r) => {
            const secrets = find(r, T.secrets);
            secrets.outputs = { app: "api-prod-app", keys: ["DATABASE_URL", "JWT_SECRET", "SENTRY_DSN"], version: 3 };
            secrets.dependencies = [find(r, T.app).urn];
        });
        assert.deepEqual([...new Set((await findings(unsourced)).map((v) => v.policy))].sort(), ["no-sqlite-in-production", "sentry-in-production", "strong-jwt-secret"]);
    });

    it("an image unknown at preview passes when the machines depend on the stack's own image build", async () => {
        const resources = changed((r) => {
            const image = { type: T.image, name: "api-image", urn: "urn:pulumi:prod::api-environments::docker:index/image:Image::api-image", props: { imageName: "registry.fly.io/api-prod-app:deploy", build: { context: "examples/api" } } };
            r.push(image);
            group(r).props.config.image = UNKNOWN;
            group(r).dependencies!.push(image.urn);
        });
        assert.deepEqual(await findings(resources), []);
    });

    it("control: a rule that reads an unknown value naively is skipped by the runtime, reported advisory however mandatory it is", async () => {
        const packDir = join(__dirname, "naivePack");
        const { violations } = await judgeResources("prod", changed((r) => (envOf(r).DEBUG = UNKNOWN)), { enforcement: EVERY_RULE_MANDATORY, packDir });
        assert.equal(violations.length, 1, JSON.stringify(violations));
        assert.equal(violations[0].level, "advisory");
        assert.match(violations[0].message, /can't run .* during preview/);
        const known = await judgeResources("prod", changed((r) => (envOf(r).DEBUG = "true")), { enforcement: EVERY_RULE_MANDATORY, packDir });
        assert.deepEqual(known.violations.map((v) => [v.policy, v.level]), [["naive", "mandatory"]], "with the value known, the same rule blocks");
    });
});

describe("secrets in rule input", () => {
    it("secret envelopes reach rules unwrapped, as the runtime delivers them, and are judged", async () => {
        const resources = changed((r) => (find(r, T.secrets).props.values = { JWT_SECRET: wireSecret(WEAK_JWT), DATABASE_URL: wireSecret(SECRETS.databaseUrl), SENTRY_DSN: wireSecret(SECRETS.dsn) }));
        const violations = await findings(resources);
        assert.deepEqual([...new Set(violations.map((v) => v.policy))], ["strong-jwt-secret"]);
        assertNoSecretIn(violations, [WEAK_JWT]);
    });

    it("a branch-protection ruleset is judged like a classic protection", async () => {
        const ruleset = (nonFastForward: boolean) => changed((r) => swapForRuleset(r, { nonFastForward }));
        assert.deepEqual(await findings(ruleset(true)), []);
        const weak = await findings(ruleset(false));
        assert.deepEqual([...new Set(weak.map((v) => v.policy))], ["protected-deploy-branch"]);
        assert.match(weak[0].message, /force pushes are not blocked/);
    });
});

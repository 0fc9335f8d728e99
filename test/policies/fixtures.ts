/**
 * A compliant production stack in the shape the policy runtime receives it (wire shape: secrets in Pulumi's
 * envelope, unknowns as the engine's sentinels), and the helpers the rule tests share. Tests change one property
 * of a fresh copy per case; the real analyzer judges it (analyzerVerdict.ts).
 */
import { secret, UNKNOWN } from "../../engine/wire";
import { DOCKER, FLY, GITHUB, RANDOM_PASSWORD, RELEASE_HISTORY, SENTRY, TIME_ROTATING } from "../../policies/lib/types";
import { judgeResources, type JudgedViolation, type RuleInput } from "./analyzerVerdict";

/** Pulumi's envelope for a secret value on the wire (the runtime opens it before a rule sees it). */
export const wireSecret = (value: unknown): Record<string, unknown> => secret(value);

/** The engine's unknown sentinel (a value computed only during `up`). */
export { UNKNOWN };

/** Secret values of the baseline. No message may ever contain one. */
export const SECRETS = {
    jwt: "Zq8#pL2!vR7@wX4$kT9%mN3^bH6&cJ1*dF5(gS0)aY8-eU2_iO7+lP4=qW9[rE3]tZ6",
    dbPassword: "pg-Pa55w0rd-9f8e7d6c5b4a",
    databaseUrl: "postgres://app:pg-Pa55w0rd-9f8e7d6c5b4a@direct.abc123.flympg.net:5432/app",
    dsn: "https://0123456789abcdef0123456789abcdef@o42.ingest.sentry.io/7",
    stripe: "sk_live_51HxYzSECRETvalue0000",
} as const;

const urn = (type: string, name: string) => `urn:pulumi:prod::api-environments::${type}::${name}`;

/** The type tokens the baseline uses, named for the tests; each is the policy pack's own (policies/lib/types.ts). */
export const T = {
    app: FLY.app,
    cert: FLY.certificate,
    group: FLY.machineGroup,
    secrets: FLY.secrets,
    volume: FLY.volume,
    pg: FLY.managedPostgres,
    pgDb: FLY.postgresDatabase,
    pgUser: FLY.postgresUser,
    password: RANDOM_PASSWORD,
    image: DOCKER.image,
    container: DOCKER.container,
    dockerVolume: DOCKER.volume,
    ghEnv: GITHUB.environment,
    ghDeploy: GITHUB.deploymentPolicy,
    ghProtection: GITHUB.branchProtection,
    ghRuleset: GITHUB.ruleset,
    sentryProject: SENTRY.project,
    sentryKey: SENTRY.key,
    release: FLY.release,
    history: RELEASE_HISTORY,
    rotating: TIME_ROTATING,
    githubProvider: "pulumi:providers:github",
} as const;

/** A mutable resource in wire shape; tests edit `props`, `opts` or `dependencies` of one. */
export type Fixture = { type: string; name: string; urn: string; props: Record<string, any>; outputs?: Record<string, any>; opts?: Record<string, any>; dependencies?: string[] };

function resource(type: string, name: string, props: Record<string, any>, extra: Partial<Fixture> = {}): Fixture {
    return { type, name, urn: urn(type, name), props, ...extra };
}

const DIGEST = "a".repeat(64);

/** The baseline: a production stack that passes every rule. */
export function baseline(): Fixture[] {
    const rotation = resource(T.rotating, "api-secrets-rotation", { rotationDays: 30 });
    const jwt = resource(T.password, "api-jwt", { length: 64, special: true, upper: true, lower: true, numeric: true, keepers: { rotation: "2026-01-01T00:00:00Z" } }, { dependencies: [rotation.urn] });
    const pg = resource(T.pg, "api-db", { name: "api-prod-db", orgSlug: "acme", region: "ams", plan: "launch", diskSizeGb: 40, pgMajorVersion: 17 }, { opts: { protect: true } });
    const pgDb = resource(T.pgDb, "api-db-database", { clusterId: "c1", name: "app" }, { opts: { protect: true }, dependencies: [pg.urn] });
    const pgUser = resource(T.pgUser, "api-db-user", { clusterId: "c1", username: "app", role: "schema_admin" }, { dependencies: [pg.urn] });
    const sentryProject = resource(T.sentryProject, "api-sentry", { organization: "acme", teams: ["backend"], name: "api-prod", slug: "api-prod", platform: "python-fastapi" });
    const sentryKey = resource(T.sentryKey, "api-sentry-key", { organization: "acme", project: "api-prod", name: "api-prod" }, { dependencies: [sentryProject.urn] });
    const app = resource(T.app, "api-app", { name: "api-prod-app", orgSlug: "acme" });
    const cert = resource(T.cert, "api-cert-api.acme.dev", { app: "api-prod-app", hostname: "api.acme.dev" }, { dependencies: [app.urn] });
    const secrets = resource(
        T.secrets,
        "api-secrets",
        {
            app: "api-prod-app",
            values: wireSecret({ JWT_SECRET: SECRETS.jwt, DATABASE_URL: SECRETS.databaseUrl, SENTRY_DSN: SECRETS.dsn, STRIPE_API_KEY: SECRETS.stripe }),
        },
        { dependencies: [app.urn, jwt.urn, pgUser.urn, pg.urn, sentryKey.urn] },
    );
    const group = resource(
        T.group,
        "api-machines",
        {
            app: "api-prod-app",
            group: "api-machines",
            regions: { ams: 2, fra: 2 },
            strategy: "bluegreen",
            maxUnavailable: 1,
            healthTimeoutSeconds: 300,
            config: {
                image: `registry.fly.io/api-prod-app@sha256:${DIGEST}`,
                env: {
                    ENVIRONMENT: "production",
                    DEBUG: "false",
                    LOG_LEVEL: "WARNING",
                    CORS_ORIGINS: "https://app.acme.dev",
                    ALLOWED_HOSTS: "api.acme.dev,api-prod-app.fly.dev",
                    SENTRY_ENVIRONMENT: "production",
                    SENTRY_TRACES_SAMPLE_RATE: "0.05",
                    JWT_EXPIRY_MINUTES: "15",
                    PORT: "8080",
                },
                guest: { cpu_kind: "shared", cpus: 2, memory_mb: 1024 },
                services: [
                    {
                        protocol: "tcp",
                        internal_port: 8080,
                        ports: [
                            { port: 80, handlers: ["http"], force_https: true },
                            { port: 443, handlers: ["tls", "http"] },
                        ],
                        checks: [{ type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s", method: "GET" }],
                        concurrency: { type: "requests", soft_limit: 200, hard_limit: 250 },
                        autostop: "off",
                        autostart: true,
                        min_machines_running: 2,
                    },
                ],
                checks: { health: { type: "http", port: 8080, path: "/health", interval: "15s", timeout: "2s" } },
            },
        },
        { dependencies: [app.urn, secrets.urn] },
    );
    const ghEnv = resource(T.ghEnv, "api-github-env", {
        repository: "api",
        environment: "production",
        reviewers: [{ users: [1024001], teams: [2048001] }],
        preventSelfReview: true,
        canAdminsBypass: false,
        waitTimer: 5,
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    const ghDeploy = resource(T.ghDeploy, "api-github-env-main", { repository: "api", environment: "production", branchPattern: "main" }, { dependencies: [ghEnv.urn] });
    const ghProtection = resource(T.ghProtection, "api-github-main", {
        repositoryId: "R_abc",
        pattern: "main",
        enforceAdmins: true,
        allowsDeletions: false,
        allowsForcePushes: false,
        requiredLinearHistory: true,
        requiredPullRequestReviews: [{ requiredApprovingReviewCount: 2, dismissStaleReviews: true }],
        requiredStatusChecks: [{ strict: true, contexts: ["ci", "plan (prod)"] }],
    });
    const release = resource(T.release, "api-release", { app: "api-prod-app", release: "api-release", image: group.props.config.image, command: ["npm", "run", "migrate"] }, { dependencies: [secrets.urn] });
    // A promotion staging ran healthy for two days: past any soak the rules ask for.
    const promotion = { from: "staging", image: `registry.fly.io/api-staging@sha256:${DIGEST}`, healthyAt: new Date(Date.now() - 48 * 3_600_000).toISOString(), soakHours: 24 };
    const history = resource(T.history, "api-releases", { image: group.props.config.image, commit: "c".repeat(40), promotion }, { dependencies: [group.urn] });
    return [rotation, jwt, pg, pgDb, pgUser, sentryProject, sentryKey, app, cert, secrets, release, group, history, ghEnv, ghDeploy, ghProtection];
}

/** The one resource of a type in a fixture list. */
export function find(resources: Fixture[], type: string): Fixture {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new Error(`fixture has ${found.length} resources of ${type}`);
    return found[0];
}

/** The baseline with one change applied. */
export function changed(change: (resources: Fixture[]) => void): Fixture[] {
    const resources = baseline();
    change(resources);
    return resources;
}

/** The machine group's env in a fixture list. */
export const envOf = (resources: Fixture[]) => find(resources, T.group).props.config.env as Record<string, string>;

/** The Fly secrets' plaintext values (inside the wire envelope). */
export const secretValues = (resources: Fixture[]) => find(resources, T.secrets).props.values.value as Record<string, string>;

/** Every rule mandatory: a violation reported advisory is then a rule the runtime skipped on an unknown value. */
export const EVERY_RULE_MANDATORY = { all: "mandatory" } as const;

/** What the real analyzer reports on the resources, every rule of the pack at its default settings and mandatory. */
export async function findings(resources: readonly RuleInput[]): Promise<JudgedViolation[]> {
    return (await judgeResources("prod", resources, { enforcement: EVERY_RULE_MANDATORY })).violations;
}

/**
 * How a violation's message (after the rule's description, its first line) tells the fix: a config command, the
 * program's change, or what the value must be.
 */
export const HOW_TO_FIX = /pulumi config (set|rm)|Fix:|[Tt]he program (must|sets)|the program's generator|must (be|come from|go|only reach|list) |Configure Sentry|cannot be proven|[Bb]uild the|List |Make it|Set (handlers|force_https)|set it true/;

/** Fails when any message carries a secret value of the baseline (or the extra ones given). */
export function assertNoSecretIn(violations: readonly { policy: string; message: string }[], extra: readonly string[] = []): void {
    for (const v of violations) {
        for (const secret of [...Object.values(SECRETS), ...extra]) {
            if (v.message.includes(secret)) throw new Error(`policy ${v.policy} echoed a secret value in its message`);
        }
    }
}

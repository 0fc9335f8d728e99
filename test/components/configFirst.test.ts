/**
 * Every constraint a component enforces is a config error first: the user meets the key and the fix, never a
 * component's message half-way through an update.
 *
 * The walk reads components/ for every `throw` and every `problems.push(...)` of a validator, and requires each to
 * be named by exactly one case below; a new check without a case fails the first test. A config case makes one
 * change to a real stack file and shows both halves:
 *
 * - the schema refuses it: a `ConfigError` naming the key and a fix, and nothing registered;
 * - the same change, applied to the parsed config behind the schema's back, reaches the component's check: the
 *   program throws the component's message (so the case is about that check, not some other one).
 *
 * A few throws are not config constraints (a migration that failed, a program invariant); each says why, and its
 * proof runs too.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { buildEnvironment } from "../../components/environment";
import { FLY_MANAGED_POSTGRES_REGIONS, FLY_REGIONS, PROJECT, type StackConfig } from "../../config";
import { FLY_MANAGED_POSTGRES_CHECKED } from "../../config/managedPostgres";
import { parseStackFile } from "../../scripts/stackFile";
import { TEST_TOKEN, ROOT, runStack, underMocks } from "../harness/stack";

type Stack = "dev" | "staging" | "prod" | "pr-7";

/** A check that config reaches, and the schema refuses first. */
interface ConfigCase {
    /** File under components/ and a piece of the check's source that names it. */
    readonly file: string;
    readonly site: string;
    readonly stack: Stack;
    /** One change, applied to the stack file (schema run) and to the parsed config (component run) alike. */
    readonly mutate?: (config: Record<string, any>) => void;
    readonly secrets?: Record<string, string>;
    readonly env?: Record<string, string | undefined>;
    /** The key the config error names. */
    readonly key: string;
    /** What the config error says about it. */
    readonly problem: RegExp;
    /** What the program throws when the schema is bypassed. */
    readonly reaches: RegExp;
    /** Set when an earlier component refuses the same value first; says which check that is. */
    readonly shadowedBy?: string;
}

/** A throw that is not a config constraint, with why and a proof that runs. */
interface OtherCase {
    readonly file: string;
    readonly site: string;
    readonly why: string;
    readonly proof: () => Promise<void> | void;
}

const users = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

const configCases: ConfigCase[] = [
    // AppSecrets
    { file: "appSecrets.ts", site: "jwtLength must be a whole number", stack: "prod", mutate: (c) => (c.secrets.jwtLength = 8), key: "secrets.jwtLength", problem: /at least 16/, reaches: /AppSecrets "secrets": jwtLength must be a whole number from 16 to 512, got 8/ },
    { file: "appSecrets.ts", site: "rotationDays must be a whole number", stack: "prod", mutate: (c) => (c.secrets.rotationDays = 0), key: "secrets.rotationDays", problem: /at least 1/, reaches: /AppSecrets "secrets": rotationDays must be a whole number from 1 to 365, got 0/ },
    { file: "appSecrets.ts", site: "extra secret name", stack: "prod", mutate: (c) => (c.secrets.extra = ["bad-name"]), key: "secrets.extra[0]", problem: /UPPER_SNAKE_CASE/, reaches: /AppSecrets "secrets": extra secret name "bad-name" must be UPPER_SNAKE_CASE/ },
    // AppService
    { file: "appServiceArgs.ts", site: "set exactly one of image.context", stack: "staging", mutate: (c) => (c.app.image.ref = `ghcr.io/acme/api@sha256:${"a".repeat(64)}`), key: "app.image.ref", problem: /exactly one of image\.context .* or image\.ref/, reaches: /AppService "app": set exactly one of image\.context/ },
    { file: "appServiceArgs.ts", site: "port must be a whole number from 1 to 65535", stack: "prod", mutate: (c) => (c.app.port = 70000), key: "app.port", problem: /at most 65535/, reaches: /AppService "app": port must be a whole number from 1 to 65535, got 70000/ },
    { file: "appServiceArgs.ts", site: "healthPath must be an absolute path", stack: "prod", mutate: (c) => (c.app.healthPath = "health"), key: "app.healthPath", problem: /absolute URL path/, reaches: /AppService "app": healthPath must be an absolute path such as \/health, got "health"/ },
    { file: "appServiceArgs.ts", site: "settings.sentryTracesSampleRate must be from 0 to 1", stack: "prod", mutate: (c) => (c.sentry.tracesSampleRate = 2), key: "sentry.tracesSampleRate", problem: /at most 1/, reaches: /AppService "app": settings\.sentryTracesSampleRate must be from 0 to 1, got 2/ },
    { file: "appServiceArgs.ts", site: "release.command must list the command", stack: "prod", mutate: (c) => (c.app.release.command = []), key: "app.release.command", problem: /at least 1/, reaches: /AppService "app": release\.command must list the command and its arguments/ },
    { file: "appServiceArgs.ts", site: "release.timeoutSeconds must be a whole number", stack: "prod", mutate: (c) => (c.app.release.timeoutSeconds = 0), key: "app.release.timeoutSeconds", problem: /at least 10/, reaches: /AppService "app": release\.timeoutSeconds must be a whole number from 1 to 3600, got 0/ },
    {
        file: "appServiceArgs.ts",
        site: 'secret name "${key}" must be UPPER_SNAKE_CASE',
        stack: "prod",
        mutate: (c) => (c.secrets.extra = ["bad-name"]),
        key: "secrets.extra[0]",
        problem: /UPPER_SNAKE_CASE/,
        reaches: /AppSecrets "secrets": extra secret name "bad-name"/,
        shadowedBy: "AppSecrets checks extra secret names before AppService is built; the app's other secrets have fixed names (JWT_SECRET, DATABASE_URL, SENTRY_DSN)",
    },
    { file: "appServiceArgs.ts", site: "clashes with a plain setting", stack: "prod", mutate: (c) => (c.secrets.extra = ["PORT"]), secrets: { PORT: "x" }, key: "secrets.extra[0]", problem: /set by the program itself/, reaches: /AppService "app": secret "PORT" clashes with a plain setting/ },
    { file: "appServiceArgs.ts", site: "regions must list at least one Fly region", stack: "prod", mutate: (c) => ((c.app.regions = []), (c.database.region = "ams")), key: "app.regions", problem: /at least 1/, reaches: /AppService "app": regions must list at least one Fly region/ },
    { file: "appServiceArgs.ts", site: "is not a Fly region such as ams", stack: "prod", mutate: (c) => ((c.app.regions = ["ams", "xyz"]), (c.database.region = "ams")), key: "app.regions[1]", problem: /is not a Fly region/, reaches: /AppService "app": region "xyz" is not a Fly region/ },
    { file: "appServiceArgs.ts", site: "regions lists a region twice", stack: "prod", mutate: (c) => (c.app.regions = ["ams", "ams"]), key: "app.regions", problem: /lists a region twice/, reaches: /AppService "app": regions lists a region twice/ },
    { file: "appServiceArgs.ts", site: "machinesPerRegion must be a whole number", stack: "prod", mutate: (c) => (c.app.machines.count = 50), key: "app.machines.count", problem: /at most 20/, reaches: /AppService "app": machinesPerRegion must be a whole number from 1 to 20, got 50/ },
    { file: "appServiceArgs.ts", site: "minRunning must be a whole number", stack: "prod", mutate: (c) => (c.app.minRunning = 9), key: "app.minRunning", problem: /must not exceed the machines the app has/, reaches: /AppService "app": minRunning must be a whole number from 0 to the 4 machine\(s\) the app has, got 9/ },
    { file: "appServiceArgs.ts", site: "concurrency.soft must be at least 1", stack: "prod", mutate: (c) => (c.app.concurrency.soft = 300), key: "app.concurrency.soft", problem: /must not exceed concurrency\.hard/, reaches: /AppService "app": concurrency\.soft must be at least 1 and at most concurrency\.hard \(250\), got 300/ },
    { file: "appServiceArgs.ts", site: "image.copyFrom.source must be an image by digest", stack: "prod", mutate: (c) => (c.app.image.promoted.image = "registry.fly.io/api-staging:latest"), key: "app.image.promoted.image", problem: /must be an image by digest/, reaches: /AppService "app": image\.copyFrom\.source must be an image by digest/ },
    { file: "appServiceArgs.ts", site: "which needs a Fly API token", stack: "staging", env: { FLY_API_TOKEN: undefined }, key: "app.image.context", problem: /FLY_API_TOKEN is not set/, reaches: /AppService "app": building image\.context for Fly pushes it to registry\.fly\.io/ },
    { file: "appServiceArgs.ts", site: "hostPort must be a whole number from 1024", stack: "dev", mutate: (c) => (c.app.localPort = 80), key: "app.localPort", problem: /at least 1024/, reaches: /AppService "app": hostPort must be a whole number from 1024 to 65535, got 80/ },
    // GitHubEnvironment and its read environments
    { file: "githubEnvironment.ts", site: "GitHub allows at most 6 required reviewers", stack: "prod", mutate: (c) => (c.github.reviewers = { users: users(4), teams: users(3, 100) }), key: "github.reviewers", problem: /7 required reviewers.*at most 6/, reaches: /GitHubEnvironment "github": GitHub allows at most 6 required reviewers, got 7/ },
    { file: "githubEnvironment.ts", site: "waitTimerMinutes must be a whole number", stack: "prod", mutate: (c) => (c.github.waitTimerMinutes = 50000), key: "github.waitTimerMinutes", problem: /at most 43200/, reaches: /GitHubEnvironment "github": waitTimerMinutes must be a whole number from 0 to 43200, got 50000/ },
    { file: "githubEnvironment.ts", site: "protection.requiredApprovals must be a whole number", stack: "prod", mutate: (c) => (c.github.protection.requiredApprovals = 11), key: "github.protection.requiredApprovals", problem: /at most 6/, reaches: /GitHubEnvironment "github": protection\.requiredApprovals must be a whole number from 0 to 10, got 11/ },
    { file: "githubEnvironment.ts", site: 'name "${key}" must be UPPER_SNAKE_CASE, such as FLY_API_TOKEN', stack: "prod", mutate: (c) => (c.github.secrets = ["fly-token"]), key: "github.secrets[0]", problem: /UPPER_SNAKE_CASE/, reaches: /GitHubEnvironment "github": secret name "fly-token" must be UPPER_SNAKE_CASE/ },
    { file: "githubEnvironment.ts", site: "starts with GITHUB_, which GitHub reserves", stack: "prod", mutate: (c) => (c.github.secrets = ["GITHUB_PAT"]), secrets: { GITHUB_PAT: "x" }, key: "github.secrets[0]", problem: /starts with GITHUB_, which GitHub reserves/, reaches: /GitHubEnvironment "github": secret name "GITHUB_PAT" starts with GITHUB_/ },
    { file: "githubEnvironment.ts", site: "is both a secret and a variable", stack: "prod", mutate: (c) => (c.github.secrets = ["APP_NAME"]), secrets: { APP_NAME: "x" }, key: "github.secrets[0]", problem: /variable the program sets/, reaches: /GitHubEnvironment "github": "APP_NAME" is both a secret and a variable/ },
    { file: "githubEnvironment.ts", site: "is named twice", stack: "prod", mutate: (c) => (c.github.readEnvironments[1].environment = "production"), key: "github.readEnvironments[1].environment", problem: /already the name of another environment/, reaches: /GitHubEnvironment "github": environment "production" is named twice/ },
    { file: "githubReadEnvironment.ts", site: "GitHub allows at most 6 required reviewers", stack: "prod", mutate: (c) => (c.github.readEnvironments[0].reviewers = { users: users(4), teams: users(3, 100) }), key: "github.readEnvironments[0].reviewers", problem: /7 required reviewers.*at most 6/, reaches: /GitHubReadEnvironment "github-read-production-preview": GitHub allows at most 6 required reviewers, got 7/ },
    { file: "githubReadEnvironment.ts", site: "environment must not be empty", stack: "prod", mutate: (c) => (c.github.readEnvironments[0].environment = " "), key: "github.readEnvironments[0].environment", problem: /GitHub environment name/, reaches: /GitHubReadEnvironment "github-read- ": environment must not be empty/ },
    { file: "githubReadEnvironment.ts", site: "must be one branch name such as main", stack: "prod", mutate: (c) => (c.github.readEnvironments[1].branches = ["release/*"]), key: "github.readEnvironments[1].branches[0]", problem: /branch name/, reaches: /GitHubReadEnvironment "github-read-production-readonly": branch "release\/\*" must be one branch name/ },
    { file: "githubReadEnvironment.ts", site: "branches lists a branch twice", stack: "prod", mutate: (c) => (c.github.readEnvironments[1].branches = ["main", "main"]), key: "github.readEnvironments[1].branches[1]", problem: /lists main twice/, reaches: /GitHubReadEnvironment "github-read-production-readonly": branches lists a branch twice/ },
    // Postgres: what Fly Managed Postgres cannot honour, and the local container's limits.
    { file: "postgres.ts", site: "must be a lowercase SQL identifier", stack: "prod", mutate: (c) => (c.database.name = "App-DB"), key: "database.name", problem: /lowercase SQL identifier/, reaches: /Postgres "database": databaseName must be a lowercase SQL identifier such as app, got "App-DB"/ },
    { file: "postgres.ts", site: "always keeps backups", stack: "prod", mutate: (c) => (c.database.backups = false), key: "database.backups", problem: /must be true for Fly Managed Postgres.*cannot turn them off/, reaches: /Postgres "database": Fly Managed Postgres always keeps backups/ },
    { file: "postgres.ts", site: "diskGb must be a whole number from 10 to 1000", stack: "prod", mutate: (c) => (c.database.diskGb = 5), key: "database.diskGb", problem: /at least 10/, reaches: /Postgres "database": diskGb must be a whole number from 10 to 1000, got 5/ },
    { file: "postgres.ts", site: "region must be a Fly region such as ams", stack: "prod", mutate: (c) => (c.database.region = "xyz"), key: "database.region", problem: /is not a Fly region/, reaches: /Postgres "database": region must be a Fly region such as ams, got "xyz"/ },
    { file: "postgres.ts", site: "Fly Managed Postgres does not run in", stack: "prod", mutate: (c) => (c.database.region = "cdg"), key: "database.region", problem: /has no Fly Managed Postgres: Fly Managed Postgres runs only in .*ams/, reaches: /Postgres "database": Fly Managed Postgres does not run in cdg/ },
    { file: "postgres.ts", site: "must start and end with a letter or digit on Fly", stack: "prod", mutate: (c) => (c.database.name = "app_"), key: "database.name", problem: /must start and end with a letter or digit for Fly Managed Postgres/, reaches: /Postgres "database": databaseName must start and end with a letter or digit on Fly Managed Postgres, got "app_"/ },
    { file: "postgres.ts", site: "clusterId must be the id of an existing cluster", stack: "pr-7", mutate: (c) => (c.database.cluster = "staging cluster"), key: "database.cluster", problem: /must be the id of an existing cluster/, reaches: /Postgres "database": clusterId must be the id of an existing cluster as `fly mpg list` prints it, got "staging cluster"/ },
    { file: "postgres.ts", site: "hostPort must be a whole number from 1024", stack: "dev", mutate: (c) => (c.database.localPort = 80), key: "database.localPort", problem: /at least 1024/, reaches: /Postgres "database": hostPort must be a whole number from 1024 to 65535, got 80/ },
    // SentryProject
    { file: "sentryProject.ts", site: "must be a Sentry slug", stack: "prod", mutate: (c) => (c.sentry.organization = "Acme_Corp"), key: "sentry.organization", problem: /lowercase letters, digits and dashes/, reaches: /SentryProject "sentry": organization must be a Sentry slug/ },
    { file: "sentryProject.ts", site: "keyName must not be empty", stack: "prod", mutate: (c) => (c.environment = " "), key: "environment", problem: /lowercase name/, reaches: /SentryProject "sentry": keyName must not be empty/ },
];

/** The same config change reaches a check that does not depend on which region the cluster defaults to. */
const defaultRegionCase: ConfigCase = {
    file: "postgres.ts",
    site: "Fly Managed Postgres does not run in",
    stack: "prod",
    mutate: (c) => (c.app.regions = ["cdg", "ams"]),
    key: "database.region",
    problem: /is unset, so the database would run in the app's primary region cdg, which has no Fly Managed Postgres/,
    reaches: /Postgres "database": Fly Managed Postgres does not run in cdg/,
};

/**
 * What a Fly provider's `check` refuses (providers/fly) and config can know, refused by config first: the user
 * sees the key and the fix, not a resource property at preview.
 */
const providerCheckCases: readonly { what: string; stack: Stack; mutate: (config: Record<string, any>) => void; key: string; problem: RegExp }[] = [
    { what: "fly:Certificate: a hostname without a top-level domain", stack: "prod", mutate: (c) => (c.app.domains = ["api"]), key: "app.domains[0]", problem: /top-level domain of letters/ },
    { what: "fly:Certificate: a numeric top-level domain", stack: "prod", mutate: (c) => (c.app.domains = ["api.example.123"]), key: "app.domains[0]", problem: /top-level domain of letters/ },
    { what: "fly:PostgresDatabase: a name ending in _", stack: "prod", mutate: (c) => (c.database.name = "app_"), key: "database.name", problem: /start and end with a letter or digit/ },
    { what: "fly:ManagedPostgres: a region Managed Postgres does not run in", stack: "prod", mutate: (c) => (c.database.region = "waw"), key: "database.region", problem: /has no Fly Managed Postgres/ },
];

const otherCases: OtherCase[] = [
    {
        file: "appServiceArgs.ts",
        site: "image.copyFrom copies into a Fly app's repository",
        why: "no config reaches it: a promoted image is copied only for platform fly (config/promotion.ts); a local stack runs it by reference",
        proof: async () => {
            const { validateAppServiceArgs } = await import("../../components/appServiceArgs");
            const copyFrom = { source: `registry.fly.io/api-staging@sha256:${"e".repeat(64)}`, sourceTokenEnv: "FLY_API_TOKEN" };
            const problems = validateAppServiceArgs("app", { scope: { prefix: "api", stack: "dev" }, image: { copyFrom }, settings: { environment: "development" }, runtime: { kind: "local", network: "n" } });
            assert.ok(problems.some((p) => p.includes("copies into a Fly app's repository")), problems.join("\n"));
            const { promotionCopy } = await import("../../config/promotion");
            const dev = parseStackFile("dev").config;
            assert.equal(promotionCopy({ ...dev, app: { ...dev.app, image: { dockerfile: "Dockerfile", promoted: { from: "staging", image: copyFrom.source, commit: "unknown", healthyAt: "2026-12-01T10:00:00Z" } } } }), undefined);
        },
    },
    {
        file: "appServiceLocal.ts",
        site: "the release container ${container} ${what}",
        why: "a run-time outcome: the migration ran and failed; no config value decides it",
        proof: async () => {
            const { requireReleaseSuccess } = await import("../../components/appServiceLocal");
            assert.equal(requireReleaseSuccess("app", "api-dev-release", 0), "0");
            assert.throws(() => requireReleaseSuccess("app", "api-dev-release", 1), (e: Error) => e instanceof pulumi.RunError && /exited with code 1/.test(e.message));
        },
    },
    {
        file: "dataSafety.ts",
        site: "holds data but is registered without retainOnDelete",
        why: "a program invariant: every data resource a component creates passes retainOnDelete; no config can remove it, and each stack below runs with the check installed",
        proof: async () => {
            for (const stack of ["dev", "staging", "prod"] as const) {
                const run = await runStack(stack, { mutate: (c) => ((c.database.protect = true), (c.database.retainOnDelete = true)) });
                assert.equal(run.configError, undefined, stack);
                assert.ok(run.resources.some((r) => r.retainOnDelete), `${stack} registers data resources`);
            }
        },
    },
];

/** The checks in components/: every `throw` and every `problems.push(...)`, as file and source text. */
function checkSites(): { file: string; kind: "throw" | "push"; text: string }[] {
    const dir = join(ROOT, "components");
    const sites: { file: string; kind: "throw" | "push"; text: string }[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const source = ts.createSourceFile(file, readFileSync(join(dir, file), "utf8"), ts.ScriptTarget.Latest, true);
        const visit = (node: ts.Node): void => {
            if (ts.isThrowStatement(node)) sites.push({ file, kind: "throw", text: node.getText() });
            else if (ts.isCallExpression(node) && /\.push$/.test(node.expression.getText()) && node.expression.getText().startsWith("problems")) sites.push({ file, kind: "push", text: node.getText() });
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return sites;
}

/** A validator's throw of its collected problems, or a push of another validator's: the pushes they carry are the checks. */
const aggregates = (text: string) => /throw new [\w.]+\(problems\.join\(/.test(text) || /problems\.push\(\.\.\.validate\w+\(/.test(text);

/** The parsed config of a real stack, with `mutate` applied behind the schema's back, run through the program. */
async function bypassingTheSchema(c: ConfigCase): Promise<{ error: unknown; registered: number }> {
    const parsed = parseStackFile(c.stack);
    const config = structuredClone(parsed.config) as StackConfig;
    c.mutate?.(config as Record<string, any>);
    const env = { FLY_API_TOKEN: TEST_TOKEN, ...c.env };
    const names = [...(config.secrets?.extra ?? []), ...(config.github?.secrets ?? [])];
    const run = await underMocks({ stack: c.stack }, () =>
        buildEnvironment({
            ...parsed,
            config,
            project: PROJECT,
            secretValues: Object.fromEntries(names.map((name) => [name, pulumi.secret(`value-of-${name}`)])),
            flyApiToken: env.FLY_API_TOKEN ? pulumi.secret(env.FLY_API_TOKEN) : undefined,
            commit: "unknown",
        }),
    );
    return { error: run.error, registered: run.resources.length };
}

describe("every check in components/ is a config error first", () => {
    const sites = checkSites();
    const cases = [...configCases.map((c) => ({ file: c.file, site: c.site })), ...otherCases.map((c) => ({ file: c.file, site: c.site }))];

    it("the walk finds the checks (a control: it sees throws and pushes in every validating component)", () => {
        const files = new Set(sites.map((s) => s.file));
        for (const file of ["appSecrets.ts", "appServiceArgs.ts", "refuseInvalid.ts", "postgres.ts", "githubEnvironment.ts", "githubReadEnvironment.ts", "sentryProject.ts", "dataSafety.ts"]) assert.ok(files.has(file), file);
        assert.ok(sites.filter((s) => s.kind === "push").length >= 30, `${sites.length} sites`);
    });

    it("names every check by exactly one case, and every case names a check", () => {
        const unnamed = sites.filter((s) => !aggregates(s.text) && cases.filter((c) => c.file === s.file && s.text.includes(c.site)).length !== 1);
        assert.deepEqual(unnamed.map((s) => `${s.file}: ${s.text.slice(0, 120)}`), [], "checks without exactly one case: add one (a config twin, or why it is not a config constraint)");
        const stale = cases.filter((c) => sites.filter((s) => s.file === c.file && s.text.includes(c.site)).length !== 1);
        assert.deepEqual(stale, [], "cases naming no check, or several");
    });

    for (const c of [...configCases, defaultRegionCase]) {
        it(`${c.file} "${c.site}": refused as ${c.key} before anything registers, and reached without the schema`, async () => {
            const run = await runStack(c.stack, { mutate: c.mutate, secrets: c.secrets, env: c.env });
            assert.ok(run.configError, "the schema refuses the config");
            assert.deepEqual(run.resources, [], "nothing is registered");
            const issue = run.configError.issues.find((i) => i.key === c.key);
            assert.ok(issue, `an issue names ${c.key}: ${run.configError.issues.map((i) => i.key).join(", ")}`);
            assert.match(issue.problem, c.problem);
            assert.match(issue.fix, /pulumi config|FLY_API_TOKEN/);

            const bypass = await bypassingTheSchema(c);
            assert.ok(bypass.error instanceof Error, "without the schema, the component refuses it");
            assert.match(bypass.error.message, c.reaches);
            assert.ok(bypass.error instanceof pulumi.RunError, "a RunError: the CLI prints it without a stack trace");
        });
    }

    it("the bypass is a real control: the unchanged stacks build without a throw", async () => {
        for (const stack of ["dev", "staging", "prod", "pr-7"] as const) {
            const bypass = await bypassingTheSchema({ file: "", site: "", stack, key: "", problem: /./, reaches: /./ });
            assert.equal(bypass.error, undefined, `${stack}: ${String(bypass.error)}`);
            assert.ok(bypass.registered > 0);
        }
    });

    for (const c of providerCheckCases) {
        it(`what a Fly provider's check refuses is a config error first: ${c.what}`, async () => {
            const run = await runStack(c.stack, { mutate: c.mutate });
            assert.deepEqual(run.resources, [], "nothing is registered");
            const issues = run.configError?.issues.filter((i) => i.key === c.key) ?? [];
            assert.equal(issues.length, 1, `one issue names ${c.key}: ${run.configError?.message}`);
            assert.match(issues[0].problem, c.problem);
        });
    }

    it("the Managed Postgres region list is a dated subset of Fly's regions, with its sources", () => {
        assert.match(FLY_MANAGED_POSTGRES_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(FLY_MANAGED_POSTGRES_REGIONS.size >= 6, `only ${FLY_MANAGED_POSTGRES_REGIONS.size} regions`);
        assert.deepEqual([...FLY_MANAGED_POSTGRES_REGIONS].filter((region) => !FLY_REGIONS.has(region)), [], "every Managed Postgres region is a Fly region");
        assert.ok(FLY_MANAGED_POSTGRES_REGIONS.size < FLY_REGIONS.size, "a subset, so the rule can refuse something");
    });

    it("a control for the Managed Postgres rules: each listed region and both versions pass, backups on", async () => {
        for (const region of FLY_MANAGED_POSTGRES_REGIONS) {
            const run = await runStack("prod", { mutate: (c) => ((c.database.region = region), (c.database.version = region === "ams" ? 16 : 17)) });
            assert.equal(run.configError, undefined, `${region}: ${run.configError?.message}`);
        }
    });

    it("a control for the domain rule: a public name and a wildcard pass", async () => {
        const run = await runStack("prod", { mutate: (c) => (c.app.domains = ["api.acme.dev", "*.acme.dev"]) });
        assert.equal(run.configError, undefined, run.configError?.message);
    });

    for (const c of otherCases) {
        it(`${c.file} "${c.site}" is not a config constraint: ${c.why}`, async () => {
            await c.proof();
        });
    }
});

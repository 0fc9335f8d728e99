/**
 * Table-driven: one bad change to a real stack file per row. Each must fail before a single resource is registered,
 * naming the key path and giving the command that fixes it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runStack } from "../harness/stack";

interface Case {
    readonly name: string;
    readonly stack: "dev" | "staging" | "prod";
    readonly mutate?: (config: Record<string, any>) => void;
    readonly secrets?: Record<string, string>;
    /** The key path the error must name. */
    readonly key: string;
    /** Text the problem must contain. */
    readonly problem: RegExp;
    /** Text the fix command must contain. */
    readonly fix: string;
    /** Text no issue's problem may match (the misleading message this case once got). */
    readonly notProblem?: RegExp;
    /** Text that must not appear anywhere in the error (decrypted values). */
    readonly hidden?: readonly string[];
}

/** What the harness decrypts a `secure:` value to offline (see `engineConfig`): every one starts so. */
const DECRYPTED = "offline-stand-in-";
const secure = (ciphertext: string) => ({ secure: `v1:${ciphertext}` });
/** Moves a key of the project's namespace to `namespace` (or to no namespace at all when empty). */
const moveKey = (config: Record<string, any>, key: string, namespace: string) => {
    config[namespace ? `:${namespace}:${key}` : `:${key}`] = config[key];
    delete config[key];
};

/** A promotion record as `npm run promote` writes it. */
const PROMOTED = { from: "staging", image: `registry.fly.io/api-staging@sha256:${"ab".repeat(32)}`, commit: "c".repeat(40), healthyAt: "2026-12-01T10:00:00Z" };
const promote = (c: Record<string, any>, record: Record<string, unknown> = {}) => (c.app.image = { promoted: { ...PROMOTED, ...record } });

const cases: Case[] = [
    // Wrong types.
    { name: "port as a string", stack: "prod", mutate: (c) => (c.app.port = "8080"), key: "app.port", problem: /must be a number \(allowed 1–65535\), received "8080"/, fix: "pulumi config set --stack prod --path app.port" },
    { name: "debug as a string", stack: "staging", mutate: (c) => (c.app.settings.debug = "false"), key: "app.settings.debug", problem: /must be a boolean, received "false"/, fix: "--path app.settings.debug <true|false>" },
    { name: "regions as a string", stack: "prod", mutate: (c) => (c.app.regions = "ams"), key: "app.regions", problem: /must be a list, received "ams"/, fix: "--path app.regions" },
    { name: "reviewer id as a login", stack: "prod", mutate: (c) => (c.github.reviewers.users = ["octocat"]), key: "github.reviewers.users[0]", problem: /must be a number.*, received "octocat"/, fix: "--path 'github.reviewers.users[0]'" },
    { name: "machine count fractional", stack: "prod", mutate: (c) => (c.app.machines.count = 1.5), key: "app.machines.count", problem: /must be a whole number.*received 1.5/, fix: "--path app.machines.count" },
    // Out-of-range numbers.
    { name: "zero machines", stack: "prod", mutate: (c) => (c.app.machines.count = 0), key: "app.machines.count", problem: /at least 1 \(allowed 1–20\), received 0/, fix: "--path app.machines.count 1" },
    { name: "too many machines", stack: "prod", mutate: (c) => (c.app.machines.count = 50), key: "app.machines.count", problem: /at most 20 \(allowed 1–20\), received 50/, fix: "--path app.machines.count 20" },
    { name: "port above 65535", stack: "staging", mutate: (c) => (c.app.port = 70000), key: "app.port", problem: /at most 65535.*received 70000/, fix: "--path app.port 65535" },
    { name: "traces sample rate above 1", stack: "prod", mutate: (c) => (c.sentry.tracesSampleRate = 1.5), key: "sentry.tracesSampleRate", problem: /at most 1 \(allowed 0–1\), received 1.5/, fix: "--path sentry.tracesSampleRate 1" },
    { name: "memory not a multiple of 256", stack: "prod", mutate: (c) => (c.app.machines.memoryMb = 1000), key: "app.machines.memoryMb", problem: /multiple of 256, received 1000/, fix: "--path app.machines.memoryMb" },
    { name: "disk below 10 GB", stack: "prod", mutate: (c) => (c.database.diskGb = 5), key: "database.diskGb", problem: /at least 10 \(allowed 10–1000\), received 5/, fix: "--path database.diskGb 10" },
    { name: "JWT length too short", stack: "staging", mutate: (c) => (c.secrets.jwtLength = 8), key: "secrets.jwtLength", problem: /at least 16 \(allowed 16–512\), received 8/, fix: "--path secrets.jwtLength 16" },
    { name: "rotation of zero days", stack: "prod", mutate: (c) => (c.secrets.rotationDays = 0), key: "secrets.rotationDays", problem: /at least 1.*received 0/, fix: "--path secrets.rotationDays 1" },
    { name: "min running above machine count", stack: "staging", mutate: (c) => (c.app.minRunning = 3), key: "app.minRunning", problem: /must not exceed the machines the app has \(1 = machines.count 1 × 1 region\(s\)\).*received 3/, fix: "--path app.minRunning" },
    { name: "soft concurrency above hard", stack: "prod", mutate: (c) => (c.app.concurrency.soft = 300), key: "app.concurrency.soft", problem: /must not exceed concurrency.hard \(250\)/, fix: "--path app.concurrency.soft" },
    // Enumerations.
    { name: "unsupported Postgres version", stack: "prod", mutate: (c) => (c.database.version = 15), key: "database.version", problem: /must be one of 16, 17, received 15/, fix: "--path database.version 16" },
    { name: "unknown log level", stack: "prod", mutate: (c) => (c.app.settings.logLevel = "VERBOSE"), key: "app.settings.logLevel", problem: /must be one of "TRACE", .*received "VERBOSE"/, fix: "--path app.settings.logLevel TRACE" },
    { name: "negative drain", stack: "prod", mutate: (c) => (c.app.deploy.timing = { waitBeforeStopMs: -1 }), key: "app.deploy.timing.waitBeforeStopMs", problem: /must be at least 0 \(allowed 0–600000\), received -1/, fix: "--path app.deploy.timing.waitBeforeStopMs 0" },
    { name: "a rollout delay that is not flyctl's", stack: "staging", mutate: (c) => (c.app.deploy.timing = { drainMs: 0 }), key: "app.deploy.timing.drainMs", problem: /is not a known key \(known keys here: waitBeforeCordonMs, waitBeforeStopMs/, fix: "pulumi config rm --stack staging --path app.deploy.timing.drainMs" },
    { name: "adopting a cluster for a local database", stack: "dev", mutate: (c) => (c.database.adopt = "pg-1"), key: "database.adopt", problem: /needs database\.kind fly; remove it for a local database/, fix: "pulumi config rm --stack dev --path database.adopt" },
    { name: "a cluster id with a space", stack: "prod", mutate: (c) => (c.database.adopt = "pg 1"), key: "database.adopt", problem: /must be the id of an existing cluster as `fly mpg list` prints it/, fix: "--path database.adopt" },
    { name: "unknown deploy strategy", stack: "prod", mutate: (c) => (c.app.deploy.strategy = "canary"), key: "app.deploy.strategy", problem: /must be one of "rolling", "bluegreen", "immediate", received "canary"/, fix: "--path app.deploy.strategy rolling" },
    { name: "unknown platform", stack: "dev", mutate: (c) => (c.platform = "k8s"), key: "platform", problem: /must be one of "local", "fly", received "k8s"/, fix: "pulumi config set --stack dev platform local" },
    // Malformed URLs, origins, hosts, names.
    { name: "origin with a path", stack: "prod", mutate: (c) => (c.app.settings.corsOrigins = ["https://app.acme.dev/login"]), key: "app.settings.corsOrigins[0]", problem: /must be an origin.*received "https:\/\/app.acme.dev\/login"/, fix: "--path 'app.settings.corsOrigins[0]'" },
    { name: "origin with a trailing slash", stack: "staging", mutate: (c) => (c.app.settings.corsOrigins = ["https://staging.acme.dev/"]), key: "app.settings.corsOrigins[0]", problem: /must be an origin/, fix: "'app.settings.corsOrigins[0]'" },
    { name: "origin without a scheme", stack: "dev", mutate: (c) => c.app.settings.corsOrigins.push("localhost:3000"), key: "app.settings.corsOrigins[2]", problem: /must be an origin.*received "localhost:3000"/, fix: "'app.settings.corsOrigins[2]'" },
    { name: "origin with another scheme", stack: "prod", mutate: (c) => (c.app.settings.corsOrigins = ["ftp://app.acme.dev"]), key: "app.settings.corsOrigins[0]", problem: /must be an origin/, fix: "'app.settings.corsOrigins[0]'" },
    { name: "domain given as a URL", stack: "prod", mutate: (c) => (c.app.domains = ["https://api.acme.dev"]), key: "app.domains[0]", problem: /must be a lowercase DNS hostname.*received "https:\/\/api.acme.dev"/, fix: "'app.domains[0]'" },
    { name: "health path without a slash", stack: "prod", mutate: (c) => (c.app.healthPath = "health"), key: "app.healthPath", problem: /must be an absolute URL path.*received "health"/, fix: "--path app.healthPath" },
    { name: "uppercase region", stack: "prod", mutate: (c) => (c.app.regions = ["AMS", "fra"]), key: "app.regions[0]", problem: /three-letter Fly region code.*received "AMS"/, fix: "'app.regions[0]'" },
    { name: "app name with underscores", stack: "staging", mutate: (c) => (c.app.name = "my_api"), key: "app.name", problem: /lowercase letters, digits and dashes.*received "my_api"/, fix: "--path app.name" },
    { name: "image with both context and ref", stack: "prod", mutate: (c) => (c.app.image.ref = "registry.fly.io/api:1"), key: "app.image.ref", problem: /set exactly one of image.context .* or image.ref/, fix: "--path app.image.ref" },
    { name: "a region listed twice", stack: "prod", mutate: (c) => (c.app.regions = ["ams", "ams"]), key: "app.regions", problem: /lists a region twice/, fix: "--path app.regions" },
    // Unknown keys (typo protection).
    { name: "typo in a nested key", stack: "prod", mutate: (c) => (c.app.settings.logLevle = "INFO"), key: "app.settings.logLevle", problem: /is not a known key \(did you mean app.settings.logLevel\?\)/, fix: "pulumi config rm --stack prod --path app.settings.logLevle" },
    { name: "typo in a top-level key", stack: "staging", mutate: (c) => (c.databse = { kind: "fly" }), key: "databse", problem: /is not a known key \(did you mean database\?\)/, fix: "pulumi config rm --stack staging databse" },
    { name: "unknown GitHub setting", stack: "prod", mutate: (c) => (c.github.requireSignedCommits = true), key: "github.requireSignedCommits", problem: /is not a known key/, fix: "pulumi config rm --stack prod --path github.requireSignedCommits" },
    // Plaintext secrets and secret values.
    { name: "secret written in plaintext", stack: "prod", mutate: (c) => { c.secrets.extra = ["STRIPE_API_KEY"]; c.STRIPE_API_KEY = "sk_live_plaintext"; }, key: "STRIPE_API_KEY", problem: /stored in plaintext/, fix: "pulumi config set --stack prod --secret STRIPE_API_KEY <value>" },
    { name: "JWT secret written in plaintext", stack: "dev", mutate: (c) => (c.JWT_SECRET = "x".repeat(64)), key: "JWT_SECRET", problem: /stored in plaintext/, fix: "--secret JWT_SECRET" },
    { name: "extra secret listed without a value", stack: "staging", mutate: (c) => (c.secrets.extra = ["STRIPE_API_KEY"]), key: "STRIPE_API_KEY", problem: /listed in secrets.extra\[0\] but has no value/, fix: "pulumi config set --stack staging --secret STRIPE_API_KEY <value>" },
    { name: "GitHub secret listed without a value", stack: "prod", mutate: (c) => (c.github.secrets = ["FLY_API_TOKEN"]), key: "FLY_API_TOKEN", problem: /listed in github.secrets\[0\] but has no value/, fix: "--secret FLY_API_TOKEN" },
    { name: "supplied JWT secret too short", stack: "prod", secrets: { JWT_SECRET: "short-secret" }, key: "JWT_SECRET", problem: /at least secrets.jwtLength \(64\) characters, received 12 characters/, fix: "--secret JWT_SECRET" },
    { name: "secret value nothing uses", stack: "staging", secrets: { STRAY_TOKEN: "t".repeat(40) }, key: "STRAY_TOKEN", problem: /nothing uses/, fix: "pulumi config rm --stack staging STRAY_TOKEN" },
    { name: "extra secret that the program owns", stack: "prod", mutate: (c) => (c.secrets.extra = ["DATABASE_URL"]), secrets: { DATABASE_URL: "postgres://u:p@h/db" }, key: "secrets.extra[0]", problem: /DATABASE_URL is set by the program itself/, fix: "'secrets.extra[0]'" },
    // Keys outside the project's namespace: named as misplaced, never dropped and then reported missing.
    { name: "settings without the project namespace", stack: "prod", mutate: (c) => moveKey(c, "app", ""), key: "app", problem: /is written without the project namespace.*must be api-environments:app/, fix: "rename the key app to api-environments:app in Pulumi.prod.yaml", notProblem: /is required/ },
    { name: "settings under another project's namespace", stack: "staging", mutate: (c) => moveKey(c, "database", "api-environment"), key: "api-environment:database", problem: /is in the namespace "api-environment", not this project's.*api-environments:database/, fix: "pulumi config rm --stack staging api-environment:database", notProblem: /is required|must be one of "local", "fly", received nothing/ },
    { name: "scalar under another project's namespace", stack: "dev", mutate: (c) => moveKey(c, "environment", "myproject"), key: "myproject:environment", problem: /namespace "myproject".*api-environments:environment/, fix: "pulumi config set --stack dev environment <value>", notProblem: /is required/ },
    { name: "secret value under another namespace", stack: "prod", mutate: (c) => { c.secrets.extra = ["STRIPE_API_KEY"]; c[":api:STRIPE_API_KEY"] = secure("c3RyaXBl"); }, key: "api:STRIPE_API_KEY", problem: /namespace "api".*api-environments:STRIPE_API_KEY/, fix: "pulumi config set --stack prod --secret STRIPE_API_KEY <value>", notProblem: /has no value/, hidden: [DECRYPTED] },
    // Numbers JSON cannot carry, and bounds that must not contradict the value.
    { name: "machine count that overflows", stack: "prod", mutate: (c) => (c.app.machines.count = Infinity), key: "app.machines.count", problem: /must be a finite number \(allowed 1–20\), received Infinity \(the number written is too large/, fix: "--path app.machines.count <1–20>", notProblem: /null/ },
    { name: "disk size that overflows negatively", stack: "prod", mutate: (c) => (c.database.diskGb = -Infinity), key: "database.diskGb", problem: /must be a finite number.*received -Infinity/, fix: "--path database.diskGb", notProblem: /null/ },
    { name: "port beyond exact integers", stack: "staging", mutate: (c) => (c.app.port = 1e30), key: "app.port", problem: /^must be at most 65535 \(allowed 1–65535\), received 1e\+30$/, fix: "--path app.port 65535", notProblem: /9007199254740991/ },
    { name: "reviewer id of zero", stack: "prod", mutate: (c) => (c.github.reviewers.users = [0]), key: "github.reviewers.users[0]", problem: /^must be greater than 0 \(allowed > 0\), received 0$/, fix: "--path 'github.reviewers.users[0]' 1", notProblem: /at least 0/ },
    // Fly values: regions from Fly's list, one certificate per domain, plain health paths.
    { name: "unknown region code", stack: "prod", mutate: (c) => (c.app.regions = ["ams", "xyz"]), key: "app.regions[1]", problem: /is not a Fly region \(known: ams, arn, .*providers\/fly\/regions.json, checked \d{4}-\d{2}-\d{2}\), received "xyz"/, fix: "--path 'app.regions[1]'" },
    { name: "unknown database region", stack: "staging", mutate: (c) => (c.database.region = "eur"), key: "database.region", problem: /is not a Fly region.*received "eur"/, fix: "--path database.region" },
    { name: "a domain listed twice", stack: "prod", mutate: (c) => c.app.domains.push("api.acme.dev"), key: "app.domains[1]", problem: /lists api.acme.dev twice \(also app.domains\[0\]\)/, fix: "--path 'app.domains[1]'" },
    { name: "health path with a query string", stack: "prod", mutate: (c) => (c.app.healthPath = "/health?verbose=1"), key: "app.healthPath", problem: /must not contain a query string.*received "\/health\?verbose=1"/, fix: "--path app.healthPath" },
    { name: "health path climbing out", stack: "prod", mutate: (c) => (c.app.healthPath = "/api/../admin"), key: "app.healthPath", problem: /must not contain \. or \.\. segments/, fix: "--path app.healthPath" },
    { name: "health path with whitespace", stack: "staging", mutate: (c) => (c.app.healthPath = "/health check"), key: "app.healthPath", problem: /must not contain whitespace/, fix: "--path app.healthPath" },
    { name: "health path with an empty segment", stack: "prod", mutate: (c) => (c.app.healthPath = "//health"), key: "app.healthPath", problem: /must not contain \/\//, fix: "--path app.healthPath" },
    { name: "health path given as a URL", stack: "prod", mutate: (c) => (c.app.healthPath = "https://api.acme.dev/health"), key: "app.healthPath", problem: /not a URL: drop the scheme and host/, fix: "--path app.healthPath" },
    // Values written with --secret under settings: refused, and never quoted.
    { name: "organization slug written with --secret", stack: "prod", mutate: (c) => (c.fly.org = secure("YWNtZQ")), key: "fly", problem: /was written with --secret, but fly holds settings/, fix: "pulumi config set --stack prod --path 'fly.<setting>' <value> again without --secret", hidden: [DECRYPTED] },
    { name: "invalid organization slug written with --secret", stack: "prod", mutate: (c) => (c.fly.org = secure("YWNtZQ")), key: "fly.org", problem: /^must be at most 63 characters, received \[secret\]$/, fix: "--path fly.org", hidden: [DECRYPTED] },
    { name: "secret names list written with --secret", stack: "staging", mutate: (c) => (c.secrets.extra = [secure("U1RSSVBF")]), key: "secrets.extra[0]", problem: /UPPER_SNAKE_CASE.*, received \[secret\]$/, fix: "'secrets.extra[0]'", hidden: [DECRYPTED] },
    { name: "cross-key rule on a value written with --secret", stack: "prod", mutate: (c) => { c.app.concurrency.hard = 100; c.app.name = secure("YXBp"); }, key: "app.concurrency.soft", problem: /^must not exceed concurrency.hard, received \[secret\]$/, fix: "--path app.concurrency.soft", hidden: [DECRYPTED, "(100)"] },
    // Missing required keys for Fly stacks.
    { name: "Fly stack without an organization", stack: "prod", mutate: (c) => delete c.fly, key: "fly.org", problem: /is required when platform is fly/, fix: "pulumi config set --stack prod --path fly.org <value>" },
    { name: "Fly organization empty", stack: "staging", mutate: (c) => (c.fly.org = ""), key: "fly.org", problem: /at least 1 characters/, fix: "--path fly.org" },
    { name: "app without an image", stack: "prod", mutate: (c) => delete c.app.image, key: "app.image", problem: /is required/, fix: "--path app.image" },
    { name: "no database kind", stack: "staging", mutate: (c) => delete c.database.kind, key: "database.kind", problem: /must be one of "local", "fly", "flyShared", received nothing/, fix: "--path database.kind local" },
    // retainOnDelete is invisible to the policy pack, so the config refuses protected data that would not be kept.
    { name: "protected database not retained on delete", stack: "prod", mutate: (c) => (c.database.retainOnDelete = false), key: "database.retainOnDelete", problem: /must be true when database.protect is true.*received false/, fix: "--path database.retainOnDelete true" },
    { name: "Fly Managed Postgres without backups", stack: "prod", mutate: (c) => (c.database.backups = false), key: "database.backups", problem: /cannot turn them off/, fix: "pulumi config set --stack prod --path database.backups true" },
    { name: "local database on Fly", stack: "prod", mutate: (c) => (c.database.kind = "local"), key: "database.kind", problem: /must be fly when platform is fly/, fix: "--path database.kind fly" },
    { name: "GitHub without a branch", stack: "prod", mutate: (c) => delete c.github.branch, key: "github.branch", problem: /is required/, fix: "--path github.branch" },
    { name: "no environment name", stack: "prod", mutate: (c) => delete c.environment, key: "environment", problem: /is required/, fix: "pulumi config set --stack prod environment <value>" },
    // Promotions, rollbacks and the deploy's verification.
    { name: "promoted image by tag", stack: "staging", mutate: (c) => promote(c, { image: "registry.fly.io/api-staging:latest" }), key: "app.image.promoted.image", problem: /must be an image by digest, <repository>@sha256:<64 hex>/, fix: "--path app.image.promoted.image" },
    { name: "promoted image together with a build", stack: "staging", mutate: (c) => (c.app.image.promoted = PROMOTED), key: "app.image.promoted", problem: /set exactly one of image\.context .*image\.promoted/, fix: "--path app.image.promoted" },
    { name: "promoted healthy time that is no time", stack: "staging", mutate: (c) => promote(c, { healthyAt: "yesterday" }), key: "app.image.promoted.healthyAt", problem: /must be an ISO 8601 time/, fix: "--path app.image.promoted.healthyAt" },
    { name: "promoted commit abbreviated", stack: "staging", mutate: (c) => promote(c, { commit: "3f9c2a7" }), key: "app.image.promoted.commit", problem: /must be a full git commit \(40 hex digits\)/, fix: "--path app.image.promoted.commit" },
    { name: "soak override without a reason", stack: "staging", mutate: (c) => { promote(c); c.promotion = { override: { reason: "now" } }; }, key: "promotion.override.reason", problem: /must be at least 10 characters, received "now"/, fix: "--path promotion.override.reason" },
    { name: "soak override with nothing promoted", stack: "staging", mutate: (c) => (c.promotion = { override: { reason: "hotfix for the login outage" } }), key: "promotion.override", problem: /app\.image\.promoted is not set; remove it/, fix: "pulumi config rm --stack staging --path promotion.override" },
    { name: "rollback to a tag", stack: "staging", mutate: (c) => (c.rollback = { to: "registry.fly.io/api-staging:v1", reason: "verification failed: 502" }), key: "rollback.to", problem: /must be an image by digest/, fix: "--path rollback.to" },
    { name: "rollback without a reason", stack: "staging", mutate: (c) => (c.rollback = { to: PROMOTED.image, reason: "bad" }), key: "rollback.reason", problem: /must be at least 10 characters, received "bad"/, fix: "--path rollback.reason" },
    { name: "verification interval longer than its window", stack: "staging", mutate: (c) => (c.app.deploy.verify = { windowSeconds: 10, intervalSeconds: 30 }), key: "app.deploy.verify.intervalSeconds", problem: /must not exceed verify\.windowSeconds \(10\)/, fix: "--path app.deploy.verify.intervalSeconds" },
];

describe("invalid configuration fails before anything is created", () => {
    it("covers at least 25 invalid configurations", () => assert.ok(cases.length >= 25, `only ${cases.length} cases`));

    for (const c of cases) {
        it(`${c.stack}: ${c.name}`, async () => {
            const run = await runStack(c.stack, { mutate: c.mutate, secrets: c.secrets });
            assert.equal(run.resources.length, 0, "no resource may be registered when the config is invalid");
            assert.ok(run.configError, "expected a configuration error");
            const issue = run.configError.issues.find((i) => i.key === c.key);
            assert.ok(issue, `no issue for ${c.key}; got: ${run.configError.issues.map((i) => i.key).join(", ")}`);
            assert.match(issue.problem, c.problem);
            const misleading = c.notProblem && run.configError.issues.find((i) => c.notProblem!.test(i.problem));
            assert.ok(!misleading, `misleading issue: ${misleading && `${misleading.key}: ${misleading.problem}`}`);
            for (const text of c.hidden ?? []) assert.ok(!run.configError.message.includes(text), `the error shows ${text}:\n${run.configError.message}`);
            assert.ok(issue.fix.includes(c.fix), `fix "${issue.fix}" should contain "${c.fix}"`);
            assert.ok(issue.fix.includes(`--stack ${c.stack}`), "the fix names the stack");
            assert.match(run.configError.message, new RegExp(`stack "${c.stack}"`));
            for (const value of Object.values(c.secrets ?? {})) assert.ok(!run.configError.message.includes(value), "a secret value leaked into the error");
            if (c.stack === "prod" && c.key === "STRIPE_API_KEY") assert.ok(!run.configError.message.includes("sk_live_plaintext"), "a plaintext secret leaked into the error");
        });
    }

    it("reports every problem at once", async () => {
        const run = await runStack("prod", {
            mutate: (c) => {
                c.app.machines.count = 0;
                c.database.version = 15;
                c.app.settings.corsOrigins = ["*/"];
                delete c.fly;
                c.sentry.tracesSampleRate = -1;
            },
        });
        assert.equal(run.resources.length, 0);
        assert.deepEqual(
            run.configError?.issues.map((i) => i.key).sort(),
            ["app.machines.count", "app.settings.corsOrigins[0]", "database.version", "fly.org", "sentry.tracesSampleRate"],
        );
        assert.match(run.configError!.message, /\(5 problems\); nothing was created/);
    });
});

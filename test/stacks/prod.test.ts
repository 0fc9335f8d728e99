/** The prod stack from Pulumi.prod.yaml: highly available Fly app, protected Managed Postgres, GitHub, Sentry. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runStack, StackRun } from "../harness/stack";
import { SECRET_LOOKING, TYPES, childrenOf, knownSecretValues, leakedOutputs, named, secretLeaks } from "./graph";

let run: StackRun;
before(async () => {
    run = await runStack("prod");
    assert.equal(run.configError, undefined, run.configError?.message);
});

describe("prod stack", () => {
    it("composes the five components at the top level with their children beneath", () => {
        const top = run.resources.filter((r) => r.parent === undefined).map((r) => `${r.type} ${r.name}`).sort();
        assert.deepEqual(top, [
            `${TYPES.appService} app`,
            `${TYPES.postgres} database`,
            `${TYPES.github} github`,
            `${TYPES.appSecrets} secrets`,
            `${TYPES.sentry} sentry`,
        ].sort());
        assert.deepEqual(childrenOf(run, named(run, "app")), [
            `${TYPES.flyImageCopy} app-image-copy`,
            `${TYPES.flyApp} app-app`,
            `${TYPES.flyCert} app-cert-api.acme.dev`,
            `${TYPES.flyIp} app-ip-v4`,
            `${TYPES.flyIp} app-ip-v6`,
            `${TYPES.flyMachines} app-machines`,
            `${TYPES.flyRelease} app-release`,
            `${TYPES.releaseHistory} app-releases`,
            `${TYPES.flySecrets} app-secrets`,
        ].sort());
        assert.deepEqual(childrenOf(run, named(run, "database")), [`${TYPES.flyPostgres} database-cluster`, `${TYPES.flyDatabase} database-database`, `${TYPES.flyUser} database-user`].sort());
        assert.deepEqual(childrenOf(run, named(run, "secrets")), [`${TYPES.password} secrets-jwt`, `${TYPES.rotating} secrets-rotation`].sort());
        assert.deepEqual(childrenOf(run, named(run, "sentry")), [`${TYPES.sentryKey} sentry-key`, `${TYPES.sentryProject} sentry-project`].sort());
        assert.equal(run.resources.filter((r) => r.type === TYPES.container).length, 0, "nothing local in prod");
    });

    it("runs 2 machines in each of ams and fra, blue-green, always on, from the promoted digest copied into its own registry", () => {
        const machines = named(run, "app-machines").inputs;
        assert.deepEqual(machines.regions, { ams: 2, fra: 2 });
        assert.equal(machines.strategy, "bluegreen");
        assert.deepEqual(machines.config.guest, { cpu_kind: "shared", cpus: 2, memory_mb: 1024 });
        const [service] = machines.config.services;
        assert.deepEqual([service.autostop, service.min_machines_running], ["off", 2]);
        assert.deepEqual(service.concurrency, { type: "requests", soft_limit: 200, hard_limit: 250 });
        assert.equal(service.checks[0].path, "/health");
        assert.ok(service.ports.every((p: any) => p.force_https === true || p.handlers.includes("tls")));
        // Prod builds nothing: staging's digest, copied from staging's organization into prod's repository first.
        assert.deepEqual(run.resources.filter((r) => r.type === TYPES.dockerImage || r.type === TYPES.remoteImage).map((r) => r.name), []);
        const digest = "sha256:5d1a0e8c3b7f46a2c9e1d0b4f8a6c2e7d3b9a1f0e5c8d2b6a4f7e1c3d9b0a5e2";
        const copy = named(run, "app-image-copy");
        assert.deepEqual(copy.inputs, { source: `registry.fly.io/api-staging@${digest}`, repository: "registry.fly.io/api-prod", sourceTokenEnv: "FLY_STAGING_API_TOKEN", destinationTokenEnv: "FLY_API_TOKEN" });
        assert.equal(machines.config.image, `registry.fly.io/api-prod@${digest}`);
        for (const runsIt of ["app-machines", "app-release"]) assert.ok(named(run, runsIt).dependsOn.includes(copy.urn), `${runsIt} waits for the copy`);
        assert.equal(named(run, "app-release").inputs.image, machines.config.image);
        assert.equal(run.outputs.imageRef, machines.config.image);
        // What the app reports, and what the policy promotion-soak judges.
        assert.deepEqual([machines.config.env.RELEASE_IMAGE, machines.config.env.RELEASE_COMMIT], [machines.config.image, "3f9c2a7e1b4d8c6a0f5e9d2b7c1a4e8f6d0b3c5a"]);
        const history = named(run, "app-releases").inputs;
        assert.deepEqual(history.promotion, { from: "staging", image: copy.inputs.source, healthyAt: "2026-11-30T09:00:00Z", soakHours: 24 });
        assert.equal(history.image, machines.config.image);
    });

    it("sets the production env contract and keeps every secret in Fly secrets", () => {
        const env = named(run, "app-machines").inputs.config.env;
        assert.deepEqual([env.ENVIRONMENT, env.DEBUG, env.LOG_LEVEL, env.SENTRY_TRACES_SAMPLE_RATE], ["production", "false", "WARNING", "0.05"]);
        assert.deepEqual([env.CORS_ORIGINS, env.ALLOWED_HOSTS, env.JWT_EXPIRY_MINUTES, env.PORT], ["https://app.acme.dev", "api.acme.dev", "15", "8080"]);
        for (const key of Object.keys(env)) assert.doesNotMatch(key, SECRET_LOOKING);
        const secrets = named(run, "app-secrets");
        assert.deepEqual(Object.keys(secrets.inputs.values).sort(), ["DATABASE_URL", "JWT_SECRET", "SENTRY_DSN"]);
        // Each value its own secret: the names stay known at preview, every value stays secret.
        for (const name of Object.keys(secrets.inputs.values)) assert.ok(secrets.secretPaths.includes(`values.${name}`), name);
        // The stack's jwtLength reaches the generator, and the app gets the generator's result.
        assert.equal(named(run, "secrets-jwt").inputs.length, 64);
        assert.equal(secrets.inputs.values.JWT_SECRET, named(run, "secrets-jwt").state.result);
        const { pooler } = named(run, "database-cluster").state;
        const password = encodeURIComponent(named(run, "database-user").state.password);
        assert.equal(secrets.inputs.values.DATABASE_URL, `postgresql://app:${password}@${pooler.host}:${pooler.port}/app`);
        assert.equal(secrets.inputs.values.SENTRY_DSN, run.outputs.sentryDsn);
        assert.equal(named(run, "app-machines").inputs.minSecretsVersion, secrets.state.version);
    });

    it("protects and retains every piece of the database", () => {
        for (const type of [TYPES.flyPostgres, TYPES.flyDatabase, TYPES.flyUser]) {
            const r = run.resources.find((x) => x.type === type)!;
            assert.deepEqual([r.protect, r.retainOnDelete], [true, true], r.name);
        }
        const cluster = named(run, "database-cluster").inputs;
        assert.deepEqual([cluster.name, cluster.plan, cluster.diskSizeGb, cluster.region, cluster.orgSlug], ["api-prod-db", "launch", 40, "ams", "acme"]);
    });

    it("rotates a 64-character full-charset JWT secret every 30 days", () => {
        const jwt = named(run, "secrets-jwt").inputs;
        assert.deepEqual([jwt.length, jwt.special, jwt.upper, jwt.lower, jwt.numeric], [64, true, true, true, true]);
        assert.equal(named(run, "secrets-rotation").inputs.rotationDays, 30);
        assert.equal(jwt.keepers.rotation, named(run, "secrets-rotation").state.rotationRfc3339);
        assert.equal(run.outputs.jwtRotatesAt, jwt.keepers.rotation);
    });

    it("guards the production GitHub environment and protects main", () => {
        const env = named(run, "github-environment").inputs;
        assert.deepEqual(env.reviewers, [{ users: [1024001], teams: [2048001] }]);
        assert.deepEqual([env.environment, env.preventSelfReview, env.canAdminsBypass, env.waitTimer], ["production", true, false, 5]);
        assert.equal(named(run, "github-branch-policy").inputs.branchPattern, "main");
        const ruleset = named(run, "github-branch-ruleset").inputs;
        assert.deepEqual(ruleset.conditions.refName.includes, ["refs/heads/main"]);
        assert.equal(ruleset.rules.pullRequest.requiredApprovingReviewCount, 2);
        assert.deepEqual(ruleset.rules.requiredStatusChecks.requiredChecks.map((c: any) => c.context), ["ci", "plan (prod)"]);
        const variables = Object.fromEntries(run.resources.filter((r) => r.type === TYPES.ghVariable).map((r) => [r.inputs.variableName, r.inputs.value]));
        assert.deepEqual(variables, { PULUMI_STACK: "prod", APP_NAME: "api-prod", HEALTH_URL: "https://api.acme.dev/health" });
    });

    it("exports the outputs, with the DSN as a secret", () => {
        assert.deepEqual(Object.keys(run.outputs).sort(), ["appName", "databaseHost", "environment", "githubEnvironment", "healthUrl", "imageRef", "jwtRotatesAt", "release", "releases", "sentryDsn", "url"]);
        assert.deepEqual(
            [run.outputs.environment, run.outputs.appName, run.outputs.url, run.outputs.healthUrl, run.outputs.githubEnvironment],
            ["production", "api-prod", "https://api.acme.dev", "https://api.acme.dev/health", "production"],
        );
        assert.equal(run.outputs.databaseHost, named(run, "database-cluster").state.pooler.host);
        assert.deepEqual(run.secretOutputs, ["sentryDsn"]);
    });

    it("never lets a secret value into a plain input or output", () => {
        const secrets = knownSecretValues(run);
        assert.ok(secrets.length >= 5, `found ${secrets.length} secret values to look for`);
        assert.deepEqual(secretLeaks(run, secrets), []);
        assert.deepEqual(leakedOutputs(run, secrets), []);
    });
});

describe("prod stack in preview", () => {
    it("knows everything a reviewer or policy judges, the promoted digest included", async () => {
        const preview = await runStack("prod", { preview: true });
        const machines = named(preview, "app-machines");
        assert.equal(machines.inputs.config.image, "registry.fly.io/api-prod@sha256:5d1a0e8c3b7f46a2c9e1d0b4f8a6c2e7d3b9a1f0e5c8d2b6a4f7e1c3d9b0a5e2");
        assert.ok(machines.dependsOn.includes(named(preview, "app-image-copy").urn), "machines visibly depend on the copy");
        const [service] = machines.inputs.config.services;
        assert.deepEqual(service.ports[0], { port: 80, handlers: ["http"], force_https: true });
        assert.equal(service.checks[0].path, "/health");
        assert.equal(machines.inputs.config.env.LOG_LEVEL, "WARNING");
        assert.deepEqual(machines.inputs.regions, { ams: 2, fra: 2 });
        const jwt = named(preview, "secrets-jwt").inputs;
        assert.deepEqual([jwt.length, jwt.special], [64, true]);
        assert.equal(named(preview, "github-branch-ruleset").inputs.conditions.refName.includes[0], "refs/heads/main");
    });
});

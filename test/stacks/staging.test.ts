/** The staging stack from Pulumi.staging.yaml: a cheaper Fly app that scales to zero, deploying from `staging`. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runStack, StackRun } from "../harness/stack";
import { SECRET_LOOKING, TYPES, childrenOf, knownSecretValues, leakedOutputs, named, secretLeaks } from "./graph";

let run: StackRun;
before(async () => {
    run = await runStack("staging");
    assert.equal(run.configError, undefined, run.configError?.message);
});

describe("staging stack", () => {
    it("builds the same components as prod, from data alone", () => {
        const top = run.resources.filter((r) => r.parent === undefined).map((r) => r.type).sort();
        assert.deepEqual(top, [TYPES.appService, TYPES.postgres, TYPES.github, TYPES.sentry, TYPES.appSecrets].sort());
        assert.equal(run.resources.filter((r) => r.type === TYPES.flyCert).length, 1);
        assert.equal(named(run, "app-cert-staging-api.acme.dev").inputs.hostname, "staging-api.acme.dev");
        assert.equal(run.resources.filter((r) => r.type === TYPES.sentryTeam).length, 0, "uses the existing team");
    });

    it("runs one rolling machine in ams that the proxy may stop when idle", () => {
        const machines = named(run, "app-machines").inputs;
        assert.deepEqual(machines.regions, { ams: 1 });
        assert.equal(machines.strategy, "rolling");
        const [service] = machines.config.services;
        assert.deepEqual([service.autostop, service.autostart, service.min_machines_running], ["stop", true, 0]);
        assert.deepEqual(machines.config.guest, { cpu_kind: "shared", cpus: 1, memory_mb: 512 });
    });

    it("sets staging's env and keeps secrets out of it", () => {
        const env = named(run, "app-machines").inputs.config.env;
        assert.deepEqual([env.ENVIRONMENT, env.DEBUG, env.LOG_LEVEL, env.SENTRY_TRACES_SAMPLE_RATE], ["staging", "false", "INFO", "0.1"]);
        assert.deepEqual([env.CORS_ORIGINS, env.ALLOWED_HOSTS], ["https://staging.acme.dev", "staging-api.acme.dev"]);
        for (const key of Object.keys(env)) assert.doesNotMatch(key, SECRET_LOOKING);
        assert.deepEqual(Object.keys(named(run, "app-secrets").inputs.values).sort(), ["DATABASE_URL", "JWT_SECRET", "SENTRY_DSN"]);
    });

    it("leaves the database unprotected, as the stack file says", () => {
        for (const r of run.resources.filter((x) => [TYPES.flyPostgres, TYPES.flyDatabase, TYPES.flyUser].includes(x.type as never))) {
            assert.deepEqual([r.protect, r.retainOnDelete], [false, false], r.name);
        }
        assert.deepEqual(childrenOf(run, named(run, "database")).length, 3);
        assert.equal(named(run, "database-cluster").inputs.name, "api-staging-db");
    });

    it("deploys only from the staging branch, which is protected", () => {
        const env = named(run, "github-environment").inputs;
        assert.deepEqual([env.environment, env.reviewers, env.preventSelfReview, env.canAdminsBypass], ["staging", [], false, true]);
        assert.equal(named(run, "github-branch-policy").inputs.branchPattern, "staging");
        const ruleset = named(run, "github-branch-ruleset").inputs;
        assert.deepEqual(ruleset.conditions.refName.includes, ["refs/heads/staging"]);
        assert.equal(ruleset.name, "api-staging-deploy-staging");
    });

    it("exports its outputs, the DSN secret", () => {
        assert.deepEqual(
            [run.outputs.environment, run.outputs.appName, run.outputs.url, run.outputs.healthUrl, run.outputs.githubEnvironment],
            ["staging", "api-staging", "https://staging-api.acme.dev", "https://staging-api.acme.dev/health", "staging"],
        );
        const image = named(run, "app-image");
        assert.equal(image.inputs.imageName, "registry.fly.io/api-staging:deploy");
        assert.ok(image.state.repoDigest && image.state.repoDigest !== image.inputs.imageName);
        assert.equal(run.outputs.imageRef, image.state.repoDigest, "the pushed build's digest");
        assert.deepEqual(run.secretOutputs, ["sentryDsn"]);
        assert.equal(named(run, "sentry-project").inputs.slug, "api-staging");
    });

    it("never lets a secret value into a plain input or output", () => {
        const secrets = knownSecretValues(run);
        assert.deepEqual(secretLeaks(run, secrets), []);
        assert.deepEqual(leakedOutputs(run, secrets), []);
    });
});

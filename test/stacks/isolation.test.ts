/**
 * Across the real stack files: physical names never collide, config secrets reach the app and the workflows only
 * as secrets, and the variants the config offers (supplied JWT, shared Sentry project, no branch protection,
 * prebuilt image, no Fly token) compose as documented.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TEST_TOKEN, RegisteredResource, runStack, StackRun } from "../harness/stack";
import { TYPES, knownSecretValues, leakedOutputs, named, secretLeaks } from "./graph";

/** Names the providers hold globally or per account, as `kind:name`. */
function physicalNames(run: StackRun): string[] {
    const name = (r: RegisteredResource): string | undefined => {
        switch (r.type) {
            case TYPES.flyApp:
            case TYPES.flyPostgres:
            case TYPES.container:
            case TYPES.network:
            case TYPES.volume:
            case TYPES.ghRuleset:
                return r.inputs.name;
            case TYPES.sentryProject:
                return r.inputs.slug;
            case TYPES.sentryKey:
                return `${r.inputs.project}/${r.inputs.name}`;
            case TYPES.ghEnvironment:
                return `${r.inputs.repository}/${r.inputs.environment}`;
            case TYPES.dockerImage:
                return r.inputs.imageName;
            default:
                return undefined;
        }
    };
    return run.resources.flatMap((r) => {
        const n = name(r);
        return n === undefined ? [] : [`${r.type}:${n}`];
    });
}

describe("stacks side by side", () => {
    it("never share a physical name", async () => {
        const runs = [await runStack("dev"), await runStack("staging"), await runStack("prod")];
        const seen = new Map<string, string>();
        for (const run of runs) {
            const names = physicalNames(run);
            assert.ok(names.length >= 4, `${run.stack} has physical names`);
            assert.equal(new Set(names).size, names.length, `${run.stack} repeats a name`);
            for (const n of names) {
                assert.equal(seen.get(n), undefined, `${n} is used by ${seen.get(n)} and ${run.stack}`);
                seen.set(n, run.stack);
            }
        }
    });
});

describe("config secrets", () => {
    const extra = { STRIPE_API_KEY: "sk_live_offline_test_value_0001", DEPLOY_HOOK_TOKEN: "hook-token-offline-test-0002" };

    it("reach the app through Fly secrets and the workflows through environment secrets, never in clear", async () => {
        const run = await runStack("staging", {
            mutate: (c) => {
                c.secrets.extra = ["STRIPE_API_KEY"];
                c.github.secrets = ["DEPLOY_HOOK_TOKEN"];
            },
            secrets: extra,
        });
        assert.equal(run.configError, undefined, run.configError?.message);
        const flySecrets = named(run, "app-secrets");
        assert.equal(flySecrets.inputs.values.STRIPE_API_KEY, extra.STRIPE_API_KEY);
        assert.equal(flySecrets.inputs.values.DEPLOY_HOOK_TOKEN, undefined, "workflow secrets are not app secrets");
        const ghSecret = named(run, "github-secret-DEPLOY_HOOK_TOKEN");
        assert.equal(ghSecret.inputs.plaintextValue, extra.DEPLOY_HOOK_TOKEN);
        assert.ok(ghSecret.secretPaths.includes("plaintextValue"));
        const secrets = knownSecretValues(run, Object.values(extra));
        assert.deepEqual(secretLeaks(run, secrets), []);
        assert.deepEqual(leakedOutputs(run, secrets), []);
    });

    it("reach the local container as secret env entries", async () => {
        const run = await runStack("dev", { mutate: (c) => (c.secrets.extra = ["STRIPE_API_KEY"]), secrets: { STRIPE_API_KEY: extra.STRIPE_API_KEY } });
        const container = named(run, "app-container");
        const index = (container.inputs.envs as string[]).findIndex((e) => e.startsWith("STRIPE_API_KEY="));
        assert.ok(index >= 0);
        assert.ok(container.secretPaths.includes(`envs[${index}]`));
        assert.deepEqual(secretLeaks(run, knownSecretValues(run, Object.values(extra))), []);
    });

    it("a supplied JWT_SECRET replaces the generated one and nothing rotates", async () => {
        const supplied = "Zq8!xV2#mK9$wR4%tY7^uI1&oP3*aS6(dF0)gH5-jL8=kC2+bN4?vM7<eX9>rT1w";
        const run = await runStack("prod", { secrets: { JWT_SECRET: supplied } });
        assert.equal(run.configError, undefined, run.configError?.message);
        assert.equal(run.resources.filter((r) => r.type === TYPES.rotating).length, 0);
        assert.equal(run.resources.filter((r) => r.type === TYPES.password).length, 0);
        assert.equal(named(run, "app-secrets").inputs.values.JWT_SECRET, supplied);
        assert.equal("jwtRotatesAt" in run.outputs, false);
        assert.deepEqual(secretLeaks(run, [supplied]), []);
    });
});

describe("variants from config", () => {
    it("a shared Sentry project adds only this stack's key to the shared project", async () => {
        const run = await runStack("staging", { mutate: (c) => (c.sentry.project = "shared") });
        assert.equal(run.resources.filter((r) => r.type === TYPES.sentryProject).length, 0);
        assert.deepEqual([named(run, "sentry-key").inputs.project, named(run, "sentry-key").inputs.name], ["api", "staging"]);
        assert.ok(run.secretOutputs.includes("sentryDsn"));
    });

    it("createTeam creates the team", async () => {
        const run = await runStack("staging", { mutate: (c) => (c.sentry.createTeam = true) });
        assert.equal(named(run, "sentry-team").inputs.slug, "backend");
    });

    it("protection.enabled false leaves the branch to someone else", async () => {
        const run = await runStack("staging", { mutate: (c) => (c.github.protection.enabled = false) });
        assert.equal(run.resources.filter((r) => r.type === TYPES.ghRuleset).length, 0);
        assert.deepEqual(run.resources.filter((r) => r.type === TYPES.ghEnvironment).map((r) => r.inputs.environment).sort(), ["staging", "staging-readonly"]);
    });

    it("without github and sentry config, a Fly stack has neither", async () => {
        const run = await runStack("staging", {
            mutate: (c) => {
                delete c.github;
                delete c.sentry;
            },
        });
        assert.ok(run.resources.every((r) => !r.type.startsWith("github:") && !r.type.startsWith("sentry:")));
        assert.deepEqual(Object.keys(named(run, "app-secrets").inputs.values).sort(), ["DATABASE_URL", "JWT_SECRET"]);
        assert.equal(named(run, "app-machines").inputs.config.env.SENTRY_TRACES_SAMPLE_RATE, "0");
    });

    it("database.region overrides the app's primary region", async () => {
        const run = await runStack("prod", { mutate: (c) => (c.database.region = "fra") });
        assert.equal(named(run, "database-cluster").inputs.region, "fra");
    });
});

describe("the Fly token", () => {
    it("is required to build and push for Fly: a config error on app.image.context that says how to set it, before anything registers", async () => {
        const run = await runStack("staging", { env: { FLY_API_TOKEN: undefined } });
        assert.ok(run.configError, "a missing token is a config error");
        assert.deepEqual(run.resources, [], "nothing is registered");
        const [issue, ...rest] = run.configError.issues;
        assert.deepEqual(rest, []);
        assert.equal(issue.key, "app.image.context");
        assert.match(issue.problem, /registry\.fly\.io.* FLY_API_TOKEN is not set/);
        assert.match(issue.fix, /fly tokens create org acme-staging/);
        assert.match(issue.fix, /pulumi config set --stack staging --path app\.image\.ref/);
        assert.match(run.configError.message, /^Invalid configuration for stack "staging"/);
    });

    it("of the source organization is required to copy a promoted image: a config error on promotion.sourceTokenEnv, before anything registers", async () => {
        const run = await runStack("prod", { env: { FLY_STAGING_API_TOKEN: undefined } });
        assert.deepEqual(run.resources, [], "nothing is registered");
        assert.deepEqual(run.configError?.issues.map((i) => i.key), ["promotion.sourceTokenEnv"]);
        assert.match(run.configError.issues[0].problem, /names FLY_STAGING_API_TOKEN, which is not set: the up copies registry\.fly\.io\/api-staging@sha256:\S+ from organization acme-staging/);
        assert.match(run.configError.issues[0].fix, /export FLY_STAGING_API_TOKEN="\$\(fly tokens create org acme-staging\)"/);
        // A preview copies nothing, so it needs no source token; nor does a promotion from prod's own organization.
        const preview = await runStack("prod", { preview: true, env: { FLY_STAGING_API_TOKEN: undefined } });
        assert.equal(preview.configError, undefined, preview.configError?.message);
        const sameOrg = await runStack("prod", { env: { FLY_STAGING_API_TOKEN: undefined }, mutate: (c) => delete c.promotion.sourceOrg });
        assert.equal(sameOrg.configError, undefined, sameOrg.configError?.message);
        assert.equal(sameOrg.resources.filter((r) => r.type === TYPES.flyImageCopy).length, 0, "the same organization's image runs where it is");
    });

    it("is only a secret input of the image push", async () => {
        const run = await runStack("staging");
        const holders = run.resources.filter((r) => JSON.stringify(r.inputs).includes(TEST_TOKEN)).map((r) => r.name);
        assert.deepEqual(holders, ["app-image"]);
        assert.ok(named(run, "app-image").secretPaths.includes("registry.password"));
    });

    it("is not needed for a prebuilt image", async () => {
        const ref = `registry.fly.io/api-prod@sha256:${"b".repeat(64)}`;
        const run = await runStack("prod", { env: { FLY_API_TOKEN: undefined }, mutate: (c) => (c.app.image = { ref }) });
        assert.equal(run.resources.filter((r) => r.type === TYPES.dockerImage).length, 0);
        assert.equal(named(run, "app-machines").inputs.config.image, ref);
        assert.equal(run.outputs.imageRef, ref);
    });
});

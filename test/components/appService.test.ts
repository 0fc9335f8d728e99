import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appEnv, PLAIN_ENV_KEYS } from "../../components/appConfig";
import { APP_DEFAULTS } from "../../config/defaults";
import { AppService, AppServiceArgs, FlyAppRuntimeArgs, requireReleaseSuccess, validateAppServiceArgs } from "../../components/appService";
import { TEST_TOKEN } from "../fly/emulator/defaults";
import { SECRET_LOOKING, T, capture, containerEnv } from "./capture";

const settings = { environment: "production", debug: false, logLevel: "WARNING", corsOrigins: ["https://app.acme.dev"], jwtExpiryMinutes: 15, sentryTracesSampleRate: 0.05 };
const flyRuntime = (over: Partial<FlyAppRuntimeArgs> = {}): FlyAppRuntimeArgs => ({
    kind: "fly",
    orgSlug: "acme",
    regions: ["ams", "fra"],
    machinesPerRegion: 2,
    cpus: 2,
    memoryMb: 1024,
    autostop: "off",
    minRunning: 2,
    concurrency: { soft: 150, hard: 300 },
    strategy: "bluegreen",
    domains: ["api.acme.dev", "www.acme.dev"],
    registryToken: TEST_TOKEN,
    ...over,
});
const secrets = { JWT_SECRET: "jwt-value", DATABASE_URL: "postgresql://app:pw@db:5432/app", SENTRY_DSN: "https://k@o1.ingest.sentry.io/1", STRIPE_API_KEY: "sk_test" };
const flyArgs = (over: Partial<AppServiceArgs> = {}): AppServiceArgs => ({
    scope: { prefix: "api", stack: "prod" },
    image: { context: "examples/api", dockerfile: "Dockerfile" },
    settings,
    secrets,
    runtime: flyRuntime(),
    ...over,
});
const expose = (app: AppService) => ({ appName: app.appName, url: app.url, healthUrl: app.healthUrl, imageRef: app.imageRef });

describe("AppService on Fly", () => {
    it("creates the app, image, IPs, one certificate per domain, secrets and machines under the component", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())));
        const component = run.named("app");
        const names = run.resources.filter((r) => r !== component).map((r) => r.name).sort();
        assert.deepEqual(names, ["app-app", "app-cert-api.acme.dev", "app-cert-www.acme.dev", "app-image", "app-ip-v4", "app-ip-v6", "app-machines", "app-releases", "app-secrets"]);
        for (const r of run.resources.filter((r) => r !== component)) assert.equal(r.parent, component.urn, r.name);
        assert.deepEqual([run.named("app-app").inputs.name, run.named("app-app").inputs.orgSlug], ["api-prod", "acme"]);
        assert.deepEqual(run.ofType(T.flyIp).map((r) => r.inputs.type).sort(), ["shared_v4", "v6"]);
        assert.deepEqual(run.ofType(T.flyCert).map((r) => r.inputs.hostname).sort(), ["api.acme.dev", "www.acme.dev"]);
        assert.deepEqual(run.outputs, {
            appName: "api-prod",
            url: "https://api.acme.dev",
            healthUrl: "https://api.acme.dev/health",
            imageRef: run.outputs.imageRef,
        });
        // The output is what the machines report running, whatever that is.
        assert.equal(run.outputs.imageRef, run.named("app-machines").state.imageRef);
        assert.ok(run.outputs.imageRef);
    });

    it("builds for linux/amd64 and pushes to registry.fly.io with the token as a secret, after the app exists", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())));
        const image = run.named("app-image");
        assert.equal(image.inputs.imageName, "registry.fly.io/api-prod:deploy");
        assert.deepEqual(image.inputs.build, { context: "examples/api", dockerfile: "examples/api/Dockerfile", platform: "linux/amd64" });
        assert.equal(image.inputs.registry.server, "registry.fly.io");
        assert.ok(image.secretPaths.includes("registry.password"), "registry password is secret");
        assert.ok(image.dependsOn.includes(run.named("app-app").urn));
    });

    it("runs the built image by digest", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())));
        const machines = run.named("app-machines");
        // The pushed build's digest, not its tag: wired from the image's repoDigest.
        const { repoDigest } = run.named("app-image").state;
        assert.ok(repoDigest && repoDigest !== run.named("app-image").inputs.imageName, "digest and tag differ, so the check can fail");
        assert.equal(machines.inputs.config.image, repoDigest);
        assert.ok(machines.dependsOn.includes(run.named("app-image").urn));
    });

    it("configures regions × count, guest, HTTPS-only service with health check, concurrency and autostop", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs({ healthPath: "/healthz", port: 9000 }))));
        const machines = run.named("app-machines").inputs;
        assert.deepEqual(machines.regions, { ams: 2, fra: 2 });
        assert.equal(machines.strategy, "bluegreen");
        assert.deepEqual(machines.config.guest, { cpu_kind: "shared", cpus: 2, memory_mb: 1024 });
        const [service] = machines.config.services;
        assert.equal(service.internal_port, 9000);
        assert.deepEqual(service.ports, [
            { port: 80, handlers: ["http"], force_https: true },
            { port: 443, handlers: ["tls", "http"] },
        ]);
        assert.deepEqual(
            service.checks.map((c: any) => [c.type, c.path, c.port]),
            [["http", "/healthz", 9000]],
        );
        assert.deepEqual(service.concurrency, { type: "requests", soft_limit: 150, hard_limit: 300 });
        assert.deepEqual([service.autostop, service.autostart, service.min_machines_running], ["off", true, 2]);
    });

    it("puts the plain env contract in config.env and every secret only in the Fly Secrets resource", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())));
        const { env, image } = run.named("app-machines").inputs.config;
        assert.deepEqual(Object.keys(env).sort(), [...PLAIN_ENV_KEYS, "RELEASE_COMMIT", "RELEASE_IMAGE"].sort());
        assert.deepEqual(env, {
            // What the app reports about its release: the digest it runs, and no commit when none was given.
            RELEASE_IMAGE: image,
            RELEASE_COMMIT: "unknown",
            ENVIRONMENT: "production",
            DEBUG: "false",
            LOG_LEVEL: "WARNING",
            CORS_ORIGINS: "https://app.acme.dev",
            ALLOWED_HOSTS: "api-prod.fly.dev,api.acme.dev,www.acme.dev",
            SENTRY_ENVIRONMENT: "production",
            SENTRY_TRACES_SAMPLE_RATE: "0.05",
            JWT_EXPIRY_MINUTES: "15",
            PORT: "8080",
        });
        for (const key of Object.keys(env)) assert.doesNotMatch(key, SECRET_LOOKING, `${key} looks like a secret in plain env`);
        for (const value of Object.values(secrets)) assert.ok(!JSON.stringify(run.named("app-machines").inputs).includes(value), "no secret value in the machine inputs");

        const flySecrets = run.named("app-secrets");
        assert.deepEqual(Object.keys(flySecrets.inputs.values).sort(), Object.keys(secrets).sort());
        assert.deepEqual(flySecrets.inputs.values, secrets);
        // Each value is its own secret, so which names exist stays known at preview while every value stays secret.
        for (const key of Object.keys(secrets)) assert.ok(flySecrets.secretPaths.includes(`values.${key}`), `values.${key} is secret (${flySecrets.secretPaths.join(", ")})`);
        assert.ok(!flySecrets.secretPaths.includes("values"), "the map itself is not one secret");
        assert.equal(flySecrets.inputs.app, "api-prod");
    });

    it("wires minSecretsVersion from the Secrets resource's version, so a secrets change rolls the machines", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())));
        const machines = run.named("app-machines");
        assert.equal(typeof machines.inputs.minSecretsVersion, "number");
        assert.equal(machines.inputs.minSecretsVersion, run.named("app-secrets").state.version, "the Secrets resource's version");
        assert.ok(machines.dependsOn.includes(run.named("app-secrets").urn));
    });

    it("creates no Secrets resource and no minimum version when there are no secrets", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs({ secrets: {} }))));
        assert.equal(run.ofType(T.flySecrets).length, 0);
        assert.equal(run.named("app-machines").inputs.minSecretsVersion, undefined);
    });

    it("runs a prebuilt reference as given, without building or needing a token", async () => {
        const ref = `ghcr.io/acme/api@sha256:${"a".repeat(64)}`;
        const run = await capture(() => expose(new AppService("app", flyArgs({ image: { ref }, runtime: flyRuntime({ registryToken: undefined, domains: [] }) }))));
        assert.equal(run.ofType(T.dockerImage).length, 0);
        assert.equal(run.named("app-machines").inputs.config.image, ref);
        assert.equal(run.outputs.imageRef, ref);
        assert.equal(run.outputs.url, "https://api-prod.fly.dev");
        assert.equal(run.ofType(T.flyCert).length, 0);
    });

    it("copies a release from another registry by digest before anything runs it, and runs the copy", async () => {
        const source = `registry.fly.io/api-staging@sha256:${"e".repeat(64)}`;
        const image = { copyFrom: { source, sourceTokenEnv: "FLY_STAGING_API_TOKEN" } };
        const release = { command: ["npm", "run", "migrate"] };
        const run = await capture(() => expose(new AppService("app", flyArgs({ image, release, releaseInfo: { commit: "a".repeat(40) } }))));
        assert.equal(run.ofType(T.dockerImage).length, 0, "nothing is built");
        const copy = run.named("app-image-copy");
        assert.deepEqual(copy.inputs, { source, repository: "registry.fly.io/api-prod", sourceTokenEnv: "FLY_STAGING_API_TOKEN", destinationTokenEnv: "FLY_API_TOKEN" });
        assert.ok(copy.dependsOn.includes(run.named("app-app").urn), "the registry takes a push only into an existing app");
        const machines = run.named("app-machines");
        assert.equal(machines.inputs.config.image, `registry.fly.io/api-prod@sha256:${"e".repeat(64)}`, "the same digest, in the app's own repository");
        for (const r of [machines, run.named("app-release")]) assert.ok(r.dependsOn.includes(copy.urn), `${r.name} waits for the copy`);
        assert.equal(machines.inputs.config.env.RELEASE_COMMIT, "a".repeat(40));
        assert.equal(run.named("app-releases").inputs.commit, "a".repeat(40));
        // Control: a prebuilt reference of the same registry copies nothing.
        const direct = await capture(() => expose(new AppService("app", flyArgs({ image: { ref: source } }))));
        assert.equal(direct.ofType(T.flyImageCopy).length, 0);
    });

    it("records each release in its history, with the rollback reason and the promotion it was given", async () => {
        const promotion = { from: "staging", image: `registry.fly.io/api-staging@sha256:${"e".repeat(64)}`, healthyAt: "2026-12-01T10:00:00Z", soakHours: 24 };
        const run = await capture(() => expose(new AppService("app", flyArgs({ releaseInfo: { commit: "b".repeat(40), rollbackReason: "verification failed: 502", promotion } }))));
        const history = run.named("app-releases");
        assert.equal(history.parent, run.named("app").urn);
        assert.deepEqual([history.inputs.commit, history.inputs.rollback, history.inputs.promotion], ["b".repeat(40), { reason: "verification failed: 502" }, promotion]);
        assert.equal(history.inputs.image, run.named("app-machines").state.imageRef ?? run.outputs.imageRef);
        const plain = await capture(() => expose(new AppService("app", flyArgs())));
        assert.deepEqual([plain.named("app-releases").inputs.rollback, plain.named("app-releases").inputs.promotion], [undefined, undefined]);
    });

    it("refuses a copy that is not by digest, and a copy for a local runtime", () => {
        const problems = validateAppServiceArgs("app", flyArgs({ image: { copyFrom: { source: "registry.fly.io/api-staging:latest", sourceTokenEnv: "T" } } }));
        assert.ok(problems.some((p) => /image\.copyFrom\.source must be an image by digest/.test(p)), problems.join("\n"));
        const local = validateAppServiceArgs("app", { scope: { prefix: "api", stack: "dev" }, image: { copyFrom: { source: `r/a@sha256:${"e".repeat(64)}`, sourceTokenEnv: "T" } }, settings: { environment: "development" }, runtime: { kind: "local", network: "n" } });
        assert.ok(local.some((p) => /copies into a Fly app's repository/.test(p)), local.join("\n"));
    });

    it("in preview, keeps everything but the image plain", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())), { preview: true });
        const config = run.named("app-machines").inputs.config;
        assert.equal(config.services[0].ports[0].force_https, true);
        assert.equal(config.env.LOG_LEVEL, "WARNING");
    });

    it("gives the machines the rollout timing it was given, over flyctl's for the keys left out", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs({ runtime: flyRuntime({ rolloutTiming: { waitBeforeCordonMs: 0, smokeCheckMs: 50 } }) }))));
        assert.deepEqual(run.named("app-machines").inputs.rolloutTiming, { ...APP_DEFAULTS.rolloutTiming, waitBeforeCordonMs: 0, smokeCheckMs: 50 });
    });

    it("refuses to build for Fly without a registry token", () => {
        assert.throws(() => new AppService("app", flyArgs({ runtime: flyRuntime({ registryToken: undefined }) })), /AppService "app": building image\.context for Fly .* FLY_API_TOKEN/);
    });
});

describe("AppService defaults", () => {
    it("resolves every unset Fly arg to its APP_DEFAULTS value, once, where the children get it", async () => {
        const ref = `ghcr.io/acme/api@sha256:${"c".repeat(64)}`;
        const minimal: AppServiceArgs = { scope: { prefix: "api", stack: "qa" }, image: { ref }, settings: { environment: "qa" }, runtime: { kind: "fly", orgSlug: "acme", regions: ["ams", "fra"] } };
        const run = await capture(() => expose(new AppService("app", { ...minimal, release: { command: ["migrate"] } })));
        const D = APP_DEFAULTS;
        const machines = run.named("app-machines").inputs;
        assert.deepEqual(machines.regions, { ams: D.machinesPerRegion, fra: D.machinesPerRegion });
        assert.deepEqual([machines.strategy, machines.maxUnavailable, machines.healthTimeoutSeconds], [D.strategy, D.maxUnavailable, D.healthTimeoutSeconds]);
        assert.deepEqual(machines.config.guest, { cpu_kind: D.cpuKind, cpus: D.cpus, memory_mb: D.memoryMb });
        assert.deepEqual(machines.rolloutTiming, D.rolloutTiming);
        const [service] = machines.config.services;
        assert.deepEqual([service.internal_port, service.checks[0].path], [D.port, D.healthPath]);
        assert.deepEqual([service.autostop, service.min_machines_running], [D.autostop, D.minRunning]);
        assert.deepEqual(service.concurrency, { type: "requests", soft_limit: D.concurrency.soft, hard_limit: D.concurrency.hard });
        assert.equal(run.named("app-release").inputs.timeoutSeconds, D.releaseTimeoutSeconds);
        assert.equal(run.ofType(T.flyCert).length, D.domains.length);
        assert.equal(run.outputs.healthUrl, `https://api-qa.fly.dev${D.healthPath}`);
    });

    it("resolves the local host port and Dockerfile to their APP_DEFAULTS values", async () => {
        const run = await capture(() =>
            expose(new AppService("app", { scope: { prefix: "api", stack: "dev" }, image: { context: "examples/api" }, settings: { environment: "development" }, runtime: { kind: "local", network: "net" } })),
        );
        assert.deepEqual(run.named("app-container").inputs.ports, [{ internal: APP_DEFAULTS.port, external: APP_DEFAULTS.hostPort, ip: "127.0.0.1" }]);
        assert.equal(run.named("app-image").inputs.build.dockerfile, `examples/api/${APP_DEFAULTS.dockerfile}`);
        assert.equal(run.outputs.url, `http://localhost:${APP_DEFAULTS.hostPort}`);
    });
});

describe("AppService on local Docker", () => {
    const localArgs = (over: Partial<AppServiceArgs> = {}): AppServiceArgs => ({
        scope: { prefix: "api", stack: "dev" },
        image: { context: "examples/api" },
        settings: { environment: "development", debug: true, logLevel: "DEBUG", allowedHosts: [] },
        secrets: { JWT_SECRET: "jwt-value", DATABASE_URL: "postgresql://x" },
        runtime: { kind: "local", network: "api-dev-net", hostPort: 8081 },
        ...over,
    });

    it("builds locally without pushing and runs a container on the database network", async () => {
        const run = await capture(() => expose(new AppService("app", localArgs())));
        const image = run.named("app-image");
        assert.equal(image.inputs.skipPush, true);
        assert.equal(image.inputs.registry, undefined);
        const container = run.named("app-container");
        assert.equal(container.inputs.name, "api-dev-app");
        assert.equal(container.inputs.image, run.outputs.imageRef);
        assert.deepEqual(container.inputs.networksAdvanced, [{ name: "api-dev-net" }]);
        assert.deepEqual(container.inputs.ports, [{ internal: 8080, external: 8081, ip: "127.0.0.1" }]);
        assert.equal(container.inputs.restart, "unless-stopped");
        assert.match(container.inputs.healthcheck.tests.join(" "), /http:\/\/127\.0\.0\.1:8080\/health/);
        assert.deepEqual([run.outputs.url, run.outputs.healthUrl, run.outputs.appName], ["http://localhost:8081", "http://localhost:8081/health", "api-dev-app"]);
        assert.equal(run.ofType(T.flyApp).length, 0);
    });

    it("passes secrets only as secret env entries, and plain settings as plain ones", async () => {
        const run = await capture(() => expose(new AppService("app", localArgs())));
        const { vars, secretKeys } = containerEnv(run.named("app-container"));
        assert.deepEqual([...secretKeys].sort(), ["DATABASE_URL", "JWT_SECRET"]);
        for (const key of vars.keys()) if (SECRET_LOOKING.test(key)) assert.ok(secretKeys.has(key), `${key} must be a secret entry`);
        assert.equal(vars.get("DEBUG"), "true");
        assert.equal(vars.get("ALLOWED_HOSTS"), "localhost,127.0.0.1");
        assert.equal(vars.get("JWT_SECRET"), "jwt-value");
    });

    it("pulls a prebuilt reference", async () => {
        const run = await capture(() => expose(new AppService("app", localArgs({ image: { ref: "ghcr.io/acme/api:1.2.3" } }))));
        assert.equal(run.ofType(T.dockerImage).length, 0);
        assert.equal(run.named("app-image").type, T.remoteImage);
        // By the pulled image's digest, not the tag it was asked for.
        const pulled = run.named("app-image");
        assert.equal(pulled.inputs.name, "ghcr.io/acme/api:1.2.3");
        assert.ok(pulled.state.repoDigest && pulled.state.repoDigest !== pulled.inputs.name);
        assert.equal(run.named("app-container").inputs.image, pulled.state.repoDigest);
    });
});

describe("AppService validation and env", () => {
    it("lists every problem, naming the component and the value", () => {
        const problems = validateAppServiceArgs("app", {
            ...flyArgs(),
            image: {},
            port: 70000,
            healthPath: "health",
            settings: { ...settings, sentryTracesSampleRate: 2 },
            secrets: { DEBUG: "x", "bad-name": "y" },
            runtime: flyRuntime({ regions: ["ams", "ams", "Frankfurt"], minRunning: 9, concurrency: { soft: 300, hard: 200 } }),
        });
        const text = problems.join("\n");
        for (const expected of [
            /exactly one of image\.context .* or image\.ref/,
            /port must be a whole number from 1 to 65535, got 70000/,
            /healthPath must be an absolute path such as \/health, got "health"/,
            /sentryTracesSampleRate must be from 0 to 1, got 2/,
            /secret "DEBUG" clashes with a plain setting/,
            /secret name "bad-name" must be UPPER_SNAKE_CASE/,
            /region "Frankfurt" is not a Fly region such as ams/,
            /regions lists a region twice/,
            /minRunning must be a whole number from 0 to the 6 machine\(s\) the app has, got 9/,
            /concurrency\.soft must be at least 1 and at most concurrency\.hard \(200\), got 300/,
        ]) {
            assert.match(text, expected);
        }
        for (const line of problems) assert.match(line, /^AppService "app": /);
    });

    it("checks regions against Fly's list, not their shape: a well-formed code Fly lacks is refused", () => {
        const problems = validateAppServiceArgs("app", flyArgs({ runtime: flyRuntime({ regions: ["ams", "xyz"] }) }));
        assert.deepEqual(problems, ['AppService "app": region "xyz" is not a Fly region such as ams.']);
        // Control: regions Fly has pass.
        assert.deepEqual(validateAppServiceArgs("app", flyArgs({ runtime: flyRuntime({ regions: ["ams", "fra"] }) })), []);
    });

    it("never echoes a secret value in a validation message", () => {
        const problems = validateAppServiceArgs("app", { ...flyArgs(), secrets: { PORT: "super-secret-value" } });
        assert.ok(problems.length > 0);
        assert.ok(!problems.join("\n").includes("super-secret-value"));
    });

    it("falls back to the app's own hostnames for ALLOWED_HOSTS", () => {
        assert.equal(appEnv({ environment: "x" }, 8080, ["a.fly.dev"]).ALLOWED_HOSTS, "a.fly.dev");
        assert.equal(appEnv({ environment: "x", allowedHosts: ["api.acme.dev"] }, 8080, ["a.fly.dev"]).ALLOWED_HOSTS, "api.acme.dev");
    });
});

describe("AppService release step", () => {
    const release = { command: ["npm", "run", "migrate"], timeoutSeconds: 120 };

    it("on Fly runs the command with the machines' image, env and guest, after the secrets and before the machines", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs({ release }))));
        const step = run.named("app-release");
        const machines = run.named("app-machines");
        const secretsUrn = run.named("app-secrets").urn;
        assert.equal(step.type, T.flyRelease);
        assert.equal(step.parent, run.named("app").urn);
        assert.deepEqual(step.inputs.command, release.command);
        assert.equal(step.inputs.image, machines.inputs.config.image);
        // The app's env; what the serving app reports about its release is the machines' alone.
        const { RELEASE_IMAGE, RELEASE_COMMIT, ...appEnvOnly } = machines.inputs.config.env;
        assert.deepEqual([RELEASE_IMAGE, RELEASE_COMMIT], [machines.inputs.config.image, "unknown"]);
        assert.deepEqual(step.inputs.env, appEnvOnly);
        assert.deepEqual(step.inputs.guest, machines.inputs.config.guest);
        assert.equal(step.inputs.region, "ams");
        assert.equal(step.inputs.timeoutSeconds, 120);
        assert.notEqual(run.named("app-secrets").state.version, undefined);
        assert.equal(step.inputs.minSecretsVersion, run.named("app-secrets").state.version);
        assert.ok(step.dependsOn.includes(secretsUrn), "secrets before the release");
        assert.ok(machines.dependsOn.includes(step.urn), "the release before the machines");
        assert.ok(Object.keys(step.inputs.env).every((key) => !SECRET_LOOKING.test(key)), "secrets reach the release machine from Fly's store only");
    });

    it("on local Docker runs a one-off container with the app's image, env and network before the app container", async () => {
        const run = await capture(() =>
            expose(new AppService("app", { scope: { prefix: "api", stack: "dev" }, image: { context: "examples/api" }, settings: { environment: "development" }, secrets: { DATABASE_URL: "postgresql://x" }, runtime: { kind: "local", network: "api-dev-net" }, release })),
        );
        const step = run.named("app-release");
        const app = run.named("app-container");
        assert.equal(step.type, T.container);
        assert.equal(step.inputs.name, "api-dev-release");
        assert.deepEqual(step.inputs.command, release.command);
        assert.equal(step.inputs.image, app.inputs.image);
        assert.deepEqual(step.inputs.envs, app.inputs.envs);
        assert.deepEqual(step.inputs.networksAdvanced, app.inputs.networksAdvanced);
        assert.deepEqual([step.inputs.mustRun, step.inputs.attach, step.inputs.restart], [false, true, "no"]);
        assert.equal(step.deleteBeforeReplace, true, "a new image or command replaces the container, which runs it again");
        assert.ok(app.dependsOn.includes(step.urn), "the release container before the app container");
        assert.deepEqual(app.inputs.labels, [{ label: "platform.release-exit-code", value: "0" }]);
    });

    it("registers no release step when none is configured", async () => {
        const run = await capture(() => expose(new AppService("app", flyArgs())));
        assert.equal(run.ofType(T.flyRelease).length, 0);
        assert.deepEqual(run.named("app-machines").dependsOn.filter((urn) => urn.includes("release")), []);
    });

    it("refuses to roll the app container after a release container that exited non-zero, naming how to read its logs", () => {
        assert.equal(requireReleaseSuccess("app", "api-dev-release", 0), "0");
        assert.throws(() => requireReleaseSuccess("app", "api-dev-release", 2), /release container api-dev-release exited with code 2, so the app container was not \(re\)created.*docker logs api-dev-release/);
        assert.throws(() => requireReleaseSuccess("app", "api-dev-release", undefined), /did not report an exit code/);
    });

    it("validates the command and the timeout", () => {
        const problems = validateAppServiceArgs("app", flyArgs({ release: { command: [], timeoutSeconds: 0 } })).join("\n");
        assert.match(problems, /release\.command must list the command and its arguments/);
        assert.match(problems, /release\.timeoutSeconds must be a whole number from 1 to 3600, got 0/);
    });
});

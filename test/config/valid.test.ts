/** The real stack files parse, defaults are the secure ones, and the environments differ only in data. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FLY_REGIONS, healthPathProblem, PROJECT, stackConfigSchema } from "../../config";
import flyRegions from "../../providers/fly/regions.json";
import { DEFAULT_ROLLOUT_TIMING } from "../../providers/fly/rollout/timing";
import { engineConfig, parseStackFile, readStackFile, runStack } from "../harness/stack";
import { TYPES } from "../harness/types";

describe("stack files", () => {
    it("dev: local Docker, DEBUG on, verbose logs, localhost CORS", () => {
        const { config } = parseStackFile("dev");
        assert.equal(config.platform, "local");
        assert.equal(config.database.kind, "local");
        assert.equal(config.app.settings.debug, true);
        assert.equal(config.app.settings.logLevel, "DEBUG");
        assert.ok(config.app.settings.corsOrigins.every((o) => /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(o)));
        assert.equal(config.github, undefined);
    });

    it("staging: Fly, DEBUG off, INFO, its own origin only, traces 0.1", () => {
        const { config } = parseStackFile("staging");
        assert.equal(config.platform, "fly");
        assert.equal(config.app.settings.debug, false);
        assert.equal(config.app.settings.logLevel, "INFO");
        assert.deepEqual(config.app.settings.corsOrigins, ["https://staging.acme.dev"]);
        assert.equal(config.sentry?.tracesSampleRate, 0.1);
        assert.equal(config.github?.branch, "staging");
    });

    it("prod: Fly, WARNING, strict CORS and hosts, ≥ 2 machines, protected database, reviewers, traces ≤ 0.1", () => {
        const { config } = parseStackFile("prod");
        assert.equal(config.app.settings.debug, false);
        assert.equal(config.app.settings.logLevel, "WARNING");
        assert.ok(config.app.settings.corsOrigins.length > 0 && config.app.settings.corsOrigins.every((o) => o.startsWith("https://")));
        assert.ok(config.app.settings.allowedHosts.length > 0 && !config.app.settings.allowedHosts.includes("*"));
        assert.ok(config.app.machines.count * config.app.regions.length >= 2);
        assert.equal(config.database.protect, true);
        assert.equal(config.database.retainOnDelete, true);
        assert.ok((config.github?.reviewers.users.length ?? 0) + (config.github?.reviewers.teams.length ?? 0) >= 1);
        assert.equal(config.github?.branch, "main");
        assert.ok((config.sentry?.tracesSampleRate ?? 1) <= 0.1);
    });

    it("defaults are the secure ones", () => {
        const config = stackConfigSchema.parse({
            environment: "production",
            platform: "fly",
            fly: { org: "acme" },
            app: { name: "api", image: { ref: "registry.fly.io/api@sha256:" + "a".repeat(64) } },
            database: { kind: "fly" },
        });
        assert.equal(config.app.settings.debug, false);
        assert.deepEqual(config.app.settings.corsOrigins, []);
        assert.equal(config.database.protect, true);
        assert.equal(config.database.retainOnDelete, true);
        assert.equal(config.database.backups, true);
        assert.equal(config.secrets.jwtLength, 64);
        assert.equal(config.app.image.dockerfile, "Dockerfile");
    });

    it("a supplied secret is accepted when written with --secret and listed", () => {
        const parsed = parseStackFile("prod", { ...readStackFile("prod"), secrets: { jwtLength: 64, rotationDays: 30, extra: ["STRIPE_API_KEY"] } }, { STRIPE_API_KEY: "sk_" + "x".repeat(40) });
        assert.deepEqual(parsed.secretNames, ["STRIPE_API_KEY"]);
    });

    it("a secure: value in a stack file is treated as a secret", () => {
        const config = { ...readStackFile("staging"), secrets: { extra: ["STRIPE_API_KEY"] }, STRIPE_API_KEY: { secure: "v1:abc:def" } };
        const { values, secretKeys } = engineConfig(config);
        assert.ok(secretKeys.includes(`${PROJECT}:STRIPE_API_KEY`));
        assert.ok(!values[`${PROJECT}:STRIPE_API_KEY`].includes("v1:abc"), "ciphertext is not passed as the value");
        assert.deepEqual(parseStackFile("staging", config).secretNames, ["STRIPE_API_KEY"]);
    });

    it("other namespaces (provider settings) are not ours to judge", () => {
        assert.doesNotThrow(() => parseStackFile("dev", { ...readStackFile("dev"), ":docker:host": "unix:///var/run/docker.sock" }));
    });

    it("a wildcard certificate domain is accepted, and gets its certificate", async () => {
        const run = await runStack("prod", { mutate: (c) => (c.app.domains = ["api.acme.dev", "*.acme.dev"]) });
        assert.equal(run.configError, undefined, run.configError?.message);
        const hostnames = run.resources.filter((r) => r.type === TYPES.flyCert).map((r) => r.inputs.hostname);
        assert.deepEqual(hostnames.sort(), ["*.acme.dev", "api.acme.dev"]);
    });

    it("app.deploy.timing reaches the MachineGroup: flyctl's delays unless set, each key set replacing only itself", async () => {
        const unset = await runStack("prod");
        const timingOf = (run: typeof unset) => run.resources.find((r) => r.type === TYPES.flyMachines)?.inputs.rolloutTiming;
        assert.deepEqual(timingOf(unset), DEFAULT_ROLLOUT_TIMING);
        const set = await runStack("prod", { mutate: (c) => (c.app.deploy.timing = { waitBeforeStopMs: 2500 }) });
        assert.equal(set.configError, undefined, set.configError?.message);
        assert.deepEqual(timingOf(set), { ...DEFAULT_ROLLOUT_TIMING, waitBeforeStopMs: 2500 });
    });

    it("database.adopt reaches the Managed Postgres cluster as its adopt input; unset, a new cluster is created", async () => {
        const adoptOf = (run: Awaited<ReturnType<typeof runStack>>) => run.resources.find((r) => r.type === TYPES.flyPostgres)?.inputs.adopt;
        const adopted = await runStack("prod", { mutate: (c) => (c.database.adopt = "pg-existing_1") });
        assert.equal(adopted.configError, undefined, adopted.configError?.message);
        assert.equal(adoptOf(adopted), "pg-existing_1");
        assert.equal(adoptOf(await runStack("prod")), undefined);
    });

    it("a wildcard must cover a domain, not a top-level domain or a bare star", () => {
        const prod = readStackFile("prod");
        for (const domain of ["*.dev", "*", "*.*.acme.dev", "api.*.acme.dev"]) {
            assert.throws(() => parseStackFile("prod", { ...prod, app: { ...prod.app, domains: [domain] } }), /app\.domains\[0\]: must be a lowercase DNS hostname/, domain);
        }
    });

    it("every region of Fly's list is accepted, and the list says when and where it was taken", () => {
        assert.match(flyRegions.checked, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(flyRegions.sources.length > 0 && flyRegions.sources.every((s) => /https?:\/\/|\//.test(s)));
        assert.ok(FLY_REGIONS.size >= 18, `only ${FLY_REGIONS.size} regions`);
        const prod = readStackFile("prod");
        for (const region of FLY_REGIONS) {
            assert.match(region, /^[a-z]{3}$/);
            // The database stays in a Managed Postgres region: not every Fly region has one (config/flyManagedPostgresRegions.json).
            assert.doesNotThrow(() => parseStackFile("prod", { ...prod, app: { ...prod.app, regions: [region] }, database: { ...prod.database, region: "ams" } }), region);
        }
    });

    it("plain health paths are accepted", () => {
        for (const path of ["/", "/health", "/api/v1/health-check", "/_status.json", "/~ops/ready"]) assert.equal(healthPathProblem(path), undefined, path);
    });
});

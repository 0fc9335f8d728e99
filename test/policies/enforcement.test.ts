/** Per-stack enforcement files, how levels resolve, rule settings, and the report the offline gate prints. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { enforcementLevelOf, evaluate, FALLBACK_ENFORCEMENT, formatViolations, hasMandatory, readEnforcement } from "../../policies/offline";
import { rules } from "../../policies/rules";
import { baseline, changed, envOf, find, T } from "./fixtures";

const ROOT = join(__dirname, "..", "..");
const debugOn = () => changed((r) => (envOf(r).DEBUG = "true"));

describe("per-stack enforcement", () => {
    it("prod makes every rule mandatory, except the advisory-by-design release-step-present", () => {
        const { config } = readEnforcement("prod");
        for (const rule of rules) assert.equal(enforcementLevelOf(rule, config), rule.name === "release-step-present" ? "advisory" : "mandatory", rule.name);
    });

    it("staging makes every rule advisory", () => {
        const { config } = readEnforcement("staging");
        for (const rule of rules) assert.equal(enforcementLevelOf(rule, config), "advisory", rule.name);
    });

    it("dev never makes a rule mandatory", () => {
        const { config } = readEnforcement("dev");
        for (const rule of rules) assert.notEqual(enforcementLevelOf(rule, config), "mandatory", rule.name);
    });

    it("every name in an enforcement file is a rule of the pack (a typo would silently fall back to `all`)", () => {
        const names = new Set([...rules.map((r) => r.name), "all"]);
        for (const stack of ["dev", "staging", "prod"]) {
            const config = JSON.parse(readFileSync(join(ROOT, "policies", `${stack}.json`), "utf8"));
            for (const key of Object.keys(config)) assert.ok(names.has(key), `policies/${stack}.json names unknown policy ${key}`);
        }
    });

    it("a rule's own entry overrides `all`", () => {
        const rule = rules.find((r) => r.name === "no-debug-in-production")!;
        assert.equal(enforcementLevelOf(rule, { all: "mandatory", "no-debug-in-production": "advisory" }), "advisory");
        assert.equal(enforcementLevelOf(rule, { all: "advisory", "no-debug-in-production": { enforcementLevel: "disabled" } }), "disabled");
        assert.equal(enforcementLevelOf(rule, {}), "advisory");
    });

    it("a stack without a file fails closed: every rule mandatory", () => {
        assert.deepEqual(readEnforcement("no-such-stack").config, FALLBACK_ENFORCEMENT);
        assert.equal(readEnforcement("no-such-stack").file, undefined);
    });

    it("the same violation is mandatory in prod, advisory in staging, absent in dev", async () => {
        const prod = await evaluate(debugOn(), { config: readEnforcement("prod").config });
        const staging = await evaluate(debugOn(), { config: readEnforcement("staging").config });
        const dev = await evaluate(debugOn(), { config: readEnforcement("dev").config });
        assert.deepEqual(prod.map((v) => [v.policy, v.enforcementLevel]), [["no-debug-in-production", "mandatory"]]);
        assert.deepEqual(staging.map((v) => [v.policy, v.enforcementLevel]), [["no-debug-in-production", "advisory"]]);
        assert.deepEqual(dev, []);
        assert.equal(hasMandatory(prod), true);
        assert.equal(hasMandatory(staging), false);
    });

    it("rule settings come from the enforcement file, over the schema defaults", async () => {
        assert.deepEqual(await evaluate(baseline(), { config: { all: "mandatory" } }), []);
        const strict = await evaluate(baseline(), { config: { all: "mandatory", "high-availability": { minMachines: 6 } } });
        assert.deepEqual(strict.map((v) => v.policy), ["high-availability"]);
        assert.match(strict[0].message, /4 machine\(s\).*at least 6/);
        const lenient = await evaluate(changed((r) => (envOf(r).SENTRY_TRACES_SAMPLE_RATE = "0.5")), { config: { all: "mandatory", "sentry-in-production": { maxTracesSampleRate: 0.5 } } });
        assert.deepEqual(lenient, []);
    });

    it("a disabled rule does not run at all", async () => {
        const violations = await evaluate(debugOn(), { config: { all: "mandatory", "no-debug-in-production": "disabled" } });
        assert.deepEqual(violations, []);
    });
});

describe("the gate's report", () => {
    it("names the level, rule, resource and fix of each violation, mandatory first", async () => {
        const resources = changed((r) => {
            envOf(r).DEBUG = "true";
            find(r, T.pg).opts!.protect = false;
        });
        const violations = await evaluate(resources, { config: { all: "mandatory", "no-debug-in-production": "advisory" } });
        const report = formatViolations(violations, "prod");
        assert.match(report, /^Policies \(policies\/prod\.json\): \d+ mandatory, 1 advisory violation\(s\)\./);
        assert.match(report, /✖ mandatory {2}data-protection {2}pulumi-nodejs:dynamic\/fly:ManagedPostgres "api-db"/);
        assert.match(report, /! advisory {3}no-debug-in-production {2}pulumi-nodejs:dynamic\/fly:MachineGroup "api-machines"/);
        assert.match(report, /pulumi config set --path app\.settings\.debug false/);
        assert.match(report, /pulumi config set --path database\.protect true/);
        assert.ok(report.indexOf("data-protection") < report.indexOf("no-debug-in-production"));
        assert.match(report, /would be blocked/);
    });

    it("says so when nothing is violated", () => {
        assert.match(formatViolations([], "staging"), new RegExp(`^Policies \\(policies/staging\\.json\\): no violations from ${rules.length} rules\\.$`));
    });

    it("explains the fail-closed default for a stack without a file", () => {
        assert.match(formatViolations([], "qa"), /no policies\/qa\.json, so every rule is mandatory/);
    });
});

/** Per-stack enforcement files: validated against the pack before anything runs, failing closed on every slip. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { EnforcementError, ENFORCEMENT_LEVELS, FALLBACK_ENFORCEMENT, levelOf, readEnforcementFile, validateEnforcement } from "../../policies/enforcement";
import { schemaProblems, SettingSchema } from "../../policies/lib/schema";
import { rules } from "../../policies/rules";

const ROOT = join(__dirname, "..", "..");
const FILE = "policies/qa.json";
const stackFile = (stack: string) => JSON.parse(readFileSync(join(ROOT, "policies", `${stack}.json`), "utf8"));

/** The problems `validateEnforcement` reports for `json`, or [] when it accepts it. */
function problemsOf(json: unknown): readonly string[] {
    try {
        validateEnforcement(FILE, json, rules);
        return [];
    } catch (error) {
        assert.ok(error instanceof EnforcementError, String(error));
        assert.equal(error.file, FILE);
        assert.match(error.message, new RegExp(`^${FILE.replace(".", "\\.")} is not a valid enforcement file \\(${error.problems.length} problems?\\); no policy was run`));
        return error.problems;
    }
}

describe("the stacks' enforcement files", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        it(`policies/${stack}.json is valid`, () => {
            assert.deepEqual(problemsOf(stackFile(stack)), []);
            assert.doesNotThrow(() => readEnforcementFile(stack, rules));
        });
    }

    it("prod makes every rule mandatory, except the advisory-by-design release-step-present", () => {
        const config = readEnforcementFile("prod", rules).config;
        for (const rule of rules) assert.equal(levelOf(rule, config), rule.name === "release-step-present" ? "advisory" : "mandatory", rule.name);
    });

    it("staging makes every rule advisory", () => {
        const config = readEnforcementFile("staging", rules).config;
        for (const rule of rules) assert.equal(levelOf(rule, config), "advisory", rule.name);
    });

    it("dev never makes a rule mandatory", () => {
        const config = readEnforcementFile("dev", rules).config;
        for (const rule of rules) assert.notEqual(levelOf(rule, config), "mandatory", rule.name);
    });

    it("a rule's own entry overrides `all`, in either form", () => {
        const rule = rules.find((r) => r.name === "no-debug-in-production")!;
        assert.equal(levelOf(rule, { all: "mandatory", "no-debug-in-production": "advisory" }), "advisory");
        assert.equal(levelOf(rule, { all: "advisory", "no-debug-in-production": { enforcementLevel: "disabled" } }), "disabled");
        assert.equal(levelOf(rule, { all: "mandatory", "no-debug-in-production": { } }), "mandatory");
        assert.equal(levelOf(rule, {}), "advisory");
    });
});

describe("validateEnforcement fails closed", () => {
    it("accepts every level, per rule or for all, and settings within the rule's schema", () => {
        for (const level of ENFORCEMENT_LEVELS) assert.deepEqual(problemsOf({ all: level, "safe-rollout": level }), []);
        const config = { all: { enforcementLevel: "mandatory" }, "high-availability": { enforcementLevel: "advisory", minMachines: 3, minRegions: 2 }, "production-hosts-only": { environmentWords: ["staging"] } };
        assert.deepEqual(problemsOf(config), []);
        assert.equal(validateEnforcement(FILE, config, rules), config);
    });

    for (const level of ["Mandatory", "enforced", "ADVISORY", "", "mandatory "]) {
        it(`refuses the level ${JSON.stringify(level)}, naming the key and the allowed levels`, () => {
            const [problem, ...rest] = problemsOf({ all: level });
            assert.deepEqual(rest, []);
            assert.match(problem, /^policies\/qa\.json: "all" has enforcement level .* which is not one of "advisory", "mandatory", "remediate", "disabled"/);
            if (level === "Mandatory") assert.match(problem, /levels are lowercase: "mandatory"/);
        });
    }

    it("refuses a mistyped level on a rule, as a string or as enforcementLevel", () => {
        assert.match(problemsOf({ "no-debug-in-production": "Mandatory" })[0], /"no-debug-in-production" has enforcement level "Mandatory"/);
        assert.match(problemsOf({ "high-availability": { enforcementLevel: "enforced", minMachines: 2 } })[0], /"high-availability\.enforcementLevel" has enforcement level "enforced"/);
        assert.match(problemsOf({ "high-availability": true })[0], /"high-availability" has enforcement level true/);
    });

    it("refuses a key that names no rule, listing the rules", () => {
        const [problem] = problemsOf({ all: "mandatory", "no-debug-in-prod": "advisory" });
        assert.match(problem, /"no-debug-in-prod" is not a policy of this pack; the policies are "no-debug-in-production", .*"safe-rollout".* \(or "all"\)/);
    });

    it("refuses an unknown setting, naming the rule's settings", () => {
        assert.match(problemsOf({ "high-availability": { minMachine: 3 } })[0], /"high-availability" has no setting "minMachine"; its settings are "minMachines", "minRunning", "minRegions"/);
        assert.match(problemsOf({ "no-debug-in-production": { threshold: 1 } })[0], /"no-debug-in-production" has no setting "threshold"; it has no settings/);
    });

    it("refuses a setting value the rule's schema refuses", () => {
        assert.match(problemsOf({ "high-availability": { minMachines: "3" } })[0], /"high-availability\.minMachines" must be a whole number, got "3"/);
        assert.match(problemsOf({ "high-availability": { minMachines: 0 } })[0], /"high-availability\.minMachines" must be at least 1, got 0/);
        assert.match(problemsOf({ "sentry-in-production": { maxTracesSampleRate: 2 } })[0], /must be at most 1, got 2/);
        assert.match(problemsOf({ "safe-rollout": { strategies: ["rolling", "canary"] } })[0], /"safe-rollout\.strategies\[1\]" must be one of "rolling", "bluegreen", "immediate", got "canary"/);
    });

    it("refuses settings under `all` and a file that is not an object", () => {
        assert.match(problemsOf({ all: { enforcementLevel: "mandatory", minMachines: 3 } })[0], /"all" takes only a level/);
        assert.match(problemsOf(["mandatory"])[0], /must hold a JSON object/);
        assert.match(problemsOf(null)[0], /must hold a JSON object/);
    });

    it("reports every problem at once", () => {
        assert.equal(problemsOf({ all: "Mandatory", "no-such-rule": "advisory", "high-availability": { minMachine: 1 } }).length, 3);
    });
});

describe("readEnforcementFile", () => {
    const dir = mkdtempSync(join(tmpdir(), "enforcement-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

    it("falls back to every rule mandatory when the stack has no file", () => {
        assert.deepEqual(readEnforcementFile("qa", rules, dir), { config: FALLBACK_ENFORCEMENT });
        assert.equal(levelOf(rules[0], FALLBACK_ENFORCEMENT), "mandatory");
    });

    it("names the file when it is not JSON or not valid", () => {
        writeFileSync(join(dir, "qa.json"), "{ all: mandatory }");
        assert.throws(() => readEnforcementFile("qa", rules, dir), /^EnforcementError: policies\/qa\.json is not a valid enforcement file[\s\S]*is not valid JSON/);
        writeFileSync(join(dir, "qa.json"), JSON.stringify({ all: "enforced" }));
        assert.throws(() => readEnforcementFile("qa", rules, dir), /policies\/qa\.json: "all" has enforcement level "enforced"/);
        writeFileSync(join(dir, "qa.json"), JSON.stringify({ all: "advisory" }));
        assert.deepEqual(readEnforcementFile("qa", rules, dir), { config: { all: "advisory" }, file: "policies/qa.json" });
    });

    it("refuses a stack name that Pulumi refuses, so ../ never reads another file", () => {
        for (const stack of ["../prod", "a/b", ".hidden", ""]) assert.throws(() => readEnforcementFile(stack, rules, dir), /is not a valid stack name/);
    });
});

describe("the rules' settings schemas", () => {
    it("use only what the validator checks, and their defaults satisfy them", () => {
        for (const rule of rules) {
            const schema: PolicyConfigSchema | undefined = rule.configSchema;
            for (const [key, property] of Object.entries(schema?.properties ?? {})) {
                const setting = property as SettingSchema;
                assert.notEqual(setting.default, undefined, `${rule.name}.${key} has no default`);
                assert.deepEqual(schemaProblems(setting.default, setting, `${rule.name}.${key}`), []);
            }
        }
    });

    it("a schema keyword the validator does not know is an error, not a pass", () => {
        assert.throws(() => schemaProblems("x", { pattern: "^a" } as SettingSchema, "rule.key"), /uses "pattern", which policies\/lib\/schema\.ts does not check/);
    });
});

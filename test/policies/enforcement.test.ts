/** Per-stack enforcement files: validated against the pack before anything runs, failing closed on every slip. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PolicyConfigSchema } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { StackNameError } from "../../config/stackNameError";
import { checkStackEnforcement, EnforcementError, ENFORCEMENT_LEVELS, levelOf, validateEnforcement } from "../../policies/enforcement";
import { schemaProblems, SettingSchema } from "../../policies/lib/schema";
import { rules } from "../../policies/rules";

const ROOT = join(__dirname, "..", "..");
const POLICIES = join(ROOT, "policies");
const FILE = "policies/qa.json";
/** A stack's enforcement as the pack reads it at start; fails when the stack has no file. */
const enforcementOf = (stack: string) => {
    const config = checkStackEnforcement(POLICIES, stack, rules);
    assert.ok(config, `policies/${stack}.json is missing`);
    return config;
};
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
            assert.deepEqual(enforcementOf(stack), stackFile(stack));
        });
    }

    it("prod makes every rule mandatory, except the advisory-by-design release-step-present and promotion-soak-override", () => {
        const config = enforcementOf("prod");
        const advisory = new Set(["release-step-present", "promotion-soak-override"]);
        for (const rule of rules) assert.equal(levelOf(rule, config), advisory.has(rule.name) ? "advisory" : "mandatory", rule.name);
    });

    it("staging makes every rule advisory", () => {
        const config = enforcementOf("staging");
        for (const rule of rules) assert.equal(levelOf(rule, config), "advisory", rule.name);
    });

    it("dev never makes a rule mandatory", () => {
        const config = enforcementOf("dev");
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

describe("checkStackEnforcement (what the pack checks as it starts)", () => {
    const dir = mkdtempSync(join(tmpdir(), "enforcement-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

    it("reads nothing for a stack without a file (the CLI is given the file; the offline engine refuses the stack)", () => {
        assert.equal(checkStackEnforcement(dir, "qa", rules), undefined);
    });

    it("names the file when it is not JSON or not valid, as a RunError (printed without a stack trace)", () => {
        const file = `${dir.split(/[\\/]/).pop()}/qa.json`;
        writeFileSync(join(dir, "qa.json"), "{ all: mandatory }");
        assert.throws(() => checkStackEnforcement(dir, "qa", rules), (e: unknown) => e instanceof EnforcementError && pulumi.RunError.isInstance(e) && e.message.startsWith(`${file} is not a valid enforcement file`) && /is not valid JSON/.test(e.message));
        writeFileSync(join(dir, "qa.json"), JSON.stringify({ all: "enforced" }));
        assert.throws(() => checkStackEnforcement(dir, "qa", rules), new RegExp(`${file.replace(".", "\\.")}: "all" has enforcement level "enforced"`));
        writeFileSync(join(dir, "qa.json"), JSON.stringify({ all: "advisory" }));
        assert.deepEqual(checkStackEnforcement(dir, "qa", rules), { all: "advisory" });
    });

    it("refuses a stack name that Pulumi (or this project) refuses, so ../ never reads another file", () => {
        for (const stack of ["../prod", "a/b", ".hidden", ""]) assert.throws(() => checkStackEnforcement(dir, stack, rules), StackNameError);
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

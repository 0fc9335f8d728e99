/**
 * The whole pack over the real stacks, through analyzerVerdict.ts: prod passes every rule; each production mistake of
 * mutations.ts, one change to prod's config, is blocked by its rule (mandatory); the same change on staging is
 * advisory only, or refused by staging's own config where staging cannot express it; every legitimate variation
 * passes prod with no violation at all.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { EnforcementError } from "../../policies/enforcement";
import { rules } from "../../policies/rules";
import { assertNoSecretIn, HOW_TO_FIX } from "./fixtures";
import { judge, JudgedViolation } from "./analyzerVerdict";
import { parseStackFile, readStackFile } from "../harness/stack";
import { MISTAKES, MistakeClass, StackChange, VARIATIONS } from "./mutations";

/**
 * Whether a mistake changes staging's validated config at all (some are staging's own values: `environment:
 * staging`, no wait timer).
 */
function changesStaging(mistake: StackChange): boolean {
    const written = readStackFile("staging");
    const changed = structuredClone(written);
    mistake.config?.(changed);
    return mistake.secrets !== undefined || !isDeepStrictEqual(parseStackFile("staging", changed).config, parseStackFile("staging", written).config);
}

/** Staging's verdict as written: judged once for the whole file, since every mistake compares against the same one. */
let stagingVerdict: ReturnType<typeof judge> | undefined;
const stagingAsWritten = () => (stagingVerdict ??= judge("staging"));

const describeViolations = (violations: readonly JudgedViolation[]) => violations.map((v) => `${v.level} ${v.policy}: ${v.message}`).join("\n");

/**
 * Every class of production mistake (the type lists them all, so a new class must be added here) and the rules
 * that block its mutations; each rule must be in the pack and exercised by a mutation of that class. The classes the
 * config refuses instead (echoed credentials, keys without a namespace, repeated problems, late checks) are
 * test/config/gate.test.ts'.
 */
const CLASS_RULES: Readonly<Record<MistakeClass, readonly string[]>> = {
    "deploy safety and availability": ["safe-rollout", "high-availability", "proxy-concurrency-limits"],
    "origins and hosts": ["production-hosts-only"],
    "GitHub protection": ["protected-deploy-environment", "protected-deploy-branch"],
    "production identity": ["production-identity"],
    "secrets and database URLs": ["postgres-only-database"],
    "supplied JWT secret": ["strong-jwt-secret"],
    "app settings": ["no-debug-in-production", "strict-cors-and-hosts", "production-log-level"],
    data: ["data-protection"],
    "supply chain": ["image-pinned-by-digest"],
    observability: ["sentry-in-production"],
    completeness: ["production-stack-complete"],
    "isolation by identity": ["production-isolation", "production-hosts-only"],
    "security lifetimes": ["token-lifetimes"],
    "release command": ["safe-release-command"],
};

describe("the pack over the real stacks", () => {
    it("prod passes every rule", async () => {
        const { violations } = await judge("prod");
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    it("prod judged as a preview passes every rule too (no rule skips itself or fails on a generated value)", async () => {
        const { violations } = await judge("prod", { preview: true });
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    it("staging has only advisory violations", async () => {
        const { violations } = await stagingAsWritten();
        assert.ok(violations.every((v) => v.level === "advisory"), describeViolations(violations));
    });

    it("dev has no mandatory violation", async () => {
        const { violations } = await judge("dev");
        assert.ok(violations.every((v) => v.level !== "mandatory"), describeViolations(violations));
    });

    it("every class of mistake has mutations, and each of its rules blocks one of them", () => {
        for (const [name, classRules] of Object.entries(CLASS_RULES)) {
            for (const rule of classRules) {
                assert.ok(rules.some((r) => r.name === rule), `${rule} is not in the pack`);
                assert.ok(MISTAKES.some((m) => m.class === name && m.rule === rule), `no mutation of class "${name}" exercises ${rule}`);
            }
        }
        for (const mistake of MISTAKES) assert.ok(CLASS_RULES[mistake.class].includes(mistake.rule), `${mistake.what}: ${mistake.rule} is not listed for "${mistake.class}"`);
    });

    it("a mistyped enforcement level fails the judgement with an error naming the file, not a silent advisory run", async () => {
        await assert.rejects(judge("prod", { enforcement: { all: "Mandatory" } }), (error: unknown) => {
            assert.ok(error instanceof EnforcementError);
            assert.match(error.message, /^policies\/prod\.json is not a valid enforcement file/);
            assert.match(error.message, /"all" has enforcement level "Mandatory".*"advisory", "mandatory", "remediate", "disabled"/);
            return true;
        });
    });
});

describe("production mistakes, one change each", () => {
    for (const mistake of MISTAKES) {
        it(`prod, ${mistake.what}: ${mistake.rule} blocks it (mandatory)`, async () => {
            const { violations } = await judge("prod", { mutate: mistake.config, secrets: mistake.secrets });
            const fired = violations.filter((v) => v.policy === mistake.rule);
            assert.ok(fired.length > 0, `expected ${mistake.rule}; got:\n${describeViolations(violations)}`);
            assert.ok(fired.every((v) => v.level === "mandatory"), describeViolations(fired));
            for (const v of fired) assert.match(v.message.split("\n").slice(1).join(" "), HOW_TO_FIX, `${v.policy} says what is wrong but not how to fix it`);
            assertNoSecretIn(violations, mistake.secretValues);
        });

        it(`staging, ${mistake.what}: ${mistake.rule} is advisory only`, async () => {
            // Every mistake is valid config on staging too (mutations.ts), so this judges the rule, never a refusal.
            const { violations } = await judge("staging", { mutate: mistake.config, secrets: mistake.secrets });
            assert.ok(violations.some((v) => v.policy === mistake.rule), `expected ${mistake.rule}; got:\n${describeViolations(violations)}`);
            // Staging already breaks some production rules (its hosts name staging): the change must add a violation
            // of its own, unless it changes nothing on staging (staging's environment is already "staging").
            if (changesStaging(mistake)) {
                const before = new Set((await stagingAsWritten()).violations.filter((v) => v.policy === mistake.rule).map((v) => v.message));
                assert.ok(violations.some((v) => v.policy === mistake.rule && !before.has(v.message)), `${mistake.rule} reports nothing staging did not already have`);
            }
            assert.ok(violations.every((v) => v.level === "advisory"), describeViolations(violations));
            assertNoSecretIn(violations, mistake.secretValues);
        });
    }
});

describe("legitimate variations of prod pass", () => {
    for (const variation of VARIATIONS) {
        it(variation.what, async () => {
            const { violations } = await judge("prod", { mutate: variation.config, secrets: variation.secrets });
            assert.deepEqual(violations, [], describeViolations(violations));
        });
    }
});

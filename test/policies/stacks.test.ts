/**
 * The whole pack over the real stacks, through analyzerVerdict.ts: prod passes every rule; each production mistake of
 * mutations.ts, one change to prod's config, is blocked by its rule (mandatory); the same change on staging is
 * advisory only; every legitimate variation passes prod with no violation at all.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnforcementError } from "../../policies/enforcement";
import { rules } from "../../policies/rules";
import { assertNoSecretIn } from "./fixtures";
import { judge, JudgedViolation } from "./analyzerVerdict";
import { MISTAKES, MistakeClass, VARIATIONS } from "./mutations";

const describeViolations = (violations: readonly JudgedViolation[]) => violations.map((v) => `${v.level} ${v.policy}: ${v.message}`).join("\n");

/** The classes issue 11 found passing the prod gate; each must have a mistake in the table. */
const ISSUE_11_CLASSES: readonly MistakeClass[] = ["deploy safety and availability", "origins and hosts", "GitHub protection", "production identity", "secrets and database URLs", "supplied JWT secret"];
/** The classes of issue 21 a rule blocks (the config-side ones are test/config/gate.test.ts'), with their rules. */
const ISSUE_21_RULES: Readonly<Record<string, readonly string[]>> = {
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
        const { violations } = await judge("staging");
        assert.ok(violations.every((v) => v.level === "advisory"), describeViolations(violations));
    });

    it("dev has no mandatory violation", async () => {
        const { violations } = await judge("dev");
        assert.ok(violations.every((v) => v.level !== "mandatory"), describeViolations(violations));
    });

    it("every class of mistake has a mutation, and every rule added for issue 11 blocks one", () => {
        for (const name of ISSUE_11_CLASSES) assert.ok(MISTAKES.some((m) => m.class === name), `no mutation of class "${name}"`);
        for (const rule of ["safe-rollout", "proxy-concurrency-limits", "production-hosts-only", "postgres-only-database", "production-identity"]) {
            assert.ok(rules.some((r) => r.name === rule), `${rule} is not in the pack`);
            assert.ok(MISTAKES.some((m) => m.rule === rule), `no mutation exercises ${rule}`);
        }
        for (const [name, classRules] of Object.entries(ISSUE_21_RULES)) {
            for (const rule of classRules) {
                assert.ok(rules.some((r) => r.name === rule), `${rule} is not in the pack`);
                assert.ok(MISTAKES.some((m) => m.class === name && m.rule === rule), `no mutation of class "${name}" exercises ${rule}`);
            }
        }
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
            assertNoSecretIn(violations, mistake.secretValues);
        });

        it(`staging, ${mistake.what}: ${mistake.rule} is advisory only`, async (t) => {
            const judged = await judge("staging", { mutate: mistake.config, secrets: mistake.secrets }).catch((error: Error) => error);
            if (judged instanceof Error) {
                // Staging's smaller shape can make the same change invalid config (maxUnavailable 2 of 1 machine): refused even earlier.
                assert.match(judged.message, /changed configuration is invalid/);
                return t.diagnostic(`refused by the config schema on staging: ${judged.message.split("\n")[2] ?? ""}`);
            }
            const { violations } = judged;
            assert.ok(violations.some((v) => v.policy === mistake.rule), `expected ${mistake.rule}; got:\n${describeViolations(violations)}`);
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

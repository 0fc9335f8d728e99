/**
 * What the real analyzer reports, whatever evaluates the stack: each violation's level comes from the enforcement
 * file (a rule's own entry over `all`, `remediate` reported as mandatory, `disabled` silent), is attributed to the
 * resource in violation, and says how to fix it. Hand-written resources, one change each (fixtures.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changed, envOf, find, T } from "./fixtures";
import { judgeResources } from "./analyzerVerdict";

const debugOnAndUnprotected = () =>
    changed((r) => {
        envOf(r).DEBUG = "true";
        find(r, T.pg).opts!.protect = false;
    });

describe("the analyzer's report", () => {
    it("levels each violation by the enforcement file, a rule's entry over `all`, and names the resource and the fix", async () => {
        const resources = debugOnAndUnprotected();
        const { violations } = await judgeResources("prod", resources, { enforcement: { all: "mandatory", "no-debug-in-production": "advisory" } });
        const byPolicy = new Map(violations.map((v) => [v.policy, v]));
        assert.deepEqual([...byPolicy.keys()].sort(), ["data-protection", "no-debug-in-production", "production-stack-complete"], JSON.stringify(violations, null, 1));
        assert.equal(byPolicy.get("data-protection")!.level, "mandatory");
        assert.equal(byPolicy.get("data-protection")!.urn, find(resources, T.pg).urn);
        assert.match(byPolicy.get("data-protection")!.message, /pulumi config set --path database\.protect true/);
        assert.equal(byPolicy.get("no-debug-in-production")!.level, "advisory");
        assert.equal(byPolicy.get("no-debug-in-production")!.urn, find(resources, T.group).urn);
    });

    it("reports remediate as mandatory and a disabled rule not at all", async () => {
        const remediate = await judgeResources("prod", debugOnAndUnprotected(), { enforcement: { all: "remediate" } });
        assert.ok(remediate.violations.length > 0 && remediate.violations.every((v) => v.level === "mandatory"));
        const disabled = await judgeResources("prod", debugOnAndUnprotected(), { enforcement: { all: "mandatory", "no-debug-in-production": "disabled" } });
        assert.ok(!disabled.violations.some((v) => v.policy === "no-debug-in-production"));
        assert.ok(disabled.violations.some((v) => v.policy === "data-protection"));
    });
});

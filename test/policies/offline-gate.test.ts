/**
 * The report of the offline gate (`npm run plan` → scripts/gate.ts → policies/offline.ts). This file tests
 * offline.ts itself and goes with it when the offline engine replaces it; every other policy test uses judge.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, formatViolations, hasMandatory } from "../../policies/offline";
import { rules } from "../../policies/rules";
import { changed, envOf, find, T } from "./fixtures";

describe("the offline gate's report", () => {
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
        assert.match(report, /pulumi config set --path database\.protect true/);
        assert.ok(report.indexOf("data-protection") < report.indexOf("no-debug-in-production"));
        assert.match(report, /would be blocked/);
        assert.equal(hasMandatory(violations), true);
    });

    it("says so when nothing is violated, and explains the fail-closed default for a stack without a file", () => {
        assert.equal(formatViolations([], "staging"), `Policies (policies/staging.json): no violations from ${rules.length} rules.`);
        assert.match(formatViolations([], "qa"), /no policies\/qa\.json, so every rule is mandatory/);
    });
});

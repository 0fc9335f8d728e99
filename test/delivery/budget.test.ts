/**
 * The `budget` policy, through the real analyzer in the offline engine: a prod enforcement file with
 * `budget.monthlyUsd` below prod's estimate ($318.82, test/delivery/cost.test.ts) fails the preview as a mandatory
 * violation naming both figures; at or above it, nothing is reported.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { budgetOf } from "../../delivery/cost/budget";
import { ROOT, runOperation } from "../../engine";
import { TEST_TOKEN } from "../fly/emulator/defaults";

const OFFLINE = { FLY_API_TOKEN: TEST_TOKEN, FLY_API_HOSTNAME: "http://127.0.0.1:9" };

describe("the budget policy", () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** prod's shipped enforcement file with a budget added. */
    function enforcement(monthlyUsd: number): string {
        const file = join(dir, `prod-${monthlyUsd}.json`);
        const shipped = JSON.parse(readFileSync(join(ROOT, "policies", "prod.json"), "utf8"));
        writeFileSync(file, JSON.stringify({ ...shipped, budget: { monthlyUsd } }));
        return file;
    }
    const budgetViolations = async (monthlyUsd: number) => {
        const result = await runOperation({ stack: "prod", operation: "preview", env: OFFLINE, policyConfig: enforcement(monthlyUsd) });
        return { result, found: result.violations.filter((v) => v.policyName === "budget") };
    };

    it("fails prod's preview when the estimate is over budget.monthlyUsd, mandatory as prod makes every rule", async () => {
        const { result, found } = await budgetViolations(300);
        assert.equal(result.ok, false);
        assert.deepEqual(found.map((v) => v.enforcementLevel), ["mandatory"]);
        assert.match(found[0].message, /estimated Fly bill is \$318\.82 a month, over its budget of \$300\.00 \(largest: database-cluster \$282\.00/);
        assert.equal(budgetOf(enforcement(300)), 300);
    });

    it("reports nothing when the estimate is within the budget", async () => {
        const { result, found } = await budgetViolations(318.82);
        assert.deepEqual(found, []);
        assert.ok(result.ok, result.error);
        assert.equal(budgetOf(join(ROOT, "policies", "prod.json")), undefined, "prod ships without a budget");
    });
});

/**
 * The engine semantics the lifecycle depends on, each shown to fail when it should: a provider `check` that
 * rejects a value unknown at preview fails the preview (the class of bug the in-process mocks never saw), and an
 * enforcement file with a mistyped level or an unknown key stops the operation before any policy or program runs,
 * naming the file and the allowed values, instead of running the rule as advisory.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ROOT, runOperation } from "../../engine";
import { TEST_TOKEN } from "../fly/emulator/defaults";

const FIXTURE = join(ROOT, "test", "fixtures", "engine-project");

// Each operation starts from no state and keeps none, so the cases of a block run side by side.
describe("a provider's check at preview", { concurrency: true }, () => {
    const run = (acceptUnknowns: boolean, operation: "preview" | "up") =>
        runOperation({ root: FIXTURE, stack: "fixture", operation, policyPack: false, mutate: (config) => (config.acceptUnknowns = String(acceptUnknowns)) });

    it("passes a preview of a new stack when the check accepts what is unknown until apply", async () => {
        const result = await run(true, "preview");
        assert.ok(result.ok, result.error);
        assert.deepEqual(result.steps.filter((s) => s.custom).map((s) => `${s.name}:${s.op}`), ["first:create", "second:create"]);
    });

    it("fails the preview, naming the resource and the property, when the check judges an unknown as a value", async () => {
        const result = await run(false, "preview");
        assert.equal(result.ok, false);
        assert.match(result.error ?? "", /second/);
        assert.match(result.error ?? "", /value must be "known" or "from-<id>"/);
    });

    it("passes `up` with the same strict check, because every value is known there: only a real preview finds this", async () => {
        const result = await run(false, "up");
        assert.ok(result.ok, result.error);
    });
});

describe("an enforcement file that is not what the CLI accepts", { concurrency: true }, () => {
    const dir = mkdtempSync(join(tmpdir(), "engine-enforcement-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const withFile = (name: string, json: unknown) => {
        const file = join(dir, name);
        writeFileSync(file, JSON.stringify(json));
        return file;
    };

    for (const level of ["Mandatory", "enforced"]) {
        it(`stops prod's preview on the level ${JSON.stringify(level)}, naming the file and the allowed levels`, async () => {
            const file = withFile(`${level}.json`, { all: level });
            const result = await runOperation({ stack: "prod", operation: "preview", policyConfig: file, env: { FLY_API_TOKEN: TEST_TOKEN } });
            assert.equal(result.ok, false);
            assert.ok(result.error?.includes(file), result.error);
            assert.match(result.error ?? "", new RegExp(`${level}`));
            assert.match(result.error ?? "", /advisory.*mandatory.*(remediate|disabled)/s);
            assert.deepEqual(result.violations, [], "no policy ran as advisory instead");
        });
    }

    it("stops on a key that is no rule of the pack", async () => {
        const prod = JSON.parse(readFileSync(join(ROOT, "policies", "prod.json"), "utf8"));
        const file = withFile("unknown-rule.json", { ...prod, "no-debug-in-prod": "mandatory" });
        const result = await runOperation({ stack: "prod", operation: "preview", policyConfig: file, env: { FLY_API_TOKEN: TEST_TOKEN } });
        assert.equal(result.ok, false);
        assert.match(result.error ?? "", /no-debug-in-prod/);
    });
});

/**
 * The fast judge (analyzerVerdict.ts: the in-process harness's graph sent to the real analyzer) against the offline engine's
 * own preview (the real program through `@pulumi/pulumi/cmd/run`, the real providers' checks, the real analyzer):
 * the analyzer must be shown the same resources with the same properties, and give the same verdict. Prod as
 * written, one resource rule's mistake and one stack rule's, so the fast path cannot drift from the real one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runOperation } from "../../engine";
import { TEST_TOKEN } from "../harness/stack";
import { analyzerInputOf, judge, type JudgedViolation } from "./analyzerVerdict";
import { MISTAKES, type StackChange } from "./mutations";

const mistake = (what: string) => {
    const found = MISTAKES.find((m) => m.what === what);
    if (!found) throw new Error(`no mistake "${what}" in mutations.ts`);
    return found;
};

const CASES: readonly (StackChange & { readonly rule?: string })[] = [{ what: "prod as written" }, mistake("DEBUG on"), mistake("no Sentry")];

const sorted = (violations: readonly JudgedViolation[]) => [...violations].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("the fast judge agrees with the engine's preview of the real program", { concurrency: false }, () => {
    for (const change of CASES) {
        it(`prod, ${change.what}: same resources, same properties, same verdict`, async () => {
            const options = { mutate: change.config, secrets: change.secrets, preview: true };
            const engine = await runOperation({ stack: "prod", operation: "preview", ...options, env: { FLY_API_TOKEN: TEST_TOKEN } });
            assert.ok(engine.program?.code === 0, engine.error);
            const [input, judged] = await Promise.all([analyzerInputOf("prod", options), judge("prod", options)]);

            // Analyze: what the engine checked is what the judge shows, resource by resource. (The order of
            // registrations is the program's timing, not part of the shape.)
            const checked = new Map(engine.steps.filter((s) => s.custom).map((s) => [s.urn, s.inputs]));
            assert.deepEqual(new Set(input.resources.map((r) => r.urn)), new Set(checked.keys()));
            for (const resource of input.resources) assert.deepEqual(resource.properties, checked.get(resource.urn), resource.urn);
            // AnalyzeStack: every registration (the root included), plus the default providers the engine records.
            const registered = new Set(engine.steps.map((s) => s.urn));
            assert.ok(registered.has(`urn:pulumi:prod::api-environments::pulumi:pulumi:Stack::api-environments-prod`));
            const defaults = input.stack.filter((r) => !registered.has(r.urn));
            assert.ok(defaults.every((r) => r.type.startsWith("pulumi:providers:") && r.name.startsWith("default")), defaults.map((r) => r.urn).join("\n"));
            assert.deepEqual(new Set(input.stack.map((r) => r.urn).filter((urn) => registered.has(urn))), registered);

            const fromEngine = engine.violations.map((v): JudgedViolation => ({ policy: v.policyName, level: v.enforcementLevel === "advisory" ? "advisory" : "mandatory", message: v.message, ...(v.urn ? { urn: v.urn } : {}) }));
            assert.deepEqual(sorted(judged.violations), sorted(fromEngine));
            if (change.rule) assert.ok(judged.violations.some((v) => v.policy === change.rule && v.level === "mandatory"), `${change.rule} blocks it`);
            else assert.deepEqual(judged.violations, []);
        });
    }
});

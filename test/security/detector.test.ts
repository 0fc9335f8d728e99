/** The canary detector fires on a leak, in every form it looks for, and stays quiet on secret paths. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runStack, StackRun } from "../harness/stack";
import { TYPES } from "../harness/types";
import { canaryValue, findLeaks, publicView, stateSecretPaths, withoutPaths } from "./canary";

const leaked = { source: "test secret", value: canaryValue("test secret") };

describe("canary detector", () => {
    it("finds a canary in text, as is and encoded", () => {
        for (const text of [`token=${leaked.value}`, JSON.stringify({ a: `"${leaked.value}"` }), Buffer.from(leaked.value).toString("base64"), encodeURIComponent(leaked.value)]) {
            assert.ok(findLeaks(text, [leaked]).length > 0, text);
        }
        assert.deepEqual(findLeaks("nothing to see", [leaked]), []);
    });

    it("finds a canary in values and keys of nested data, naming the path", () => {
        const leaks = findLeaks({ a: [{ b: `x${leaked.value}x` }], [leaked.value]: 1 }, [leaked], "data");
        assert.deepEqual(leaks.map((l) => l.where).sort(), [`data.${leaked.value} (key)`, "data.a[0].b"].sort());
    });

    it("refuses a canary too short to search for", () => {
        assert.throws(() => findLeaks("", [{ source: "short", value: "abc" }]), /too short/);
    });

    it("drops exactly the secret paths", () => {
        const value = { values: { JWT_SECRET: "s", PORT: "1" }, envs: ["A=1", "B=s"], keep: true };
        assert.deepEqual(withoutPaths(value, ["values.JWT_SECRET", "envs[1]"]), { values: { PORT: "1" }, envs: ["A=1", undefined], keep: true });
        assert.equal(withoutPaths("s", ["(value)"]), undefined);
    });

    describe("on a copy of a real run", () => {
        let run: StackRun;
        it("sees nothing, then fires on a leak injected into a plain input, the state and an output", async () => {
            run = await runStack("prod", { secrets: { JWT_SECRET: leaked.value } });
            assert.equal(run.configError, undefined);
            assert.deepEqual(findLeaks(publicView(run), [leaked]), [], "the supplied secret stays on secret paths");
            const target = run.resources.findIndex((r) => r.type === TYPES.flyMachines);
            assert.ok(target >= 0);
            const copy = structuredClone(run) as { -readonly [K in keyof StackRun]: any };
            copy.resources[target].inputs.config.env.LEAKED = leaked.value;
            copy.resources[target].state.leakedOutput = leaked.value;
            copy.outputs = { ...copy.outputs, url: `https://x/?t=${encodeURIComponent(leaked.value)}` };
            const where = findLeaks(publicView(copy), [leaked]).map((l) => l.where);
            assert.ok(where.some((w) => w.includes("inputs.config.env.LEAKED")), where.join(", "));
            assert.ok(where.some((w) => w.includes("state.leakedOutput")), where.join(", "));
            assert.ok(where.some((w) => w.includes("outputs.url")), where.join(", "));
        });

        it("fires when a secret path is no longer marked secret", () => {
            const index = run.resources.findIndex((r) => r.secretPaths.length > 0 && JSON.stringify(r.inputs).includes(leaked.value));
            assert.ok(index >= 0, "the supplied secret is on a secret input");
            const copy = structuredClone(run) as { -readonly [K in keyof StackRun]: any };
            copy.resources[index].secretPaths = [];
            copy.resources[index].additionalSecretOutputs = [];
            assert.equal(stateSecretPaths(copy.resources[index]).length, 0);
            assert.ok(findLeaks(publicView(copy), [leaked]).length > 0);
        });
    });
});

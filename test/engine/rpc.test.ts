/** The engine's secret bookkeeping for a provider that is sent no secrets, as Pulumi's engine does it. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { annotateSecrets, isSecret, secret, UNKNOWN } from "../../engine/rpc";

describe("annotateSecrets", () => {
    it("recurs into maps, so only the secret values of a map are secret and its keys stay readable", () => {
        const inputs = { app: "api", values: { JWT_SECRET: secret("s1"), LOG: "info", DSN: UNKNOWN } };
        const outputs = annotateSecrets({ app: "api", values: { JWT_SECRET: "s1", LOG: "info", DSN: "x" }, version: 3 }, inputs);
        assert.equal(isSecret(outputs.values), false);
        assert.deepEqual(Object.keys(outputs.values), ["JWT_SECRET", "LOG", "DSN"]);
        assert.equal(isSecret(outputs.values.JWT_SECRET), true);
        assert.equal(outputs.values.LOG, "info");
        assert.equal(outputs.version, 3);
    });

    it("makes a whole value secret where the input holds a secret and the two are not both maps", () => {
        const outputs = annotateSecrets({ envs: ["A=1", "B=2"], password: "p", nested: { a: 1 } }, { envs: ["A=1", secret("B=2")], password: secret("p"), nested: secret({ a: 1 }) });
        assert.equal(isSecret(outputs.envs), true, "an array with one secret is secret as a whole (its order may change)");
        assert.equal(isSecret(outputs.password), true);
        assert.equal(isSecret(outputs.nested), true, "a secret map in the inputs taints the output map");
    });

    it("marks additionalSecretOutputs at the top level, once", () => {
        const outputs = annotateSecrets({ dsnPublic: "https://k@o/1", name: "n", already: secret("x") }, {}, ["dsnPublic", "already"]);
        assert.equal(isSecret(outputs.dsnPublic), true);
        assert.equal(outputs.name, "n");
        assert.deepEqual(outputs.already, secret("x"));
    });
});

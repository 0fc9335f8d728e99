/**
 * Provider credentials the workflows put in the environment (GITHUB_TOKEN, SENTRY_AUTH_TOKEN, FLY_API_TOKEN) never
 * become plain resource inputs: with a distinct canary value for each, the whole program is evaluated under mocks
 * and every registered input is searched. GitHub's and Sentry's tokens are left to their plugins (so they appear
 * nowhere, not even as secrets, and a preview token differing from the deploy token shows no provider change); the
 * Fly token is the registry password of the image push and must be a secret there.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RegisteredResource, runStack } from "../harness/stack";
import { leakedOutputs, secretLeaks } from "../stacks/graph";

const CANARIES = {
    GITHUB_TOKEN: "ghp_CANARY1github1token1in1the1job1environment",
    SENTRY_AUTH_TOKEN: "sntrys_CANARY2sentry2auth2token2in2the2environment",
    // The name @pulumiverse/sentry's own Provider would read.
    SENTRY_TOKEN: "sntrys_CANARY3sentry3token3in3the3environment",
    FLY_API_TOKEN: "FlyV1 fm2_CANARY4fly4api4token4in4the4environment",
} as const;
const ALL = Object.values(CANARIES);

/** `resource path` of every input holding `value`, secret or not. */
function holders(resources: readonly RegisteredResource[], value: string): string[] {
    const found: string[] = [];
    const walk = (r: RegisteredResource, node: unknown, path: string) => {
        if (typeof node === "string") {
            if (node.includes(value)) found.push(`${r.name} ${path}${r.secretPaths.includes(path) ? " (secret)" : ""}`);
        } else if (Array.isArray(node)) node.forEach((item, i) => walk(r, item, `${path}[${i}]`));
        else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(r, v, path ? `${path}.${k}` : k);
    };
    for (const r of resources) walk(r, r.inputs, "");
    return found;
}

for (const stack of ["staging", "prod"]) {
    describe(`provider credentials in the environment of a ${stack} run`, () => {
        const run = runStack(stack, { env: CANARIES });

        it("appear in no plain input and no plain output", async () => {
            const result = await run;
            assert.equal(result.configError, undefined, result.configError?.message);
            assert.deepEqual(secretLeaks(result, ALL), []);
            assert.deepEqual(leakedOutputs(result, ALL), []);
        });

        it("GITHUB_TOKEN and the Sentry tokens are left to the plugins: in no input at all", async () => {
            const { resources } = await run;
            assert.ok(resources.some((r) => r.type === "pulumi:providers:github"), "the stack has an explicit GitHub provider");
            for (const name of ["GITHUB_TOKEN", "SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"] as const) assert.deepEqual(holders(resources, CANARIES[name]), [], name);
        });

        it("FLY_API_TOKEN reaches only the image push, as a secret registry password", async () => {
            assert.deepEqual(holders((await run).resources, CANARIES.FLY_API_TOKEN), ["app-image registry.password (secret)"]);
        });
    });
}

/**
 * Provider credentials the workflows put in the environment (GITHUB_TOKEN, SENTRY_AUTH_TOKEN, FLY_API_TOKEN) never
 * become plain resource inputs: with a distinct canary value for each, the whole program is evaluated under mocks
 * and every registered input is searched. GitHub's and Sentry's tokens are left to their plugins (so they appear
 * nowhere, not even as secrets, and a preview token differing from the deploy token shows no provider change); the
 * Fly token is the registry password of the image push and must be a secret there.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { TEST_TOKEN } from "../fly/emulator/defaults";
import { runStack } from "../harness/stack";
import { inputsHolding, leakedOutputs, secretLeaks } from "../stacks/graph";

const CANARIES = {
    GITHUB_TOKEN: "ghp_CANARY1github1token1in1the1job1environment",
    SENTRY_AUTH_TOKEN: "sntrys_CANARY2sentry2auth2token2in2the2environment",
    // The name @pulumiverse/sentry's own Provider would read.
    SENTRY_TOKEN: "sntrys_CANARY3sentry3token3in3the3environment",
    // The one fake Fly token (the emulator's), as the canary of this credential.
    FLY_API_TOKEN: TEST_TOKEN,
    // The source organization's token prod's promoted image is copied with (promotion.sourceTokenEnv).
    FLY_STAGING_API_TOKEN: "fm2_CANARY4staging4org4token4in4the4environment",
} as const;
const ALL = Object.values(CANARIES);

/** Where FLY_API_TOKEN may appear: the image push of a stack that builds (prod builds nothing, it is promoted). */
const PUSHES: Record<string, string[]> = { staging: ["app-image registry.password (secret)"], prod: [] };

for (const stack of ["staging", "prod"]) {
    describe(`provider credentials in the environment of a ${stack} run`, () => {
        let run: ReturnType<typeof runStack>;
        before(() => {
            run = runStack(stack, { env: CANARIES });
        });

        it("appear in no plain input and no plain output", async () => {
            const result = await run;
            assert.equal(result.configError, undefined, result.configError?.message);
            assert.deepEqual(secretLeaks(result, ALL), []);
            assert.deepEqual(leakedOutputs(result, ALL), []);
        });

        it("GITHUB_TOKEN and the Sentry tokens are left to the plugins: in no input at all", async () => {
            const { resources } = await run;
            assert.ok(resources.some((r) => r.type === "pulumi:providers:github"), "the stack has an explicit GitHub provider");
            for (const name of ["GITHUB_TOKEN", "SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"] as const) assert.deepEqual(inputsHolding(resources, CANARIES[name]), [], name);
        });

        it("FLY_API_TOKEN reaches only the image push, as a secret registry password; the source organization's token nothing", async () => {
            const { resources } = await run;
            assert.deepEqual(inputsHolding(resources, CANARIES.FLY_API_TOKEN), PUSHES[stack]);
            // The copy names the variable and reads it when it runs.
            assert.deepEqual(inputsHolding(resources, CANARIES.FLY_STAGING_API_TOKEN), []);
        });
    });
}

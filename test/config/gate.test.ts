/**
 * The production gate's config-side classes, each from the compliant prod stack with one change and a
 * control case: credential-shaped plain values are never echoed (config errors, `npm run plan` output); a stack-file
 * key without a namespace is named as such, with a fix for the key that exists; one problem repeated by list
 * elements is reported once. Late constraints (class 5) are config errors first: test/components/configFirst.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError } from "../../config";
import { CREDENTIAL_MASK, looksLikeCredential, redactCredentials } from "../../config/credentials";
import { runOperation } from "../../engine";
import { readStackConfig } from "../../engine/stackConfig";
import { renderPolicies, renderSteps } from "../../scripts/render";
import { TEST_TOKEN, runStack } from "../harness/stack";

const TOKEN = "ghp_Pasted1nto2APlain3Key4aBcDeFgH";
const URL_WITH_PASSWORD = "https://deploy:hunter2-cors@app.acme.dev";

/** The config error of prod after `mutate`; fails when the change is accepted. */
async function configErrorOf(mutate: (c: Record<string, any>) => void): Promise<ConfigError> {
    const run = await runStack("prod", { mutate });
    assert.ok(run.configError, "expected a configuration error");
    assert.equal(run.resources.length, 0);
    return run.configError;
}

describe("credential-shaped plain values are never echoed", () => {
    it("a URL with user:password in a plain key: the key and the fix are named, the value is not", async () => {
        const error = await configErrorOf((c) => (c.app.settings.corsOrigins = [URL_WITH_PASSWORD]));
        const issue = error.issues.find((i) => i.key === "app.settings.corsOrigins[0]");
        assert.ok(issue, error.message);
        assert.match(issue.problem, /must be an origin/);
        assert.match(issue.fix, /pulumi config set --stack prod --path 'app\.settings\.corsOrigins\[0\]'/);
        assert.ok(!error.message.includes("hunter2-cors"), error.message);
        assert.ok(error.message.includes(CREDENTIAL_MASK), error.message);
    });

    it("a token pasted into a plain key is not echoed", async () => {
        const error = await configErrorOf((c) => (c.github.owner = TOKEN));
        assert.ok(error.issues.some((i) => i.key === "github.owner"), error.message);
        assert.ok(!error.message.includes(TOKEN) && !JSON.stringify(error.issues).includes(TOKEN), error.message);
    });

    it("control: a wrong value that is no credential is still quoted, so the user sees what was written", async () => {
        const error = await configErrorOf((c) => (c.app.settings.corsOrigins = ["ftp://app.acme.dev"]));
        assert.match(error.message, /received "ftp:\/\/app\.acme\.dev"/);
        assert.ok(!error.message.includes(CREDENTIAL_MASK));
    });

    it("judges the value, not its key: credentials by shape; digests, UUIDs, hosts, paths and identifiers are not", () => {
        for (const value of [URL_WITH_PASSWORD, TOKEN, "sk_live_51HxYzAbCdEf0123", "--password=x1", "PGPASSWORD=abc", "AKIAIOSFODNN7EXAMPLE", "q9Xk2vLr8TzN5wPm0Ys7Hd4Gf6Bc1Va9Ue2Io5R"]) {
            assert.ok(looksLikeCredential(value), value);
        }
        for (const value of [`api@sha256:${"a".repeat(64)}`, "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "https://app.acme.dev", "'app.settings.corsOrigins[0]'", "ApiEnvironmentsProduction2026", "--timeout=30", "postgres://app@db.acme.dev/app"]) {
            assert.ok(!looksLikeCredential(value), value);
        }
        assert.equal(redactCredentials("postgres://app:pw-1@db/app"), `postgres://app:${CREDENTIAL_MASK}@db/app`);
    });

    it("`npm run plan` output: a credential given as a release argument is masked in the steps and the verdict; the rest is shown", async () => {
        const password = "--password=hunter2-plan-output";
        const result = await runOperation({ stack: "prod", operation: "preview", mutate: (c) => (c.app.release.command = ["npm", "run", "migrate", "--", password]), env: { FLY_API_TOKEN: TEST_TOKEN } });
        const printed = `${renderSteps(result.steps)}\n${renderPolicies(result, "0.1.0", "policies")}`;
        assert.ok(result.violations.some((v) => v.policyName === "safe-release-command" && v.enforcementLevel === "mandatory"), printed);
        assert.ok(!printed.includes("hunter2-plan-output"), printed);
        assert.match(printed, /command=.*"migrate".*\[credential-shaped value, not shown\]/);
    });
});

describe("a stack-file key without a namespace", () => {
    const root = mkdtempSync(join(tmpdir(), "gate-keys-"));
    after(() => rmSync(root, { recursive: true, force: true }));
    const write = (text: string) => writeFileSync(join(root, "Pulumi.qa.yaml"), text);

    it("is named as written, with a rename that fixes it, never as `ap:app`", () => {
        write("config:\n  api-environments:environment: production\n  app:\n    name: api\n  region: ams\n");
        assert.throws(
            () => readStackConfig(root, "qa"),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.deepEqual(error.issues.map((i) => i.key), ["app", "region"]);
                assert.match(error.issues[0].problem, /without the project namespace.*api-environments:app/);
                assert.match(error.issues[0].fix, /rename the key app to api-environments:app in Pulumi\.qa\.yaml/);
                assert.match(error.issues[1].fix, /rename the key region to <namespace>:region in Pulumi\.qa\.yaml/);
                assert.ok(!/\bap:app\b|config rm --stack/.test(error.message), error.message);
                return true;
            },
        );
    });

    it("control: the same file with namespaces is read as written", () => {
        write("config:\n  api-environments:environment: production\n  api-environments:app:\n    name: api\n  docker:host: unix:///var/run/docker.sock\n");
        assert.deepEqual(Object.keys(readStackConfig(root, "qa")), ["api-environments:environment", "api-environments:app", "docker:host"]);
    });
});

describe("one problem repeated by list elements is reported once", () => {
    it("three origins without https: one entry naming the elements, one fix line", async () => {
        const error = await configErrorOf((c) => (c.app.settings.corsOrigins = ["ftp://a.acme.dev", "https://b.acme.dev", "ftp://c.acme.dev", "ftp://d.acme.dev"]));
        assert.equal(error.issues.length, 3, "every element stays an issue of its own for programs");
        assert.equal(error.message.match(/must be an origin/g)?.length, 1, error.message);
        assert.match(error.message, /app\.settings\.corsOrigins\[0, 2, 3\]: must be an origin.*\(3 elements\); received \[0\] "ftp:\/\/a\.acme\.dev", \[2\] "ftp:\/\/c\.acme\.dev", \[3\] "ftp:\/\/d\.acme\.dev"/);
        assert.equal(error.message.match(/fix:/g)?.length, 1, error.message);
        assert.match(error.message, /fix: .*'app\.settings\.corsOrigins\[<i>\]'.*\(for each <i> of 0, 2, 3\)/);
        assert.match(error.message, /\(1 problem\); nothing was created/);
    });

    it("control: a single bad element keeps its own key and fix", async () => {
        const error = await configErrorOf((c) => (c.app.settings.corsOrigins = ["https://b.acme.dev", "ftp://c.acme.dev"]));
        assert.match(error.message, /- app\.settings\.corsOrigins\[1\]: must be an origin/);
        assert.match(error.message, /fix: .*'app\.settings\.corsOrigins\[1\]'/);
        assert.ok(!error.message.includes("<i>"));
    });
});

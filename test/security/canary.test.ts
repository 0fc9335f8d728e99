/**
 * The canary suite: a distinct known value for every secret source (config secrets, generated secrets, provider
 * credentials in the environment, the secrets passphrase), searched for in everything meant to be public: the output
 * of `npm run plan` and `npm run envdiff`, config errors, policy messages, stack outputs, plain inputs and recorded
 * state. Any hit fails.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { envdiff } from "../../scripts/envdiff";
import { engineConfig, readStackFile, ROOT, runStack, StackRun } from "../harness/stack";
import { judgeRun } from "../policies/analyzerVerdict";
import { TYPES } from "../harness/types";
import { Canary, canaryValue, describeLeaks, findLeaks, Leak, publicView, stateSecretPaths } from "./canary";

/** Asserted apart: the github.Provider once took it from the environment as a plain input. */
const GITHUB_TOKEN_SOURCE = "env GITHUB_TOKEN";

const canary = (source: string): Canary => ({ source, value: canaryValue(source) });

/** Provider credentials and the passphrase, as the deployer's environment holds them. */
const ENV_CANARIES = {
    FLY_API_TOKEN: canary("env FLY_API_TOKEN"),
    GITHUB_TOKEN: canary(GITHUB_TOKEN_SOURCE),
    SENTRY_AUTH_TOKEN: canary("env SENTRY_AUTH_TOKEN"),
    PULUMI_CONFIG_PASSPHRASE: canary("env PULUMI_CONFIG_PASSPHRASE"),
};
const env = Object.fromEntries(Object.entries(ENV_CANARIES).map(([name, c]) => [name, c.value]));

/** Config secrets: the supplied JWT secret, an app secret (secrets.extra), a workflow secret (github.secrets). */
const CONFIG_CANARIES = {
    JWT_SECRET: canary("config JWT_SECRET"),
    STRIPE_API_KEY: canary("config STRIPE_API_KEY (secrets.extra)"),
    SLACK_WEBHOOK_URL: canary("config SLACK_WEBHOOK_URL (github.secrets)"),
};
const secretsOf = (names: readonly (keyof typeof CONFIG_CANARIES)[]) => Object.fromEntries(names.map((n) => [n, CONFIG_CANARIES[n].value]));

const listSecrets = (github: boolean) => (c: Record<string, any>) => {
    c.secrets = { ...c.secrets, extra: ["STRIPE_API_KEY"] };
    if (github) c.github.secrets = ["SLACK_WEBHOOK_URL"];
};

/** Secrets the program generates, read from the recorded state at the paths the engine keeps secret. */
function generatedCanaries(run: StackRun): Canary[] {
    const generators = new Set<string>([TYPES.password, TYPES.flyUser, TYPES.sentryKey]);
    return run.resources
        .filter((r) => generators.has(r.type))
        .flatMap((r) =>
            stateSecretPaths(r)
                .filter((key) => typeof r.state[key] === "string" && r.state[key].length >= 8)
                .map((key) => ({ source: `generated ${r.name}.${key}`, value: r.state[key] as string })),
        );
}

/** What the harness decrypts each `secure:` value of a stack file to, as canaries (plain values beside them are not). */
function decryptedCanaries(config: Record<string, any>): Canary[] {
    const { values, secretKeys } = engineConfig(config);
    const isSecure = (node: unknown) => node !== null && typeof node === "object" && Object.keys(node).length === 1 && "secure" in node;
    const decryptedAt = (original: unknown, decrypted: unknown, key: string): Canary[] => {
        if (isSecure(original)) return [{ source: `secure value in ${key}`, value: String(decrypted) }];
        if (original === null || typeof original !== "object") return [];
        return Object.entries(original).flatMap(([k, v]) => decryptedAt(v, (decrypted as Record<string, unknown>)[k], key));
    };
    return Object.entries(config).flatMap(([key, original]) => {
        const fullKey = key.startsWith(":") ? key.slice(1) : `api-environments:${key}`;
        if (!secretKeys.includes(fullKey)) return [];
        const raw = values[fullKey];
        return decryptedAt(original, /^\s*[[{]/.test(raw) ? JSON.parse(raw) : raw, fullKey);
    });
}

interface Scenario {
    readonly name: string;
    readonly run: () => Promise<StackRun>;
    /** The run is a preview's (and is judged as one). */
    readonly preview?: boolean;
}

const scenarios: Scenario[] = [
    { name: "prod, JWT secret supplied", run: () => runStack("prod", { mutate: listSecrets(true), secrets: secretsOf(["JWT_SECRET", "STRIPE_API_KEY", "SLACK_WEBHOOK_URL"]), env }) },
    { name: "prod, JWT secret generated", run: () => runStack("prod", { mutate: listSecrets(true), secrets: secretsOf(["STRIPE_API_KEY", "SLACK_WEBHOOK_URL"]), env }) },
    { name: "prod preview", preview: true, run: () => runStack("prod", { mutate: listSecrets(true), secrets: secretsOf(["STRIPE_API_KEY", "SLACK_WEBHOOK_URL"]), env, preview: true }) },
    { name: "staging, JWT secret generated", run: () => runStack("staging", { mutate: listSecrets(true), secrets: secretsOf(["STRIPE_API_KEY", "SLACK_WEBHOOK_URL"]), env }) },
    { name: "dev, JWT secret supplied", run: () => runStack("dev", { mutate: listSecrets(false), secrets: secretsOf(["JWT_SECRET", "STRIPE_API_KEY"]), env }) },
];

const ALL_FIXED = [...Object.values(ENV_CANARIES), ...Object.values(CONFIG_CANARIES)];
const isGithubToken = (leak: Leak) => leak.source === GITHUB_TOKEN_SOURCE;

/** Asserts no leak other than the GitHub token's (asserted on its own); returns that one's leaks. */
function assertNoLeaks(leaks: readonly Leak[], what: string): Leak[] {
    const others = leaks.filter((leak) => !isGithubToken(leak));
    assert.equal(others.length, 0, `secrets leaked into ${what}:\n${describeLeaks(others)}`);
    return leaks.filter(isGithubToken);
}

function spawnScript(script: string, args: string[]) {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", script), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...env, NO_COLOR: "1" },
    });
    return { code: result.status, text: `${result.stdout}\n${result.stderr}` };
}

describe("canaries: no secret in plaintext", () => {
    const runs = new Map<string, StackRun>();
    const githubTokenLeaks: Leak[] = [];
    before(async () => {
        for (const scenario of scenarios) runs.set(scenario.name, await scenario.run());
    });

    it("has a distinct canary for every secret source, and the runs use them", () => {
        const values = ALL_FIXED.map((c) => c.value);
        assert.equal(new Set(values).size, values.length);
        for (const [name, run] of runs) {
            assert.equal(run.configError, undefined, `${name}: ${run.configError?.message}`);
            assert.ok(run.resources.length > 0, name);
        }
        const prod = runs.get("prod, JWT secret generated")!;
        const generated = generatedCanaries(prod);
        assert.ok(generated.some((c) => c.source.includes("result")), `a generated JWT secret is among ${generated.map((c) => c.source).join(", ")}`);
        assert.ok(generated.some((c) => c.source.includes("password")), "a generated database password is among the canaries");
        // The canaries must reach the program, or finding none proves nothing.
        const secretInputs = prod.resources.filter((r) => r.secretPaths.length > 0).map((r) => JSON.stringify(r.inputs));
        assert.ok(secretInputs.some((text) => text.includes(CONFIG_CANARIES.STRIPE_API_KEY.value)), "the app secret reaches a secret input");
        assert.ok(secretInputs.some((text) => text.includes(CONFIG_CANARIES.SLACK_WEBHOOK_URL.value)), "the workflow secret reaches a secret input");
    });

    for (const scenario of scenarios) {
        it(`${scenario.name}: plain inputs, recorded state and stack outputs hold no secret`, () => {
            const run = runs.get(scenario.name)!;
            const canaries = [...ALL_FIXED, ...generatedCanaries(run)];
            githubTokenLeaks.push(...assertNoLeaks(findLeaks(publicView(run), canaries, scenario.name), `${scenario.name}'s public view`));
        });

        it(`${scenario.name}: policy messages hold no secret (the real analyzer's)`, async () => {
            const run = runs.get(scenario.name)!;
            const { violations } = await judgeRun(run, { preview: scenario.preview });
            githubTokenLeaks.push(...assertNoLeaks(findLeaks(violations, [...ALL_FIXED, ...generatedCanaries(run)], "violations"), "policy messages"));
        });
    }

    it("config errors of a stack holding secrets hold no secret", async () => {
        const config = readStackFile("prod");
        const secure = (text: string) => ({ secure: `v1:${Buffer.from(text).toString("base64")}` });
        const mutate = (c: Record<string, any>) => {
            listSecrets(true)(c);
            c.app.machines.count = 0;
            c.fly.org = secure("org");
            c.secrets.extra.push(secure("extra-name"));
            c.github.secrets.push(secure("github-name"));
            c.sentry.organization = secure("sentry-org");
            c.STRAY_TOKEN = secure("stray");
        };
        mutate(config);
        const canaries = [...ALL_FIXED, ...decryptedCanaries(config)];
        // One canary per secure value the change wrote (the stack file itself holds none).
        const sources = canaries.slice(ALL_FIXED.length).map((c) => c.source).sort();
        assert.deepEqual(sources, ["fly", "github", "secrets", "sentry", "STRAY_TOKEN"].map((key) => `secure value in api-environments:${key}`).sort(), "every secure value has a canary");
        const run = await runStack("prod", { mutate, secrets: { ...secretsOf(["JWT_SECRET", "STRIPE_API_KEY", "SLACK_WEBHOOK_URL"]), JWT_SECRET: CONFIG_CANARIES.JWT_SECRET.value.slice(0, 20) }, env });
        assert.ok(run.configError, "the stack is invalid");
        assert.equal(run.resources.length, 0);
        // Each bad value is reported, so its message is among those searched below.
        const keys = run.configError.issues.map((i) => i.key);
        for (const key of ["app.machines.count", "fly.org", "secrets.extra[1]", "github.secrets[1]", "sentry.organization"]) assert.ok(keys.includes(key), `${key} is reported:\n${run.configError.message}`);
        const shortJwt = { source: "config JWT_SECRET (short)", value: CONFIG_CANARIES.JWT_SECRET.value.slice(0, 20) };
        assertNoLeaks(findLeaks({ message: run.configError.message, issues: run.configError.issues }, [...canaries, shortJwt], "configError"), "the config error");
        assert.match(run.configError.message, /\[secret\]/, "masked values are shown as [secret]");
    });

    it("npm run envdiff output holds no secret: valid stacks with secure values, and an invalid one", () => {
        const prod = { ...readStackFile("prod"), secrets: { extra: ["STRIPE_API_KEY"] }, STRIPE_API_KEY: { secure: "v1:c3RyaXBl" }, JWT_SECRET: { secure: "v1:and0" } };
        const broken = { ...readStackFile("staging"), fly: { org: { secure: "v1:b3Jn" } }, secrets: { extra: [{ secure: "v1:bmFtZQ==" }] } };
        const configs: Record<string, Record<string, unknown>> = { prod, broken };
        const canaries = [...ALL_FIXED, ...decryptedCanaries(prod), ...decryptedCanaries(broken)];
        const text = envdiff(["prod", "broken"], false, (stack) => configs[stack]);
        assert.match(text, /Invalid configuration for stack "broken"/, "the invalid stack's error is printed");
        assertNoLeaks(findLeaks(text, canaries), "envdiff output");
        // The shipped stacks by name: other test files write short-lived Pulumi.<stack>.yaml files into the project while
        // this runs, and a listing could catch one as it is removed.
        const child = spawnScript("envdiff.ts", ["dev", "staging", "prod"]);
        assert.equal(child.code, 0, child.text);
        assertNoLeaks(findLeaks(child.text, ALL_FIXED), "npm run envdiff output");
    });

    it("npm run plan output holds no secret (credentials and passphrase in its environment)", () => {
        const { code, text } = spawnScript("plan.ts", ["prod"]);
        assert.match(text, /Previewing update \(prod\)/, text.slice(0, 2000));
        assert.ok(code === 0 || code === 1, text.slice(-2000));
        githubTokenLeaks.push(...assertNoLeaks(findLeaks(text, ALL_FIXED, "npm run plan -- prod"), "npm run plan output"));
    });

    it("GITHUB_TOKEN from the environment appears nowhere", () => {
        assert.equal(githubTokenLeaks.length, 0, `GITHUB_TOKEN leaked:\n${describeLeaks(githubTokenLeaks)}`);
    });
});

/**
 * Canaries through the offline engine, the way `pulumi up` really runs: the program in Pulumi's program entry, the
 * Fly providers in the dynamic-provider host, the policy pack in its analyzer, state written to a file. A distinct
 * known value stands in for every secret source (config secrets, provider credentials in the environment, the
 * passphrase), and every secret the run generates (the JWT, the database password, the DSN) is read back from the
 * state as one more. None may appear in the state file on disk, in any non-secret input or output, in the stack
 * outputs, in a diagnostic, a policy message or what the program printed.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type OperationResult, ROOT, type StackState } from "../../engine";
import { isSecret, type Wire } from "../../engine/rpc";
import { nameOf } from "../../engine/urn";
import { startEmulator, type Emulator } from "../fly/emulator";
import { flyEnv, StackUnderTest } from "../engine/support";
import { type Canary, canaryValue, describeLeaks, findLeaks } from "./canary";

const canary = (source: string, prefix = ""): Canary => ({ source, value: `${prefix}${canaryValue(source)}` });

const FIXED = {
    // Shaped as Fly's emulator requires (a macaroon under FlyV1), so the run really authenticates with it.
    FLY_API_TOKEN: canary("env FLY_API_TOKEN", "FlyV1 fm2_"),
    GITHUB_TOKEN: canary("env GITHUB_TOKEN", "ghp_"),
    SENTRY_AUTH_TOKEN: canary("env SENTRY_AUTH_TOKEN", "sntrys_"),
    PASSPHRASE: canary("the secrets passphrase"),
    JWT_SECRET: canary("config JWT_SECRET"),
    STRIPE_API_KEY: canary("config STRIPE_API_KEY (secrets.extra)"),
    SLACK_WEBHOOK_URL: canary("config SLACK_WEBHOOK_URL (github.secrets)"),
};

/** Every string inside a secret of the state: what the run generated or was given as a secret. */
function secretsIn(state: StackState): Canary[] {
    const found: Canary[] = [];
    const walk = (node: Wire, at: string, inside: boolean) => {
        if (isSecret(node)) return walk(node.value, at, true);
        if (typeof node === "string" && inside && node.length >= 12) found.push({ source: `secret at ${at}`, value: node });
        else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}[${i}]`, inside));
        else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, `${at}.${k}`, inside);
    };
    for (const resource of state.resources) {
        walk(resource.inputs, `${resource.urn} inputs`, false);
        walk(resource.outputs, `${resource.urn} outputs`, false);
    }
    return found;
}

/** A value with every secret removed: what the CLI would print or keep in plaintext. */
function publicPart(node: Wire): Wire {
    if (isSecret(node)) return undefined;
    if (Array.isArray(node)) return node.map(publicPart);
    if (node !== null && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, publicPart(v)]));
    return node;
}

/** Everything of a result meant to be public. */
function printed(result: OperationResult): unknown {
    return {
        steps: result.steps.map((s) => ({ urn: s.urn, inputs: publicPart(s.inputs), outputs: publicPart(s.outputs) })),
        outputs: publicPart(result.outputs),
        // Debug-level diagnostics are shown only under `--debug`/`-v`; they are checked apart below.
        diagnostics: result.diagnostics.filter((d) => d.severity !== "debug").map((d) => d.message),
        violations: result.violations.map((v) => v.message),
        error: result.error ?? "",
        program: `${result.program?.stdout ?? ""}\n${result.program?.stderr ?? ""}`,
    };
}

describe("canaries through the offline engine: prod preview and up", { concurrency: false }, () => {
    let fly: Emulator;
    let stack: StackUnderTest;
    const results: OperationResult[] = [];
    const fixed = Object.values(FIXED);

    before(async () => {
        fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, postgresReadyDelayMs: 30, tokens: [FIXED.FLY_API_TOKEN.value], oneOffExits: [{ command: "npm run migrate", exitCode: 0 }] });
        stack = new StackUnderTest("prod", () => ({
            ...flyEnv(fly),
            FLY_API_TOKEN: FIXED.FLY_API_TOKEN.value,
            GITHUB_TOKEN: FIXED.GITHUB_TOKEN.value,
            SENTRY_AUTH_TOKEN: FIXED.SENTRY_AUTH_TOKEN.value,
        }));
        const options = {
            passphrase: FIXED.PASSPHRASE.value,
            secrets: { JWT_SECRET: FIXED.JWT_SECRET.value, STRIPE_API_KEY: FIXED.STRIPE_API_KEY.value, SLACK_WEBHOOK_URL: FIXED.SLACK_WEBHOOK_URL.value },
            mutate: (config: Record<string, any>) => {
                config.secrets = { ...config.secrets, extra: ["STRIPE_API_KEY"] };
                config.github.secrets = ["SLACK_WEBHOOK_URL"];
                // The promoted image runs from prod's own organization: a copy from staging's needs a registry
                // (test/fly/imageCopy.test.ts runs one and checks its credentials).
                delete config.promotion.sourceOrg;
            },
        };
        results.push(await stack.run("preview", options));
        results.push(await stack.run("up", options));
    });
    after(async () => {
        stack.dispose();
        await fly.close();
    });

    it("runs, and the state holds the supplied and generated secrets (so the search below means something)", () => {
        for (const result of results) assert.ok(result.ok, result.error);
        const secrets = secretsIn(results[1].state).map((c) => c.value);
        assert.ok(secrets.includes(FIXED.JWT_SECRET.value), "the supplied JWT secret is kept, as a secret");
        // What Fly generated (the database user's password) and what the program built of it are kept as secrets too.
        const user = results[1].state.resources.find((r) => nameOf(r.urn) === "database-user");
        assert.ok(user && isSecret(user.outputs.password) && secrets.includes(user.outputs.password.value), "the database user's generated password is a secret in the state");
        const appSecrets = results[1].state.resources.find((r) => nameOf(r.urn) === "app-secrets");
        const databaseUrl = appSecrets?.inputs.values?.DATABASE_URL;
        assert.ok(isSecret(databaseUrl) && secrets.includes(databaseUrl.value) && databaseUrl.value.includes(encodeURIComponent(user.outputs.password.value)), "DATABASE_URL, built of it, is a secret too");
        assert.ok(fly.requests.length > 0, "the up reached Fly with the canary token");
    });

    it("the state file on disk holds no secret in any form", () => {
        const text = readFileSync(stack.stateFile, "utf8");
        const leaks = findLeaks(text, [...fixed, ...secretsIn(results[1].state)], "state file");
        assert.equal(leaks.length, 0, describeLeaks(leaks));
    });

    it("no non-secret input or output, stack output, diagnostic, policy message or program output holds a secret", () => {
        const canaries = [...fixed, ...secretsIn(results[1].state)];
        for (const result of results) {
            const leaks = findLeaks(printed(result), canaries, result.operation);
            assert.equal(leaks.length, 0, describeLeaks(leaks));
        }
    });

    it("the Fly emulator's record of requests holds no credential (Authorization is never recorded)", () => {
        // The emulator accepts only the canary token: every request carried it, so the search below means something.
        assert.ok(fly.requests.length > 0 && fly.requests.every((r) => r.status !== 401), "every request was authorized with the canary token");
        const leaks = findLeaks(fly.requests.map((r) => ({ path: r.path, query: r.query, headers: r.headers })), [FIXED.FLY_API_TOKEN], "Fly requests");
        assert.equal(leaks.length, 0, describeLeaks(leaks));
    });

    it("keeps debug logs off wherever Pulumi runs, because the SDK's debug lines carry resolved secrets", () => {
        // @pulumi/pulumi logs each RegisterResource answer at debug level, secret values included; the CLI prints
        // those only under --debug or -v, so neither the stack commands nor any workflow may turn them on.
        const debugLeaks = results.flatMap((r) => r.diagnostics.filter((d) => d.severity === "debug" && findLeaks(d.message, fixed).length > 0));
        assert.ok(debugLeaks.length > 0, "the SDK still logs secrets at debug level; if it stopped, this guard may go");
        const files = [...readdirSync(join(ROOT, "delivery", "cli")).filter((f) => f.endsWith(".ts")).map((f) => join(ROOT, "delivery", "cli", f)), ...readdirSync(join(ROOT, ".github", "workflows")).map((f) => join(ROOT, ".github", "workflows", f))];
        for (const file of files) {
            const text = readFileSync(file, "utf8");
            assert.doesNotMatch(text, /pulumi\b[^\n]*(--debug|--verbose|\s-v(=|\s)\d|--logtostderr)|PULUMI_DEBUG_GRPC|TF_LOG=/, `${file} turns on debug logs`);
        }
    });
});

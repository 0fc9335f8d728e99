/**
 * The whole pack over the real stacks, through judge.ts: prod passes every rule; each production mistake of
 * mutations.ts, one change to prod's config, is blocked by its rule (mandatory); the same change on staging is
 * advisory only; every legitimate variation passes prod with no violation at all.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnforcementError } from "../../policies/enforcement";
import { rules } from "../../policies/rules";
import { assertNoSecretIn } from "./fixtures";
import { judge, JudgedViolation } from "./judge";
import { MISTAKES, MistakeClass, VARIATIONS } from "./mutations";

const describeViolations = (violations: readonly JudgedViolation[]) => violations.map((v) => `${v.level} ${v.policy}: ${v.message}`).join("\n");

<<<<<<< HEAD
/** A change to a stack: to its config file, its secret config values, or (for what config cannot express) to what the program registered. */
interface Mutation {
    readonly what: string;
    readonly rule: string;
    readonly config?: (config: Record<string, any>) => void;
    readonly secrets?: Readonly<Record<string, string>>;
    /** Edits the registered resources, for a fault no config value can produce (a program bug the pack must catch). */
    readonly resources?: (resources: PolicyInput[]) => void;
    /** Values that must never show up in a message. */
    readonly secretValues?: readonly string[];
}

const PLACEHOLDER_JWT = `change-me-please-${"0123456789abcdef".repeat(3)}`;
const SQLITE_URL = "sqlite:////data/app.db?key=sqlite-hunter2";
/** Applies a program fault to a resource's inputs and outputs alike (resource rules read one, stack rules the other). */
const inBoth = (resource: PolicyInput, edit: (props: any) => void) => [resource.props, resource.outputs].forEach((props) => props && edit(props));
const editMachineEnv = (resources: PolicyInput[], edit: (env: Record<string, string>) => void) => inBoth(resources.find((r) => r.type === MACHINES)!, (p) => edit(p.config.env));

const mutations: Mutation[] = [
    { what: "DEBUG on", rule: "no-debug-in-production", config: (c) => (c.app.settings.debug = true) },
    { what: "16-character generated JWT secret", rule: "strong-jwt-secret", config: (c) => (c.secrets.jwtLength = 16) },
    { what: "placeholder JWT secret supplied", rule: "strong-jwt-secret", secrets: { JWT_SECRET: PLACEHOLDER_JWT }, secretValues: [PLACEHOLDER_JWT] },
    { what: "wildcard CORS", rule: "strict-cors-and-hosts", config: (c) => (c.app.settings.corsOrigins = ["*"]) },
    { what: "http:// CORS origin", rule: "strict-cors-and-hosts", config: (c) => (c.app.settings.corsOrigins = ["http://app.acme.dev"]) },
    { what: "wildcard allowed host", rule: "strict-cors-and-hosts", config: (c) => (c.app.settings.allowedHosts = ["*"]) },
    { what: "LOG_LEVEL DEBUG", rule: "production-log-level", config: (c) => (c.app.settings.logLevel = "DEBUG") },
    {
        what: "one machine",
        rule: "high-availability",
        config: (c) => {
            c.app.regions = ["ams"];
            c.app.machines.count = 1;
            c.app.minRunning = 1;
        },
    },
    {
        what: "every machine may stop when idle",
        rule: "high-availability",
        config: (c) => {
            c.app.autostop = "stop";
            c.app.minRunning = 0;
        },
    },
    { what: "unprotected database", rule: "data-protection", config: (c) => (c.database.protect = false) },
    { what: "database not retained on delete", rule: "data-protection", config: (c) => (c.database.retainOnDelete = false) },
    { what: "unpinned prebuilt image", rule: "image-pinned-by-digest", config: (c) => (c.app.image = { ref: "registry.fly.io/api:latest" }) },
    { what: "no reviewers", rule: "protected-deploy-environment", config: (c) => (c.github.reviewers = { users: [], teams: [] }) },
    { what: "self-review allowed", rule: "protected-deploy-environment", config: (c) => (c.github.preventSelfReview = false) },
    { what: "admins can bypass", rule: "protected-deploy-environment", config: (c) => (c.github.adminsCanBypass = true) },
    { what: "pull-request preview environment without reviewers", rule: "protected-deploy-environment", config: (c) => (c.github.readEnvironments[0].reviewers = { users: [], teams: [] }) },
    { what: "read environment of the gate admits every branch, unreviewed", rule: "protected-deploy-environment", config: (c) => (c.github.readEnvironments.at(-1).branches = []) },
    { what: "deploy branch unprotected", rule: "protected-deploy-branch", config: (c) => (c.github.protection.enabled = false) },
    { what: "traces sample rate 0.5", rule: "sentry-in-production", config: (c) => (c.sentry.tracesSampleRate = 0.5) },
    { what: "no Sentry", rule: "production-stack-complete", config: (c) => delete c.sentry },
    { what: "no GitHub environment", rule: "production-stack-complete", config: (c) => delete c.github },
    { what: "SQLite DATABASE_URL (program fault)", rule: "no-sqlite-in-production", resources: (r) => editMachineEnv(r, (env) => (env.DATABASE_URL = SQLITE_URL)), secretValues: [SQLITE_URL, "sqlite-hunter2"] },
    { what: "secret in plain env (program fault)", rule: "no-secret-in-plain-env", resources: (r) => editMachineEnv(r, (env) => (env.STRIPE_API_KEY = "sk_live_plainenvleak")), secretValues: ["sk_live_plainenvleak"] },
    {
        what: "Fly secrets no longer carry the DSN (program fault)",
        rule: "sentry-in-production",
        resources: (r) =>
            inBoth(r.find((x) => x.type === SECRETS)!, (p) => {
                delete (p.values.value ?? p.values).SENTRY_DSN;
            }),
    },
];

async function verdict(stack: string, mutation?: Mutation): Promise<Violation[]> {
    const run = await runStack(stack, { mutate: mutation?.config, secrets: mutation?.secrets });
    assert.equal(run.configError, undefined, run.configError?.message);
    const resources = run.resources.map(fromRegistered);
    mutation?.resources?.(resources);
    return evaluate(resources, { config: readEnforcement(stack).config });
}

/**
 * Until components/environment.ts lands, the program is a placeholder that registers nothing; these tests then
 * report themselves skipped (visibly, with this reason) instead of failing the whole suite. The check is exact, so a
 * real program that registers nothing still fails. Remove once the components are in.
 */
const PLACEHOLDER = "components have not landed: the program registers no resources yet";
let placeholder: Promise<boolean> | undefined;
async function programIsPlaceholder(): Promise<boolean> {
    placeholder ??= runStack("prod").then((run) => !run.resources.some((r) => r.custom) && JSON.stringify(Object.keys(run.outputs)) === '["environment"]');
    return placeholder;
}

const describeViolations = (violations: readonly Violation[]) => violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.name ?? ""}: ${v.message}`).join("\n");
=======
/** The classes issue 11 found passing the prod gate; each must have a mistake in the table. */
const ISSUE_11_CLASSES: readonly MistakeClass[] = ["deploy safety and availability", "origins and hosts", "GitHub protection", "production identity", "secrets and database URLs", "supplied JWT secret"];
>>>>>>> policy-gate

describe("the pack over the real stacks", () => {
    it("prod passes every rule", async () => {
        const { violations } = await judge("prod");
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    it("prod judged as a preview passes every rule too (no rule skips itself or fails on a generated value)", async () => {
        const { violations } = await judge("prod", { preview: true });
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    it("staging has only advisory violations", async () => {
        const { violations } = await judge("staging");
        assert.ok(violations.every((v) => v.level === "advisory"), describeViolations(violations));
    });

    it("dev has no mandatory violation", async () => {
        const { violations } = await judge("dev");
        assert.ok(violations.every((v) => v.level !== "mandatory"), describeViolations(violations));
    });

    it("every class of mistake has a mutation, and every rule added for issue 11 blocks one", () => {
        for (const name of ISSUE_11_CLASSES) assert.ok(MISTAKES.some((m) => m.class === name), `no mutation of class "${name}"`);
        for (const rule of ["safe-rollout", "proxy-concurrency-limits", "production-hosts-only", "postgres-only-database", "production-identity"]) {
            assert.ok(rules.some((r) => r.name === rule), `${rule} is not in the pack`);
            assert.ok(MISTAKES.some((m) => m.rule === rule), `no mutation exercises ${rule}`);
        }
    });

    it("a mistyped enforcement level fails the judgement with an error naming the file, not a silent advisory run", async () => {
        await assert.rejects(judge("prod", { enforcement: { all: "Mandatory" } }), (error: unknown) => {
            assert.ok(error instanceof EnforcementError);
            assert.match(error.message, /^policies\/prod\.json is not a valid enforcement file/);
            assert.match(error.message, /"all" has enforcement level "Mandatory".*"advisory", "mandatory", "remediate", "disabled"/);
            return true;
        });
    });
});

describe("production mistakes, one change each", () => {
    for (const mistake of MISTAKES) {
        it(`prod, ${mistake.what}: ${mistake.rule} blocks it (mandatory)`, async () => {
            const { violations } = await judge("prod", { mutate: mistake.config, secrets: mistake.secrets });
            const fired = violations.filter((v) => v.policy === mistake.rule);
            assert.ok(fired.length > 0, `expected ${mistake.rule}; got:\n${describeViolations(violations)}`);
            assert.ok(fired.every((v) => v.level === "mandatory"), describeViolations(fired));
            assertNoSecretIn(violations, mistake.secretValues);
        });

        it(`staging, ${mistake.what}: ${mistake.rule} is advisory only`, async (t) => {
            const judged = await judge("staging", { mutate: mistake.config, secrets: mistake.secrets }).catch((error: Error) => error);
            if (judged instanceof Error) {
                // Staging's smaller shape can make the same change invalid config (maxUnavailable 2 of 1 machine): refused even earlier.
                assert.match(judged.message, /changed configuration is invalid/);
                return t.diagnostic(`refused by the config schema on staging: ${judged.message.split("\n")[2] ?? ""}`);
            }
            const { violations } = judged;
            assert.ok(violations.some((v) => v.policy === mistake.rule), `expected ${mistake.rule}; got:\n${describeViolations(violations)}`);
            assert.ok(violations.every((v) => v.level === "advisory"), describeViolations(violations));
            assertNoSecretIn(violations, mistake.secretValues);
        });
    }
});

describe("legitimate variations of prod pass", () => {
    for (const variation of VARIATIONS) {
        it(variation.what, async () => {
            const { violations } = await judge("prod", { mutate: variation.config, secrets: variation.secrets });
            assert.deepEqual(violations, [], describeViolations(violations));
        });
    }
});

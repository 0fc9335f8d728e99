/** `npm run plan` and `npm run envdiff` as a newcomer runs them. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, it } from "node:test";
import { effectiveConfig, envdiff } from "../../scripts/envdiff";
import { MASK } from "../../scripts/render";
import { readStackFile, ROOT } from "../harness/stack";

/**
 * The project the plans run in: a copy of this one (its sources copied, its installed packages linked), so the
 * throwaway stack files below never appear in the real project, whose stack files other test files list meanwhile.
 */
// Named by pid, not mkdtemp's mixed-case suffix, which the plan's credential masking would take for a secret in a path.
const PROJECT = join(tmpdir(), `plan-project-${process.pid}`);
rmSync(PROJECT, { recursive: true, force: true });
cpSync(ROOT, PROJECT, { recursive: true, filter: (source) => ![".git", ".ci", ".pulumi-state", "node_modules"].includes(basename(source)) });
for (const dir of [".", "policies", "examples/api"]) {
    if (existsSync(join(ROOT, dir, "node_modules"))) symlinkSync(join(ROOT, dir, "node_modules"), join(PROJECT, dir, "node_modules"));
}
after(() => rmSync(PROJECT, { recursive: true, force: true }));

/** A plan as a newcomer runs it: no credentials in the environment unless a test passes some. */
function plan(stack: string, env: Record<string, string> = {}) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(FLY_|GITHUB_TOKEN|SENTRY_AUTH_TOKEN|PULUMI_ACCESS_TOKEN)/.test(k)));
    const result = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT, "scripts", "plan.ts"), stack], { cwd: PROJECT, encoding: "utf8", env: { ...clean, NO_COLOR: "1", ...env } });
    return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A throwaway stack: prod's file with `edit` applied and, unless told not to, prod's enforcement file. */
let stacks = 0;
function withStack<T>(edit: (text: string) => string, body: (stack: string) => T, enforcement = true): T {
    const stack = `plan-test-${process.pid}-${++stacks}`;
    const file = join(PROJECT, `Pulumi.${stack}.yaml`);
    const policy = join(PROJECT, "policies", `${stack}.json`);
    writeFileSync(file, edit(readFileSync(join(PROJECT, "Pulumi.prod.yaml"), "utf8")));
    if (enforcement) writeFileSync(policy, readFileSync(join(PROJECT, "policies", "prod.json")));
    try {
        return body(stack);
    } finally {
        rmSync(file, { force: true });
        rmSync(policy, { force: true });
    }
}

describe("npm run plan", { concurrency: true }, () => {
    it("previews prod through the real runtimes: unknowns printed as unknown, stand-ins marked, the analyzer's verdict", () => {
        const canary = "FlyV1 canary-token-that-must-never-be-used-8d1f";
        const { code, out, err } = plan("prod", { FLY_API_TOKEN: canary, GITHUB_TOKEN: "ghp_canaryTokenNeverUsed0123456789abcdef" });
        assert.equal(code, 0, `${out}\n${err}`);
        assert.match(out, /^Previewing update \(prod\), offline/m);
        assert.match(out, /^ \+ +pulumi:pulumi:Stack +api-environments-prod +create$/m);
        assert.match(out, /^ {4}imageRef: \(unknown until apply\)$/m, "the machines' digest is theirs to report");
        assert.match(out, /^ {4}databaseHost: \(unknown until apply\)$/m);
        // Prod builds nothing: the only digest printed is the promoted one, with its soak verdict.
        const promoted = "sha256:5d1a0e8c3b7f46a2c9e1d0b4f8a6c2e7d3b9a1f0e5c8d2b6a4f7e1c3d9b0a5e2";
        assert.deepEqual([...new Set(out.match(/sha256:[a-f0-9]{64}/g))], [promoted], "no invented digest");
        assert.match(out, /^Release:\n {4}promoted from staging: registry\.fly\.io\/api-staging@sha256:5d1a\S+\n.*healthy on staging since 2026-11-30T09:00:00Z\n.*copied by digest from organization acme-staging with FLY_STAGING_API_TOKEN\n {4}soak: passed/m);
        // Every plugin-backed resource is marked; no Fly (dynamic) resource is.
        const rows = out.split("\n").filter((line) => /^ [+~-]/.test(line));
        for (const row of rows.filter((r) => / (docker|random|time|github|sentry):/.test(r))) assert.match(row, /stand-in/, row);
        for (const row of rows.filter((r) => /dynamic\/fly:/.test(r))) assert.doesNotMatch(row, /stand-in/, row);
        // The Secrets resource's names stay known at preview; each value is its own secret, masked as the CLI masks it.
        assert.match(out, /values=\{"DATABASE_URL":"\[secret\]","JWT_SECRET":"\[secret\]","SENTRY_DSN":"\[secret\]"\}/);
        assert.match(out, /^Policies:\n {4}✅ api-environments-policies@v0\.1\.0 \(local: policies\)$/m);
        assert.ok(!out.includes(canary) && !err.includes(canary) && !out.includes("ghp_canary"), "no credential is read into the plan");
    });

    it("fails with the analyzer's mandatory violation, worded as the CLI words it", () => {
        withStack(
            (text) => text.replace("debug: false", "debug: true"),
            (stack) => {
                const { code, out, err } = plan(stack);
                assert.equal(code, 1, out);
                assert.match(out, /❌ api-environments-policies@v0\.1\.0 \(local: policies\)/);
                assert.match(out, /- \[mandatory\] {2}no-debug-in-production {2}\(pulumi-nodejs:dynamic\/fly:MachineGroup: app-machines\)/);
                assert.match(err, new RegExp(`preview of ${stack} failed: 1 mandatory policy violation \\(policies/${stack}\\.json\\); pulumi up would be blocked`));
            },
        );
    });

    it("shows a promotion that has not soaked as blocked by promotion-soak, and fails", () => {
        const justNow = new Date(Date.now() - 2 * 3_600_000).toISOString();
        withStack(
            (text) => text.replace('healthyAt: "2026-11-30T09:00:00Z"', `healthyAt: "${justNow}"`),
            (stack) => {
                const { code, out, err } = plan(stack);
                assert.equal(code, 1, out);
                assert.match(out, /^ {4}soak: blocked \(mandatory\): registry\.fly\.io\/api-staging@sha256:5d1a\S+ has run healthy on staging for 2\.0 h/m);
                assert.match(err, /1 mandatory policy violation/);
            },
        );
    });

    it("exits 1 with every config problem for an invalid stack file", () => {
        withStack(
            (text) => text.replace("count: 2", "count: 0").replace("logLevel: WARNING", "logLevel: LOUD"),
            (stack) => {
                const { code, err, out } = plan(stack);
                assert.equal(code, 1);
                assert.match(err, new RegExp(`Invalid configuration for stack "${stack}" \\(2 problems\\)`));
                assert.match(err, new RegExp(`pulumi config set --stack ${stack} --path app.machines.count 1`));
                assert.match(err, /app.settings.logLevel: must be one of/);
                assert.doesNotMatch(out, /Resources:/);
            },
        );
    });

    it("refuses a stack without an enforcement file, naming the file to create", () => {
        withStack(
            (text) => text,
            (stack) => {
                const { code, err } = plan(stack);
                assert.equal(code, 1);
                assert.match(err, new RegExp(`No policy enforcement file .*policies/${stack}\\.json`));
            },
            false,
        );
    });

    it("refuses an unknown stack with the command to create it", () => {
        const { code, err } = plan("no-such-stack");
        assert.equal(code, 2);
        assert.match(err, /pulumi stack init no-such-stack/);
    });
});

describe("npm run envdiff", () => {
    it("marks settings that differ and leaves equal ones unmarked", () => {
        const out = envdiff(["dev", "staging", "prod"]);
        assert.match(out, /^≠ app\.settings\.logLevel\s+DEBUG\s+INFO\s+WARNING/m);
        assert.match(out, /^≠ app\.settings\.debug\s+true\s+false\s+false/m);
        assert.match(out, /^ {2}app\.healthPath\s+\/health\s+\/health\s+\/health/m);
        assert.match(out, /\d+ of \d+ settings differ across dev, staging, prod/);
    });

    it("masks secret values and only says they are set", () => {
        const config = { ...readStackFile("staging"), secrets: { extra: ["STRIPE_API_KEY"] }, STRIPE_API_KEY: { secure: "v1:ciphertext" } };
        const rows = effectiveConfig("staging", config);
        assert.ok(!(rows instanceof Error), String(rows));
        assert.equal(rows.get("STRIPE_API_KEY"), MASK);
        assert.ok(![...rows.values()].some((v) => v.includes("ciphertext") || v.includes("offline-stand-in")));
    });

    it("shows a stack's config error instead of its column", () => {
        const rows = effectiveConfig("prod", { ...readStackFile("prod"), platform: "k8s" });
        assert.ok(rows instanceof Error);
        assert.match(rows.message, /platform: must be one of "local", "fly"/);
    });
});

/**
 * The release commands (releases, verify, rollback, promote) as people and the deploy job run them, against the
 * stand-in CLI of fakeRepo.ts: what they ask the CLI (outputs and config through the Automation API, the up), what
 * they print, their exit codes, and the stack files they leave behind.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { COMMANDS } from "../../delivery/cli/commands";
import { EXIT } from "../../delivery/cli/exitCodes";
import { allCredentials, FakeRepo, type RunResult } from "./fakeRepo";
import { outputsOf, releaseOf } from "./releaseRecords";

const A = releaseOf("A", "2026-12-01T09:00:00Z");
const B = releaseOf("B", "2026-12-02T09:00:00Z");
const aAgain = releaseOf("A", "2026-12-02T09:30:00Z", { rollbackOf: B.digest });
const bRolledBack = { ...B, rolledBack: true, rolledBackAt: "2026-12-02T09:30:00Z" };

/** What the stand-in was asked, one line per call. */
const asked = (r: RunResult) => r.calls.map((c) => c.args.filter((a) => a !== "--non-interactive").join(" "));

describe("release commands", () => {
    let repo: FakeRepo;
    let server: Server;
    /** The digest the health URL reports. */
    let serving = A.digest;
    let healthUrl = "";

    before(async () => {
        repo = new FakeRepo(true);
        // A short verification window, so a rollback's verify takes a second.
        const staging = repo.path("Pulumi.staging.yaml");
        writeFileSync(staging, readFileSync(staging, "utf8").replace("      healthTimeoutSeconds: 300\n", "      healthTimeoutSeconds: 300\n      verify:\n        windowSeconds: 1\n        intervalSeconds: 1\n"));
        server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", release: { digest: serving, commit: "c" } })));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    });
    after(() => {
        server.close();
        repo.remove();
    });

    /** Environment for a run whose stack outputs are `outputs` (and `afterUp` once an up ran). */
    function withOutputs(outputs: Record<string, unknown>, afterUp?: Record<string, unknown>): Record<string, string> {
        const file = repo.path(".fake-outputs.json");
        writeFileSync(file, JSON.stringify(outputs));
        const env: Record<string, string> = { ...allCredentials(), FAKE_OUTPUTS: file, STACK_SKIP_PLAN: "1" };
        if (afterUp) {
            writeFileSync(repo.path(".fake-outputs-after-up.json"), JSON.stringify(afterUp));
            env.FAKE_OUTPUTS_AFTER_UP = repo.path(".fake-outputs-after-up.json");
        }
        return env;
    }

    it("npm run promote, releases, rollback and verify are entries of the one command table", () => {
        const scripts = (JSON.parse(readFileSync(repo.path("package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const name of ["promote", "releases", "rollback", "verify"]) {
            assert.equal(scripts[name], `node --import tsx delivery/cli/main.ts ${name}`);
            assert.ok(Object.hasOwn(COMMANDS, name), name);
        }
    });

    it("releases: lists the stack's releases newest first, reading only the backend", async () => {
        const env = withOutputs(outputsOf([aAgain, bRolledBack, A], healthUrl));
        // Reading needs the backend, not the providers' credentials.
        delete env.FLY_API_TOKEN;
        delete env.SENTRY_AUTH_TOKEN;
        delete env.GITHUB_TOKEN;
        const r = await repo.runAsync(["releases", "staging"], env);
        assert.equal(r.code, EXIT.ok, r.stderr);
        const rows = r.stdout.split("\n").filter((l) => /^ {2}sha256:/.test(l));
        assert.deepEqual(rows.map((l) => l.trim().split(/\s+/)[0]), [A.digest, B.digest, A.digest]);
        assert.match(rows[0], /running, rollback of sha256:[0-9a-f]{12}$/);
        assert.match(rows[1], /rolled back at 2026-12-02T09:30:00Z$/);
        assert.deepEqual(asked(r), ["stack select --stack staging", "config --show-secrets --json --stack staging", "stack output --json --stack staging", "stack output --json --show-secrets --stack staging"]);
    });

    it("releases: a stack without records is refused with the fix", async () => {
        const r = await repo.runAsync(["releases", "staging"], withOutputs({ healthUrl }));
        assert.equal(r.code, EXIT.refused);
        assert.match(r.stderr, /stack "staging" has no release records \(outputs release and releases\)\.\n {2}fix: run an up of "staging"/);
    });

    it("verify: passes when every answer reports the release output's digest, fails otherwise", async () => {
        serving = A.digest;
        const good = await repo.runAsync(["verify", "staging"], withOutputs(outputsOf([A], healthUrl)));
        assert.equal(good.code, EXIT.ok, good.stderr);
        assert.match(good.stdout, /verify "staging": ok: .* answered 200 for sha256:[0-9a-f]{64} 2 times over 1 s/);
        const stale = await repo.runAsync(["verify", "staging"], withOutputs(outputsOf([B, A], healthUrl)));
        assert.equal(stale.code, EXIT.verification);
        assert.match(stale.stderr, new RegExp(`FAILED after 0\\.\\d s \\(1 checks\\): .* answered from ${A.digest}, not the deployed ${B.digest}`));
    });

    it("rollback --yes: sets the key for one up, ups, removes it, verifies; the stack file ends as it was", async () => {
        serving = A.digest;
        const file = repo.path("Pulumi.staging.yaml");
        const before = readFileSync(file, "utf8");
        const r = await repo.runAsync(["rollback", "staging", "--yes", "--reason", "verification failed: 503"], withOutputs(outputsOf([B, A], healthUrl), outputsOf([aAgain, bRolledBack, A], healthUrl)));
        assert.equal(r.code, EXIT.ok, r.stderr);
        const calls = asked(r);
        const up = calls.findIndex((c) => c.startsWith("up "));
        assert.deepEqual(calls.slice(up - 3, up), [
            `config set --path api-environments:rollback.to --stack staging --plaintext -- ${A.image}`,
            "config set --path api-environments:rollback.reason --stack staging --plaintext -- verification failed: 503",
            `config set --path api-environments:rollback.commit --stack staging --plaintext -- ${A.commit}`,
        ]);
        assert.match(calls[up], new RegExp(`^up --stack staging --yes --policy-pack policies --policy-pack-config policies/staging\\.json --message rollback to ${A.image.replace(/[.]/g, "\\.")}: verification failed: 503$`));
        assert.equal(calls[up + 1], "config rm api-environments:rollback --stack staging --path");
        assert.equal(readFileSync(file, "utf8"), before, "the stack file is restored, whatever the CLI wrote into it");
        assert.match(r.stdout, /rolled "staging" back from .*@sha256:[0-9a-f]{64} to .*; ok: .* answered 200/);
    });

    it("rollback: fails with what happened when the release does not verify", async () => {
        serving = B.digest;
        const r = await repo.runAsync(["rollback", "staging", "--yes"], withOutputs(outputsOf([B, A], healthUrl), outputsOf([aAgain, bRolledBack, A], healthUrl)));
        assert.equal(r.code, EXIT.verification);
        assert.match(r.stderr, new RegExp(`rollback of "staging" to .* FAILED: FAILED after .* answered from ${B.digest}, not the deployed ${A.digest}`));
    });

    it("rollback: refuses without an up when there is nothing to roll back to", async () => {
        const r = await repo.runAsync(["rollback", "staging", "--yes"], withOutputs(outputsOf([B, { ...A, rolledBack: true }], healthUrl)));
        assert.equal(r.code, EXIT.refused);
        assert.match(r.stderr, /"staging" has no earlier healthy release that was not rolled back/);
        assert.ok(!asked(r).some((c) => c.startsWith("up ") || c.startsWith("config set")), asked(r).join("\n"));
    });

    it("rollback: refuses a review stack before anything runs, whose config is the shared template", async () => {
        const r = await repo.runAsync(["rollback", "pr-7", "--yes"], withOutputs(outputsOf([B, A], healthUrl)));
        assert.equal(r.code, EXIT.usage);
        assert.match(r.stderr, /rollback refuses stack "pr-7": a review stack runs its pull request's head/);
        assert.deepEqual(asked(r), [], "not even the CLI's version was asked");
        // Control: the same rollback of staging gets past the refusal to the records.
        const staging = await repo.runAsync(["rollback", "staging", "--yes"], withOutputs(outputsOf([B, { ...A, rolledBack: true }], healthUrl)));
        assert.equal(staging.code, EXIT.refused);
    });

    it("promote: refuses a rolled-back release and leaves the target's file alone", async () => {
        const file = repo.path("Pulumi.prod.yaml");
        const before = readFileSync(file, "utf8");
        const r = await repo.runAsync(["promote", "staging", "prod"], withOutputs(outputsOf([bRolledBack, A], healthUrl)));
        assert.equal(r.code, EXIT.refused);
        assert.match(r.stderr, /current release of "staging" \(sha256:[0-9a-f]{12}\) was rolled back; it cannot be promoted/);
        assert.equal(readFileSync(file, "utf8"), before);
    });

    it("promote: writes staging's release into Pulumi.prod.yaml by digest, then prints prod's offline plan", async () => {
        const file = repo.path("Pulumi.prod.yaml");
        const r = await repo.runAsync(["promote", "staging", "prod"], withOutputs(outputsOf([A], healthUrl)));
        const image = (parse(readFileSync(file, "utf8")) as { config: Record<string, any> }).config["api-environments:app"].image;
        assert.deepEqual(image, { promoted: { from: "staging", image: A.image, commit: A.commit, healthyAt: A.healthyAt } });
        assert.match(r.stdout, /promote: Pulumi\.prod\.yaml now deploys registry\.fly\.io\/api-staging-app@sha256:[0-9a-f]{64}/);
        assert.match(r.stdout, /the offline plan of "prod"/);
        // A was healthy on staging at 09:10 on 2026-12-01: the plan shows the digest and the soak verdict on it.
        const plan = `${r.stdout}${r.stderr}`;
        assert.ok(plan.includes(`promoted from staging: ${A.image}`), plan);
        assert.match(plan, /soak: passed/, "A has been healthy on staging for days");
        assert.equal(r.code, EXIT.ok, "the plan of prod passes");
        assert.ok(!asked(r).some((c) => c.startsWith("up ") || c.startsWith("preview")), "promote changes no stack");
    });

    it("promote: a release younger than the soak is written, and the plan says the soak blocks it", async () => {
        const young = releaseOf("young", new Date(Date.now() - 2 * 3_600_000).toISOString());
        const r = await repo.runAsync(["promote", "staging", "prod"], withOutputs(outputsOf([young, A], healthUrl)));
        const plan = `${r.stdout}${r.stderr}`;
        assert.notEqual(r.code, EXIT.ok, "the plan fails: promotion-soak is mandatory in prod");
        assert.match(plan, /soak: blocked \(mandatory\)/);
        assert.match(plan, /promotion-soak/);
        assert.match(r.stderr, /promote: the plan of "prod" fails .* The record is written: wait and run npm run plan -- prod again, or undo with git checkout -- Pulumi\.prod\.yaml/);
        assert.match(readFileSync(repo.path("Pulumi.prod.yaml"), "utf8"), new RegExp(young.digest), "the record is written for review either way");
    });

    it("promote: usage errors name the fix", async () => {
        const r = await repo.runAsync(["promote", "staging"], withOutputs(outputsOf([A], healthUrl)));
        assert.equal(r.code, EXIT.usage);
        assert.match(r.stderr, /usage: npm run promote -- <from> <to>, e.g\. npm run promote -- staging prod/);
        const self = await repo.runAsync(["promote", "staging", "staging"], withOutputs(outputsOf([A], healthUrl)));
        assert.match(self.stderr, /cannot be promoted into itself/);
    });
});

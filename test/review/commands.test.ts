/**
 * The commands people and workflows run, for a review stack that has no file of its own: `npm run plan -- pr-7`
 * previews it from the template alone, and the stack commands hand the pinned CLI the template (`--config-file`) and
 * policies/review.json. Controls: a pr- name with a bad number is refused before anything runs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT } from "../harness/stack";
import { allCredentials, FakeRepo } from "../delivery/fakeRepo";

function plan(stack: string) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(FLY_|GITHUB_TOKEN|SENTRY_AUTH_TOKEN|PULUMI_ACCESS_TOKEN)/.test(k)));
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "plan.ts"), stack], { cwd: ROOT, encoding: "utf8", env: { ...clean, NO_COLOR: "1" } });
    return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run plan -- pr-7", () => {
    it("previews the review stack from the template alone: its own database in the shared cluster, its policies, its budget", () => {
        assert.equal(existsSync(join(ROOT, "Pulumi.pr-7.yaml")), false, "no per-PR file");
        const { code, out, err } = plan("pr-7");
        assert.equal(code, 0, `${out}\n${err}`);
        assert.match(out, /Previewing update \(pr-7\)/);
        assert.match(out, /fly:ExistingPostgres\s+database-cluster\s+create/);
        assert.match(out, /fly:PostgresDatabase\s+database-database\s+create[\s\S]*?name=app_pr_7/);
        assert.doesNotMatch(out, /fly:ManagedPostgres/);
        assert.match(out, /environment: pr-7/);
        assert.match(out, /Monthly estimate \(budget \$10\.00\)/);
    });

    it("refuses a pr- name with a bad number, naming the rule and the fix (exit 2)", () => {
        const { code, err } = plan("pr-007");
        assert.equal(code, 2);
        assert.match(err, /stack "pr-007" has no Pulumi\.pr-007\.yaml, and it is not a review stack.*\n\s+fix: .*e\.g\. pr-7/);
    });
});

describe("stack commands for a review stack", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("preview and up carry --config-file Pulumi.review.yaml and policies/review.json", () => {
        const env = { ...allCredentials(), STACK_SKIP_PLAN: "1" };
        const preview = repo.run(["preview", "pr-7"], env);
        assert.equal(preview.code, 0, preview.stderr);
        assert.deepEqual(preview.calls.at(-1)!.args, ["preview", "--stack", "pr-7", "--config-file", "Pulumi.review.yaml", "--diff", "--policy-pack", "policies", "--policy-pack-config", "policies/review.json"]);
        const up = repo.run(["up", "pr-7"], env);
        assert.equal(up.code, 0, up.stderr);
        assert.deepEqual(up.calls.at(-1)!.args, ["up", "--stack", "pr-7", "--config-file", "Pulumi.review.yaml", "--yes", "--policy-pack", "policies", "--policy-pack-config", "policies/review.json"]);
        // Control: staging's own file needs no --config-file.
        const staging = repo.run(["preview", "staging"], env);
        assert.deepEqual(staging.calls.at(-1)!.args.slice(0, 4), ["preview", "--stack", "staging", "--diff"]);
    });

    it("refuses a pr- name with a bad number before running anything", () => {
        const r = repo.run(["preview", "pr-07"], { ...allCredentials(), STACK_SKIP_PLAN: "1" });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown stack "pr-07": stack "pr-07" has no Pulumi\.pr-07\.yaml, and it is not a review stack/);
        assert.deepEqual(r.calls, []);
    });
});

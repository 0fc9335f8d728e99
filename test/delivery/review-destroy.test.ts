/**
 * The stack command `destroy` (delivery/cli/commands.ts): destroy, then `stack rm`, for review stacks `pr-<number>`
 * only; every other stack is refused before anything runs. Against the stand-in CLI of fakeRepo.ts, which records
 * what the module ran.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT } from "../harness/stack";
import { allCredentials, FakeRepo, type RunResult } from "./fakeRepo";

// CI as in the workflows: STACK_SKIP_PLAN is refused there, and destroy needs no plan (it runs no program).
const CI = { CI: "true" };
const operations = (r: RunResult) => r.calls.map((c) => c.args.join(" ")).filter((a) => /^(destroy|stack rm|up|preview|refresh)\b/.test(a));

describe("stack command destroy", () => {
    let repo: FakeRepo;
    before(() => {
        repo = new FakeRepo();
        // The template the review stacks read; the committed one when the checkout has it.
        const template = repo.path("Pulumi.review.yaml");
        if (!existsSync(template)) writeFileSync(template, readFileSync(join(ROOT, "Pulumi.staging.yaml"), "utf8"));
    });
    after(() => repo.remove());

    it("destroys a review stack with the template's config, then removes its state, keeping the template", () => {
        const r = repo.run(["destroy", "pr-7"], { ...allCredentials(), ...CI });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(operations(r), ["destroy --stack pr-7 --config-file Pulumi.review.yaml --yes", "stack rm pr-7 --yes --preserve-config"]);
        assert.ok(existsSync(repo.path("Pulumi.review.yaml")));
        assert.doesNotMatch(r.stdout, /npm run plan/, "a destroy runs no program, so no offline plan gates it");
    });

    it("keeps the state when the destroy fails: no stack rm", () => {
        const r = repo.run(["destroy", "pr-7"], { ...allCredentials(), ...CI, FAKE_ERROR_IN: "destroy" });
        assert.equal(r.code, 255);
        assert.deepEqual(operations(r), ["destroy --stack pr-7 --config-file Pulumi.review.yaml --yes"]);
    });

    it("refuses dev, staging, prod and anything not pr-<number> before running anything", () => {
        for (const stack of ["dev", "staging", "prod", "pr-07", "review"]) {
            const r = repo.run(["destroy", stack], { ...allCredentials(), ...CI });
            assert.equal(r.code, 2, stack);
            assert.match(r.stderr, new RegExp(`destroy refuses stack "${stack}": destroy removes review stacks \\(pr-<number>\\) only`), stack);
            assert.deepEqual(r.records, [], `${stack}: not even the CLI's version was asked`);
        }
    });

    it("npm run destroy runs it", () => {
        const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        assert.equal(scripts.destroy, "node --import tsx delivery/cli/main.ts destroy");
    });
});

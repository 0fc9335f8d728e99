/**
 * The expression evaluator the workflow tests judge `if:` conditions with (expressions.ts), against the rules of
 * GitHub's "Evaluate expressions in workflows and actions", so a wrong answer there cannot make a workflow test pass.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, interpolate, jobCondition } from "./expressions";

const contexts = {
    github: {
        event_name: "pull_request",
        repository: "acme/api",
        event: { action: "labeled", label: { name: "preview" }, pull_request: { number: 7, labels: [{ name: "bug" }, { name: "Preview" }], head: { repo: null } } },
    },
    needs: { request: { result: "success", outputs: { "head-repository": "acme/api", number: "7" } } },
};
const ev = (expression: string) => evaluate(expression, { contexts });

describe("GitHub expressions", () => {
    it("compares strings ignoring case, and other types as numbers", () => {
        assert.equal(ev("github.event.label.name == 'PREVIEW'"), true);
        assert.equal(ev("github.event.label.name != 'preview'"), false);
        assert.equal(ev("needs.request.outputs.number == 7"), true);
        assert.equal(ev("github.event.pull_request.head.repo.full_name == github.repository"), false, "null is not the repository");
        assert.equal(ev("github.event.missing.deeper == null"), true);
    });

    it("&& and || return an operand; ! negates truthiness", () => {
        assert.equal(ev("github.event.label.name && 'x'"), "x");
        assert.equal(ev("'' || github.repository"), "acme/api");
        assert.equal(ev("github.event.nothing && 'x'"), null);
        assert.equal(ev("!github.event.nothing"), true);
        assert.equal(ev("(false || true) && !(1 == 2)"), true);
    });

    it("contains over an object filter, startsWith, fromJSON, quoted quotes", () => {
        assert.equal(ev("contains(github.event.pull_request.labels.*.name, 'preview')"), true);
        assert.equal(ev("contains(github.event.pull_request.labels.*.name, 'docs')"), false);
        assert.equal(ev("contains(fromJSON('[\"OWNER\", \"MEMBER\"]'), 'member')"), true);
        assert.equal(ev("startsWith('/Preview now', '/preview')"), true);
        assert.equal(ev("'it''s' == 'IT''S'"), true);
        assert.equal(ev("needs['request'].outputs['head-repository']"), "acme/api");
    });

    it("a job's if without a status function needs every needed job to have succeeded", () => {
        const ctx = (needResults: string[]) => ({ contexts, needResults });
        assert.equal(jobCondition("true", ctx(["success"])), true);
        assert.equal(jobCondition("true", ctx(["skipped"])), false);
        assert.equal(jobCondition(undefined, ctx(["failure"])), false);
        assert.equal(jobCondition("${{ !cancelled() && true }}", ctx(["failure"])), true);
        assert.equal(jobCondition("always()", ctx(["skipped"])), true);
        assert.equal(jobCondition("github.event.label.name == 'other'", ctx([])), false);
    });

    it("fills a text's expressions, and refuses what it cannot read", () => {
        assert.equal(interpolate("review-pr-${{ needs.request.outputs.number }}", { contexts }), "review-pr-7");
        assert.throws(() => ev("secrets.TOKEN == 'x'"), /unknown context secrets/);
        assert.throws(() => ev("hashFiles('x')"), /function hashFiles is not supported/);
        assert.throws(() => ev("1 ==="), /unexpected|expected/);
    });
});

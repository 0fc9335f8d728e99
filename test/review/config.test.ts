/**
 * A review stack's configuration: `pr-<n>` reads the template alone and takes its name as its environment; a
 * template that would reach beyond its pull request is refused before anything exists, naming the key, the file the
 * fix writes (Pulumi.review.yaml) and the fix. Each refusal has its control: the real template parses.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../config";
import { readStackConfig } from "../../engine/stackConfig";
import { parseStackFile, readStackFile, ROOT } from "../harness/stack";

/** The template as pr-7 reads it, changed by `change`. */
function template(change: (config: Record<string, any>) => void = () => undefined): Record<string, any> {
    const config = structuredClone(readStackFile("pr-7"));
    change(config);
    return config;
}

function refused(stack: string, config: Record<string, any>): ConfigError {
    try {
        parseStackFile(stack, config);
    } catch (e) {
        if (e instanceof ConfigError) return e;
        throw e;
    }
    assert.fail(`stack ${stack}: the configuration was accepted`);
}

const issueOf = (error: ConfigError, key: string) => {
    const issue = error.issues.find((i) => i.key === key);
    assert.ok(issue, `no issue for ${key}: ${error.message}`);
    return issue;
};

describe("review stacks read the template", () => {
    it("pr-7 and pr-8 parse from the template alone, each reporting its own name", () => {
        for (const stack of ["pr-7", "pr-8"]) {
            const { config } = parseStackFile(stack, readStackFile(stack));
            assert.equal(config.environment, stack);
            assert.equal(config.database.kind, "flyShared");
            assert.equal(config.review?.ttlDays, 7);
            assert.equal(config.github, undefined);
        }
    });

    it("a review stack without the template is an error naming the file and how to restore it", () => {
        const root = mkdtempSync(join(tmpdir(), "no-template-"));
        try {
            cpSync(join(ROOT, "Pulumi.yaml"), join(root, "Pulumi.yaml"));
            assert.throws(() => readStackConfig(root, "pr-7"), /stack "pr-7" is a review stack, built from the template Pulumi\.review\.yaml, which is missing.*\n\s+fix: restore it \(git checkout -- Pulumi\.review\.yaml\)/);
            assert.throws(() => readStackConfig(root, "pr-07"), /not a review stack: a review stack is pr-<number>.*no leading zero.*\n\s+fix: .*pr-7/);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });
});

describe("a template that reaches beyond its pull request is refused", () => {
    it("a cluster of its own (database.kind fly), with the fix in the template", () => {
        const error = refused("pr-7", template((c) => (c.database = { kind: "fly", protect: false, retainOnDelete: false })));
        const issue = issueOf(error, "database.kind");
        assert.match(issue.problem, /a review stack would create a database cluster of its own; its database lives in staging's Managed Postgres cluster/);
        assert.match(issue.fix, /pulumi config set --stack pr-7 --config-file Pulumi\.review\.yaml --path database\.kind flyShared/);
        assert.match(error.message, /nothing was created/);
    });

    it("staging's database named in the template", () => {
        const issue = issueOf(refused("pr-7", template((c) => (c.database.name = "app"))), "database.name");
        assert.match(issue.problem, /names a database of the shared cluster by hand \("app"\).*named after the stack/);
        assert.equal(issue.fix, "pulumi config rm --stack pr-7 --config-file Pulumi.review.yaml --path database.name");
    });

    it("taking over a cluster (database.adopt), or no cluster named", () => {
        assert.match(issueOf(refused("pr-7", template((c) => (c.database.adopt = "staging-cluster"))), "database.adopt").problem, /flyShared never owns its cluster/);
        assert.match(issueOf(refused("pr-7", template((c) => delete c.database.cluster)), "database.cluster").problem, /is required when database\.kind is flyShared/);
    });

    it("a GitHub environment", () => {
        const github = readStackFile("staging").github;
        assert.match(issueOf(refused("pr-7", template((c) => (c.github = github))), "github").problem, /a review stack changes no GitHub environment/);
    });

    it("an environment of its own, or the template read by a stack that is not pr-<n>", () => {
        assert.match(issueOf(refused("pr-7", template((c) => (c.environment = "review"))), "environment").problem, /is each review stack's own name/);
        const issue = issueOf(refused("qa", template()), "review");
        assert.match(issue.problem, /only review stacks pr-<number> read; stack "qa" is not one/);
        assert.match(issue.fix, /^pulumi config rm --stack qa review/);
    });
});

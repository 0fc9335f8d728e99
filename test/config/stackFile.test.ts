/**
 * Which files a stack reads (config/stackFile.ts): its own, else the review template for `pr-<n>`; every other case
 * is a problem naming the file and the fix. Each case runs in a throwaway folder, so a file's presence is what the
 * test sets.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { configFileArgs, enforcementFileName, findStackFile, REVIEW_TEMPLATE, reviewNumber, stackConfigFile } from "../../config/stackFile";
import { stackFileNames } from "../../config/stackName";

describe("review stack names", () => {
    it("reads the number of pr-<n>: 1 to 9 digits, no leading zero", () => {
        assert.equal(reviewNumber("pr-7"), 7);
        assert.equal(reviewNumber("pr-123456789"), 123456789);
        for (const name of ["pr-0", "pr-07", "pr-1234567890", "pr-", "pr-7a", "PR-7", "pr_7", "staging", "xpr-7"]) assert.equal(reviewNumber(name), undefined, name);
    });
});

describe("which config file a stack reads", () => {
    let root: string;
    let packDir: string;
    before(() => {
        root = mkdtempSync(join(tmpdir(), "stack-file-"));
        packDir = join(root, "policies");
        mkdirSync(packDir);
        for (const f of ["Pulumi.staging.yaml", REVIEW_TEMPLATE]) writeFileSync(join(root, f), "config: {}\n");
        // What pulumi stack init leaves in a review stack's own file with the passphrase provider.
        writeFileSync(join(root, "Pulumi.pr-9.yaml"), "encryptionsalt: v1:abc:def\n");
        for (const f of ["staging.json", "review.json", "pr-9.json"]) writeFileSync(join(packDir, f), "{}\n");
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it("a stack's own file, else the template for a review stack", () => {
        assert.equal(stackConfigFile(root, "staging"), "Pulumi.staging.yaml");
        assert.equal(stackConfigFile(root, "pr-7"), REVIEW_TEMPLATE);
        assert.equal(stackConfigFile(root, "pr-9"), REVIEW_TEMPLATE, "the salt pulumi stack init wrote does not shadow the template");
        assert.equal(enforcementFileName(packDir, "pr-7"), "review.json");
        assert.equal(enforcementFileName(packDir, "pr-9"), "pr-9.json");
        assert.equal(enforcementFileName(packDir, "staging"), "staging.json");
        assert.equal(enforcementFileName(packDir, "qa"), "qa.json", "an ordinary stack never falls back to the review enforcement");
    });

    it("a review stack's own file with config is refused, naming the file and the fix", () => {
        writeFileSync(join(root, "Pulumi.pr-11.yaml"), "encryptionsalt: v1:abc:def\nconfig:\n  api-environments:app:\n    name: other\n");
        const { file, problem } = findStackFile(root, "pr-11");
        assert.equal(file, undefined);
        assert.match(problem ?? "", /Pulumi\.pr-11\.yaml sets config, but a review stack reads only the template Pulumi\.review\.yaml.*\n\s+fix: move those keys into Pulumi\.review\.yaml/);
        // Control: the same file with an empty config is what stack init may leave.
        writeFileSync(join(root, "Pulumi.pr-11.yaml"), "encryptionsalt: v1:abc:def\nconfig: {}\n");
        assert.equal(stackConfigFile(root, "pr-11"), REVIEW_TEMPLATE);
    });

    it("the CLI is told the template only when it is not the stack's own file", () => {
        assert.deepEqual(configFileArgs("pr-7", REVIEW_TEMPLATE), ["--config-file", REVIEW_TEMPLATE]);
        assert.deepEqual(configFileArgs("staging", "Pulumi.staging.yaml"), []);
    });

    it("the template is no stack of its own: stackFileNames leaves it out, and a stack named review is refused", () => {
        // A review stack's own file (its salt) is no committed stack either.
        assert.deepEqual(stackFileNames(root), ["staging"]);
        assert.match(findStackFile(root, "review").problem ?? "", /names the review stacks' template \(Pulumi\.review\.yaml\), not a stack\.\n\s+fix: .*pr-7/);
    });

    it("a pr- name with a bad number names the rule and the fix", () => {
        for (const name of ["pr-07", "pr-0", "pr-1234567890", "pr-x"]) {
            const { file, problem } = findStackFile(root, name);
            assert.equal(file, undefined, name);
            assert.match(problem ?? "", new RegExp(`stack "${name}" has no Pulumi\\.${name}\\.yaml, and it is not a review stack: .*1 to 9 digits, no leading zero.*\\n\\s+fix: .*e\\.g\\. pr-7`), name);
        }
    });

    it("a review stack without the template names the file and how to restore it", () => {
        rmSync(join(root, REVIEW_TEMPLATE));
        try {
            const { file, problem } = findStackFile(root, "pr-7");
            assert.equal(file, undefined);
            assert.match(problem ?? "", /stack "pr-7" is a review stack, built from the template Pulumi\.review\.yaml, which is missing .*\n\s+fix: restore it \(git checkout -- Pulumi\.review\.yaml\)/);
        } finally {
            writeFileSync(join(root, REVIEW_TEMPLATE), "config: {}\n");
        }
    });

    it("an ordinary stack without a file names it and how to add a stack; a bad name reads nothing", () => {
        assert.match(findStackFile(root, "qa").problem ?? "", /there is no Pulumi\.qa\.yaml in .*\n\s+fix: .*add-environment\.md/);
        assert.match(findStackFile(root, "../staging").problem ?? "", /invalid stack name "\.\.\/staging": it contains '\/'/);
    });
});

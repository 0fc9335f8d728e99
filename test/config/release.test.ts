/** `app.release`: optional, validated with the rest of the stack, defaults applied. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackFile, readStackFile } from "../harness/stack";
import { ConfigError } from "../../config";

function issuesFor(stack: string, change: (config: Record<string, any>) => void) {
    const config = readStackFile(stack);
    change(config);
    try {
        parseStackFile(stack, config);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.issues;
    }
    assert.fail("expected a configuration error");
}

describe("app.release", () => {
    it("is read from the stack file, with the timeout defaulting to 600 s", () => {
        const config = readStackFile("staging");
        delete config.app.release.timeoutSeconds;
        assert.deepEqual(parseStackFile("staging", config).config.app.release, { command: ["npm", "run", "migrate"], timeoutSeconds: 600 });
    });

    it("is optional", () => {
        const config = readStackFile("prod");
        delete config.app.release;
        assert.equal(parseStackFile("prod", config).config.app.release, undefined);
    });

    for (const [name, change, key, problem] of [
        ["an empty command", (c: any) => (c.app.release.command = []), "app.release.command", /at least 1 item/],
        ["a command given as one string", (c: any) => (c.app.release.command = "npm run migrate"), "app.release.command", /must be a list/],
        ["an empty argument", (c: any) => (c.app.release.command = ["npm", ""]), "app.release.command[1]", /at least 1 character/],
        ["a timeout below 10 s", (c: any) => (c.app.release.timeoutSeconds = 5), "app.release.timeoutSeconds", /at least 10/],
        ["a typo in a key", (c: any) => (c.app.release.comand = ["x"]), "app.release.comand", /is not a known key/],
    ] as const) {
        it(`refuses ${name}, naming ${key} and the fix`, () => {
            const issues = issuesFor("staging", change);
            const issue = issues.find((i) => i.key === key);
            assert.ok(issue, `no issue for ${key}; got ${issues.map((i) => i.key).join(", ")}`);
            assert.match(issue.problem, problem);
            assert.match(issue.fix, /pulumi config (set|rm) --stack staging/);
        });
    }
});

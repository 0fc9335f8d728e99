/**
 * release-step-present, through the real analyzer: advisory in every stack file (prod's `all: mandatory`
 * included), quiet when the stack has a release step or no database, and firing when one change removes the
 * release step.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RELEASE_STEP_PRESENT } from "../../policies/rules/data/release-step-present";
import { changed, find, T } from "./fixtures";
import { judge, judgeResources, type JudgedViolation } from "./analyzerVerdict";

const withoutRelease = (config: Record<string, any>) => delete config.app.release;
const fired = (judged: { violations: JudgedViolation[] }) => judged.violations.filter((v) => v.policy === RELEASE_STEP_PRESENT);

describe("release-step-present", () => {
    it("is quiet for prod as written, which runs its migrations in a fly:Release", async () => {
        assert.deepEqual(fired(await judge("prod")), []);
    });

    it("fires, advisory even in prod, when the release step is removed, saying how to add one", async () => {
        const [violation, ...more] = fired(await judge("prod", { mutate: withoutRelease }));
        assert.ok(violation, "expected release-step-present");
        assert.deepEqual(more, []);
        assert.equal(violation.level, "advisory");
        assert.match(violation.message, /database but no release step.*app\.release\.command/);
        const [staging] = fired(await judge("staging", { mutate: withoutRelease }));
        assert.equal(staging?.level, "advisory");
        assert.deepEqual(fired(await judge("dev", { mutate: withoutRelease })), [], "disabled in dev, like every rule its file does not name");
    });

    it("is quiet for a stack without a database (no stack config has none: hand-written resources)", async () => {
        const noDatabase = changed((r) => {
            for (const type of [T.release, T.pgDb, T.pgUser, T.pg]) r.splice(r.indexOf(find(r, type)), 1);
        });
        const withDatabase = changed((r) => r.splice(r.indexOf(find(r, T.release)), 1));
        assert.deepEqual(fired(await judgeResources("prod", noDatabase)), []);
        assert.equal(fired(await judgeResources("prod", withDatabase)).length, 1, "the same resources with the database do fire");
    });
});

/**
 * release-step-present: advisory in every stack file (prod's `all: mandatory` included), quiet when the stack has
 * a release step or no database, and firing when one change removes the release step.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, readEnforcement } from "../../policies/offline";
import { RELEASE_STEP_PRESENT } from "../../policies/rules/data/release-step-present";
import { baseline, changed, find, T } from "./fixtures";

const withoutRelease = () => changed((r) => r.splice(r.indexOf(find(r, T.release)), 1));
const fired = async (resources: ReturnType<typeof baseline>, stack: string) =>
    (await evaluate(resources, { config: readEnforcement(stack).config })).filter((v) => v.policy === RELEASE_STEP_PRESENT);

describe("release-step-present", () => {
    it("is quiet for the baseline, which runs its migrations in a fly:Release", async () => {
        assert.deepEqual(await fired(baseline(), "prod"), []);
    });

    it("fires, advisory even in prod, when the release step is removed, saying how to add one", async () => {
        const [violation] = await fired(withoutRelease(), "prod");
        assert.ok(violation, "expected release-step-present");
        assert.equal(violation.enforcementLevel, "advisory");
        assert.match(violation.message, /database but no release step.*app\.release\.command/);
        const [staging] = await fired(withoutRelease(), "staging");
        assert.equal(staging.enforcementLevel, "advisory");
        assert.deepEqual(await fired(withoutRelease(), "dev"), [], "disabled in dev, like every rule its file does not name");
    });

    it("is quiet for a stack without a database", async () => {
        const resources = changed((r) => {
            for (const type of [T.release, T.pgDb, T.pgUser, T.pg]) r.splice(r.indexOf(find(r, type)), 1);
        });
        assert.deepEqual(await fired(resources, "prod"), []);
    });
});

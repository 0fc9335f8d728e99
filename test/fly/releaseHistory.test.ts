/**
 * The release history's rules (providers/fly/releaseHistoryRecords.ts), and the provider carrying them from one up
 * to the next in its state, run from its `__provider` text in the dynamic-provider plugin's way.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { thinFlyProvider } from "../../providers/fly/registration";
import { RELEASES_KEPT, recordRelease, type ReleaseRecord } from "../../providers/fly/releaseHistoryRecords";
import { runInPluginHost, succeeded } from "./serializationHost";

const image = (n: number) => `registry.fly.io/api-staging@sha256:${n.toString(16).padStart(64, "0")}`;
const commit = (n: number) => n.toString(16).padStart(40, "c");
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));

function deployAll(count: number): ReleaseRecord[] {
    let history: ReleaseRecord[] = [];
    for (let n = 1; n <= count; n++) history = recordRelease(history, { image: image(n), commit: commit(n) }, at(n));
    return history;
}

describe("release history rules", () => {
    it("adds a record, newest first, for each new image, with its digest, commit and times", () => {
        const [b, a, ...rest] = deployAll(2);
        assert.deepEqual(rest, []);
        assert.deepEqual(b, { image: image(2), digest: `sha256:${"2".padStart(64, "0")}`, commit: commit(2), deployedAt: at(2).toISOString(), healthyAt: at(2).toISOString(), rolledBack: false });
        assert.equal(a.image, image(1));
    });

    it("adds nothing when the same image is deployed again (a no-op up, a config change)", () => {
        const history = deployAll(2);
        assert.deepEqual(recordRelease(history, { image: image(2), commit: "unknown" }, at(30)), history);
        assert.deepEqual(recordRelease(history, { image: image(2), commit: commit(2) }, at(30)), history);
    });

    it("a rollback adds the target again, marks the release it replaces rolled back, and knows the target's commit", () => {
        const history = deployAll(2);
        const [back, b, a] = recordRelease(history, { image: image(1), commit: "unknown", rollback: { reason: "verification failed: 502" } }, at(40));
        assert.deepEqual([back.image, back.commit, back.rollbackOf, back.rolledBack], [image(1), commit(1), b.digest, false]);
        assert.deepEqual([b.rolledBack, b.rolledBackAt], [true, at(40).toISOString()]);
        assert.equal(a.rolledBack, false, "only the release rolled away from is marked");
        // Control: the same image without a rollback is a plain deploy that marks nothing.
        const [again, b2] = recordRelease(history, { image: image(1), commit: "unknown" }, at(40));
        assert.deepEqual([again.rollbackOf, b2.rolledBack], [undefined, false]);
    });

    it(`keeps the last ${RELEASES_KEPT}`, () => {
        const history = deployAll(RELEASES_KEPT + 3);
        assert.equal(history.length, RELEASES_KEPT);
        assert.equal(history[0].image, image(RELEASES_KEPT + 3));
        assert.equal(history[RELEASES_KEPT - 1].image, image(4));
    });
});

describe("release:ReleaseHistory provider", () => {
    it("carries the history in its state from create to update, and reports the newest as release", async () => {
        const text = thinFlyProvider("ReleaseHistory");
        const [created] = await runInPluginHost([{ text, method: "create", args: [{ image: image(1), commit: commit(1) }] }], {});
        const first = succeeded(created, "create").outs;
        assert.deepEqual(first.releases.map((r: ReleaseRecord) => r.image), [image(1)]);
        const [diffed, updated] = await runInPluginHost(
            [
                { text, method: "diff", args: ["releases", first, { image: image(2), commit: commit(2) }] },
                { text, method: "update", args: ["releases", first, { image: image(2), commit: commit(2) }] },
            ],
            {},
        );
        assert.equal(succeeded(diffed, "diff").changes, true);
        const second = succeeded(updated, "update").outs;
        assert.deepEqual(second.releases.map((r: ReleaseRecord) => r.image), [image(2), image(1)]);
        assert.deepEqual(second.release, second.releases[0]);
        const [same] = await runInPluginHost([{ text, method: "diff", args: ["releases", second, { image: image(2), commit: commit(2) }] }], {});
        assert.equal(succeeded(same, "diff").changes, false, "the same release again is no change");
    });
});

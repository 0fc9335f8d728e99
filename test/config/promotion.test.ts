/**
 * The release train's keys as the program reads them: `promotion`, `rollback` and `app.deploy.verify` defaults, when
 * a promoted image must be copied, whether an up builds, and which commit a build records.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { currentCommit } from "../../config/load";
import { buildsImage, promotionCopy } from "../../config/promotion";
import { parseStackFile, readStackFile } from "../harness/stack";

const IMAGE = `registry.fly.io/api-staging@sha256:${"ab".repeat(32)}`;
const PROMOTED = { from: "staging", image: IMAGE, commit: "c".repeat(40), healthyAt: "2026-12-01T10:00:00Z" };

function staging(change: (config: Record<string, any>) => void = () => undefined) {
    const config = readStackFile("staging");
    change(config);
    return parseStackFile("staging", config).config;
}

describe("release train config", () => {
    it("defaults: a 24 h soak, FLY_API_TOKEN for the source, a 60 s verification checked every 5 s", () => {
        const config = staging();
        assert.deepEqual(config.promotion, { soakHours: 24, sourceTokenEnv: "FLY_API_TOKEN" });
        assert.deepEqual(config.app.deploy.verify, { windowSeconds: 60, intervalSeconds: 5 });
        assert.equal(config.rollback, undefined);
    });

    it("a promotion from the same organization runs the source image where it is: no copy", () => {
        const config = staging((c) => (c.app.image = { promoted: PROMOTED }));
        assert.equal(promotionCopy(config), undefined);
        assert.equal(buildsImage(config), false);
    });

    it("a promotion from another organization is copied, with the token the config names", () => {
        const config = staging((c) => {
            c.app.image = { promoted: PROMOTED };
            c.promotion = { sourceOrg: "acme-other", sourceTokenEnv: "FLY_OTHER_TOKEN" };
        });
        assert.deepEqual(promotionCopy(config), { source: IMAGE, sourceTokenEnv: "FLY_OTHER_TOKEN" });
    });

    it("a promotion from a registry that is not Fly's is copied too", () => {
        const config = staging((c) => (c.app.image = { promoted: { ...PROMOTED, image: `ghcr.io/acme/api@sha256:${"ab".repeat(32)}` } }));
        assert.equal(promotionCopy(config)?.source, `ghcr.io/acme/api@sha256:${"ab".repeat(32)}`);
    });

    it("a rollback builds nothing and copies nothing, whatever app.image says", () => {
        const building = staging();
        assert.equal(buildsImage(building), true, "control: staging builds without a rollback");
        const rolledBack = staging((c) => (c.rollback = { to: IMAGE, reason: "verification failed: 502 from /health" }));
        assert.equal(buildsImage(rolledBack), false);
        assert.equal(rolledBack.rollback?.commit, "unknown");
        const promotedAway = staging((c) => {
            c.app.image = { promoted: PROMOTED };
            c.promotion = { sourceOrg: "acme-other" };
            c.rollback = { to: IMAGE, reason: "verification failed: 502 from /health" };
        });
        assert.equal(promotionCopy(promotedAway), undefined);
    });

    it("prod's stack file builds nothing: it runs a promoted digest, copied from staging's organization", () => {
        const config = parseStackFile("prod").config;
        assert.equal(config.app.image.context, undefined);
        assert.equal(buildsImage(config), false);
        assert.equal(config.app.image.promoted?.from, "staging");
        assert.equal(promotionCopy(config)?.sourceTokenEnv, "FLY_STAGING_API_TOKEN");
        assert.equal(parseStackFile("staging").config.fly?.org, "acme-staging");
    });
});

describe("the commit a build records", () => {
    const dir = mkdtempSync(join(tmpdir(), "no-git-"));
    it("is GITHUB_SHA in CI", () => assert.equal(currentCommit({ GITHUB_SHA: "A".repeat(40) }, dir), "a".repeat(40)));
    it("is the checkout's HEAD otherwise", () => assert.match(currentCommit({}, process.cwd()), /^[0-9a-f]{40}$/));
    it("is unknown outside a repository, and for a GITHUB_SHA that is no commit", () => {
        assert.equal(currentCommit({}, dir), "unknown");
        assert.equal(currentCommit({ GITHUB_SHA: "not-a-sha" }, dir), "unknown");
        rmSync(dir, { recursive: true, force: true });
    });
});

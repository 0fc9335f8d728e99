/**
 * The release commands' decisions as pure functions: reading the records, which release a rollback goes back to,
 * which release may be promoted, and the promotion record written into a stack file with its comments kept.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { takeOptions } from "../../delivery/cli/releaseCommands";
import { promotable, rollbackTarget } from "../../delivery/release/decide";
import { promotionOf, writePromotion } from "../../delivery/release/promotionRecord";
import { digestNamed, readReleases } from "../../delivery/release/records";
import { ROOT } from "../harness/stack";
import { digestFor, outputsOf, releaseOf } from "./releaseRecords";

const A = releaseOf("A", "2026-12-01T09:00:00Z");
const B = releaseOf("B", "2026-12-02T09:00:00Z");
const C = releaseOf("C", "2026-12-03T09:00:00Z");

describe("reading release records", () => {
    it("reads a stack's release, releases and health URL", () => {
        const records = readReleases("staging", outputsOf([B, A]));
        assert.equal(records.release.digest, B.digest);
        assert.deepEqual(records.releases.map((r) => r.digest), [B.digest, A.digest]);
        assert.equal(records.healthUrl, "https://api-staging-app.fly.dev/health");
    });

    it("refuses a stack without records, saying how to get them", () => {
        assert.throws(() => readReleases("prod", { healthUrl: "x" }), /stack "prod" has no release records.*\n {2}fix: run an up of "prod"/s);
    });

    it("names each malformed field", () => {
        const broken = { ...B, digest: "sha256:short", deployedAt: "yesterday" };
        assert.throws(() => readReleases("staging", { release: broken, releases: [broken, A] }), (err: Error) => {
            assert.match(err.message, /release: digest "sha256:short" is not sha256:<64 hex>/);
            assert.match(err.message, /releases\[0\]: deployedAt "yesterday" is not a time/);
            assert.doesNotMatch(err.message, /releases\[1\]/);
            return true;
        });
    });

    it("takes a digest from a digest or an image reference, nothing else", () => {
        assert.equal(digestNamed(A.image), A.digest);
        assert.equal(digestNamed(A.digest), A.digest);
        assert.equal(digestNamed("registry.fly.io/api:latest"), undefined);
    });
});

describe("choosing the rollback target", () => {
    it("defaults to the newest earlier release that was not rolled back", () => {
        assert.equal(rollbackTarget("staging", readReleases("staging", outputsOf([C, B, A]))).digest, B.digest);
        const bRolledBack = { ...B, rolledBack: true, rolledBackAt: "2026-12-02T10:00:00Z" };
        assert.equal(rollbackTarget("staging", readReleases("staging", outputsOf([C, bRolledBack, A]))).digest, A.digest);
    });

    it("skips earlier entries of the digest running now (a rollback's own history)", () => {
        // A ran, B was rolled back to A (A again on top), then C: the default is A, never C itself.
        const aAgain = releaseOf("A", "2026-12-02T11:00:00Z", { rollbackOf: B.digest });
        const cOnTop = { ...C };
        const records = readReleases("staging", outputsOf([cOnTop, aAgain, { ...B, rolledBack: true }, A]));
        assert.equal(rollbackTarget("staging", records).digest, A.digest);
        const onlyCurrent = readReleases("staging", outputsOf([C, { ...C, deployedAt: "2026-12-01T00:00:00Z" }]));
        assert.throws(() => rollbackTarget("staging", onlyCurrent), /no earlier healthy release that was not rolled back/);
    });

    it("takes --to as a digest or an image reference", () => {
        const records = readReleases("staging", outputsOf([C, B, A]));
        assert.equal(rollbackTarget("staging", records, A.digest).digest, A.digest);
        assert.equal(rollbackTarget("staging", records, A.image).digest, A.digest);
    });

    it("refuses --to naming the current release, a rolled-back one, an unknown one or no digest", () => {
        const records = readReleases("staging", outputsOf([C, { ...B, rolledBack: true }, A]));
        assert.throws(() => rollbackTarget("staging", records, C.digest), /is the release "staging" runs now/);
        assert.throws(() => rollbackTarget("staging", records, B.digest), /was rolled back on "staging" before/);
        const { healthyAt: _, ...neverHealthy } = A;
        const withUnhealthy = readReleases("staging", outputsOf([C, neverHealthy]));
        assert.throws(() => rollbackTarget("staging", withUnhealthy), /no earlier healthy release/);
        assert.throws(() => rollbackTarget("staging", withUnhealthy, A.digest), /never became healthy/);
        assert.throws(() => rollbackTarget("staging", records, digestFor("Z")), /is not among the last releases of "staging"/);
        assert.throws(() => rollbackTarget("staging", records, "latest"), /--to "latest" is not a digest/);
    });
});

describe("choosing the release to promote", () => {
    it("promotes the source stack's current, healthy release", () => {
        assert.equal(promotable("staging", readReleases("staging", outputsOf([B, A]))).digest, B.digest);
    });

    it("refuses a release that was rolled back", () => {
        const rolledBack = { ...B, rolledBack: true };
        assert.throws(() => promotable("staging", readReleases("staging", outputsOf([rolledBack, A]))), /current release of "staging" \(sha256:[0-9a-f]{12}\) was rolled back; it cannot be promoted/);
        // The history marks it even when the `release` snapshot was taken before the rollback.
        assert.throws(() => promotable("staging", readReleases("staging", { release: B, releases: [rolledBack, A] })), /was rolled back/);
    });

    it("refuses a release that never became healthy", () => {
        const { healthyAt: _, ...unhealthy } = B;
        assert.throws(() => promotable("staging", readReleases("staging", outputsOf([unhealthy, A]))), /never became healthy \(no healthyAt\)/);
    });
});

describe("the promotion record in the target's stack file", () => {
    const record = promotionOf("staging", B);
    const lines = (s: string) => s.split("\n");
    /** Lines of `before` missing from `after`, and lines of `after` that are new. */
    const delta = (before: string, after: string) => ({ lost: lines(before).filter((l) => !lines(after).includes(l)), added: lines(after).filter((l) => !lines(before).includes(l)) });

    it("replaces a build (app.image.context) with the promoted record, by digest, keeping every other line", () => {
        // A stack file that builds, as prod's did before its first promotion.
        const building = readFileSync(join(ROOT, "Pulumi.staging.yaml"), "utf8");
        assert.match(building, /^ {6}context: /m, "the fixture builds");
        const written = writePromotion(building, "api-environments", "prod", record);
        const app = (parse(written) as { config: Record<string, any> }).config["api-environments:app"];
        assert.deepEqual(app.image, { promoted: { from: "staging", image: B.image, commit: B.commit, healthyAt: B.healthyAt } });
        assert.match(written, /healthyAt: "\d{4}-/, "the time is a quoted string");
        const { lost, added } = delta(building, written);
        assert.deepEqual(lost.map((l) => l.trim().split(":")[0]).sort(), ["context", "dockerfile"], "only the build's lines go");
        assert.equal(added.length, 5, `only the record is new:\n${added.join("\n")}`);
        assert.ok(lines(building).filter((l) => l.trim().startsWith("#")).every((c) => lines(written).includes(c)), "every comment stays");
    });

    it("replaces prod's earlier promotion instead of adding a second, comments kept", () => {
        const prod = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");
        const written = writePromotion(prod, "api-environments", "prod", promotionOf("staging", C));
        assert.equal(written.match(/promoted:/g)?.length, 1);
        assert.match(written, new RegExp(C.digest));
        const { lost, added } = delta(prod, written);
        assert.deepEqual(lost.map((l) => l.trim().split(":")[0]).sort(), ["commit", "healthyAt", "image"], "only the old record's values change");
        assert.equal(added.length, 3);
        assert.match(written, /^# prod: .* Every policy in policies\/ is mandatory here\.$/m);
        assert.ok(lines(prod).filter((l) => l.trim().startsWith("#")).every((c) => lines(written).includes(c)), "every comment stays");
    });

    it("refuses a file without an app to promote into", () => {
        assert.throws(() => writePromotion("config:\n  api-environments:platform: fly\n", "api-environments", "qa", record), /Pulumi\.qa\.yaml has no api-environments:app map/);
    });
});

describe("the release commands' options", () => {
    it("takes --to/--reason (spaced or with =) and --yes out, and passes the rest to pulumi in order", () => {
        const taken = takeOptions(["--to", A.digest, "--suppress-progress", "--reason=a=b c", "--yes", "--diff"], ["--to", "--reason"], ["--yes"]);
        assert.deepEqual(taken.values, { "--to": A.digest, "--reason": "a=b c" });
        assert.deepEqual([...taken.flags], ["--yes"]);
        assert.deepEqual(taken.rest, ["--suppress-progress", "--diff"]);
    });

    it("refuses an option without its value", () => {
        assert.throws(() => takeOptions(["--to"], ["--to"], []), /--to needs a value/);
        assert.throws(() => takeOptions(["--reason="], ["--reason"], []), /--reason needs a value/);
    });
});

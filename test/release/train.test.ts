/**
 * The release train through the offline engine (Pulumi's real Node runtimes, the real dynamic-provider host and
 * policy analyzer) and the Fly emulator, staging and prod side by side on one emulator: staging builds and deploys
 * A; A's promotion record goes into prod's stack config (as `npm run promote` writes it); prod runs A by the same
 * digest and builds nothing. Staging moves to B; promoting B before the soak is blocked by promotion-soak, an older
 * healthy time or an override passes. Staging is rolled back to A: every machine ends on A, B is marked rolled
 * back, nothing is built and the release step runs the ordinary forward migration.
 *
 * Prod promotes from its own organization here: the copy from staging's organization needs a registry holding the
 * image, which test/fly/imageCopy.test.ts runs for real. The analyzer judges the soak against the real clock (the
 * engine's clock is the stand-ins'), so a record that has soaked is written with a healthy time a day earlier.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OperationResult } from "../../engine";
import type { ReleaseRecord } from "../../providers/fly";
import { type Emulator, type MachineRecord, startEmulator, TEST_TOKEN } from "../fly/emulator";
import { explain, flyEnv, StackUnderTest } from "../engine/support";

type Release = ReleaseRecord;

const BUILD = "docker:index/image:Image";
const RELEASE_TAG = "pulumi_release";
const isReleaseMachine = (m: MachineRecord) => (m.config.metadata as Record<string, string> | undefined)?.[RELEASE_TAG] !== undefined;

/** The machines of one Fly app that serve (not destroyed, not a release run), and its release runs. */
function machinesOf(fly: Emulator, app: string): { serving: MachineRecord[]; releaseRuns: MachineRecord[] } {
    const machines = [...(fly.state.apps.get(app)?.machines.values() ?? [])];
    return { serving: machines.filter((m) => m.state !== "destroyed" && !isReleaseMachine(m)), releaseRuns: machines.filter(isReleaseMachine) };
}

const builds = (result: OperationResult) => result.steps.filter((s) => s.type === BUILD && s.op !== "same" && s.op !== "delete" && s.op !== "delete-replaced");
const releaseOf = (result: OperationResult) => result.outputs.release as unknown as Release;
const releasesOf = (result: OperationResult) => result.outputs.releases as unknown as Release[];
const soakFindings = (result: OperationResult, policy: string) => result.violations.filter((v) => v.policyName === policy);

/** Prod's stack config with `release` promoted from staging, as the promote command writes it. */
function promote(release: Release, healthyAt = release.healthyAt, more: (config: Record<string, any>) => void = () => undefined) {
    return (config: Record<string, any>) => {
        config.app.image = { promoted: { from: "staging", image: release.image, commit: release.commit, healthyAt } };
        delete config.promotion.sourceOrg;
        more(config);
    };
}

const dayEarlier = (iso: string) => new Date(Date.parse(iso) - 25 * 3_600_000).toISOString();

describe("release train: staging builds once, prod runs the digest staging proved, rollback by digest", { concurrency: false }, () => {
    let fly: Emulator;
    let staging: StackUnderTest;
    let prod: StackUnderTest;
    let a: Release;
    let b: Release;
    /** Staging's second release is another build (another Dockerfile path: another image). */
    const toB = (config: Record<string, any>) => (config.app.image.dockerfile = "Dockerfile.next");

    before(async () => {
        fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, postgresReadyDelayMs: 30, oneOffExits: [{ command: "npm run migrate", exitCode: 0 }], tokens: [TEST_TOKEN] });
        staging = new StackUnderTest("staging", () => flyEnv(fly));
        prod = new StackUnderTest("prod", () => flyEnv(fly));
    });
    after(async () => {
        staging.dispose();
        prod.dispose();
        await fly.close();
    });

    it("staging builds A and records it: digest, commit, healthy since", async () => {
        const up = await staging.run("up");
        assert.ok(up.ok, explain(up));
        assert.equal(builds(up).length, 1, "staging builds its image");
        a = releaseOf(up);
        assert.equal(a.image, up.outputs.imageRef);
        assert.match(a.digest, /^sha256:[a-f0-9]{64}$/);
        assert.ok(a.image.endsWith(`@${a.digest}`));
        assert.match(a.commit, /^([0-9a-f]{40}|unknown)$/);
        assert.ok(!Number.isNaN(Date.parse(a.healthyAt)) && a.rolledBack === false);
        assert.deepEqual(releasesOf(up), [a]);
        const { serving } = machinesOf(fly, "api-staging");
        assert.ok(serving.length > 0);
        for (const m of serving) assert.equal(m.config.image, a.image);
        assert.equal((serving[0].config.env as Record<string, string>).RELEASE_IMAGE, a.image, "the app is told the digest it runs");
    });

    it("prod runs A by the same digest, with no build in its graph", async () => {
        const up = await prod.run("up", { mutate: promote(a, dayEarlier(a.healthyAt)) });
        assert.ok(up.ok, explain(up));
        assert.deepEqual(up.steps.filter((s) => s.type === BUILD), [], "no docker image build in prod's graph");
        assert.deepEqual(up.state.resources.filter((r) => r.type === BUILD), []);
        const { serving } = machinesOf(fly, "api-prod");
        assert.equal(serving.length, 4);
        for (const m of serving) assert.ok(String(m.config.image).endsWith(`@${a.digest}`), `a prod machine runs ${m.config.image}`);
        const release = releaseOf(up);
        assert.deepEqual([release.digest, release.commit], [a.digest, a.commit]);
        assert.deepEqual(soakFindings(up, "promotion-soak"), []);
    });

    it("staging moves to B", async () => {
        const up = await staging.run("up", { mutate: toB });
        assert.ok(up.ok, explain(up));
        b = releaseOf(up);
        assert.notEqual(b.digest, a.digest);
        assert.deepEqual(releasesOf(up).map((r) => r.digest), [b.digest, a.digest]);
    });

    it("promoting B before its soak is blocked by promotion-soak; an older healthy time passes", async () => {
        const young = await prod.run("preview", { mutate: promote(b) });
        assert.equal(young.ok, false, "a promotion that has not soaked fails the preview");
        const [blocked] = soakFindings(young, "promotion-soak");
        assert.equal(blocked?.enforcementLevel, "mandatory", explain(young));
        assert.ok(blocked.message.includes(b.image) && /it may be promoted from /.test(blocked.message), blocked.message);
        const soaked = await prod.run("preview", { mutate: promote(b, dayEarlier(b.healthyAt)) });
        assert.ok(soaked.ok, explain(soaked));
        assert.deepEqual(soakFindings(soaked, "promotion-soak"), []);
    });

    it("an override lets B through before its soak, with an advisory finding giving the reason", async () => {
        const preview = await prod.run("preview", { mutate: promote(b, b.healthyAt, (c) => (c.promotion.override = { reason: "hotfix for the login outage" })) });
        assert.ok(preview.ok, explain(preview));
        assert.deepEqual(soakFindings(preview, "promotion-soak"), []);
        const [finding] = soakFindings(preview, "promotion-soak-override");
        assert.equal(finding?.enforcementLevel, "advisory");
        assert.match(finding.message, /hotfix for the login outage/);
    });

    it("staging rolls back to A: every machine on A, B marked rolled back, nothing built, only the forward migration", async () => {
        const releaseRunsBefore = machinesOf(fly, "api-staging").releaseRuns.length;
        const up = await staging.run("up", { mutate: (c) => (toB(c), (c.rollback = { to: a.image, reason: "verification failed: /health answered 502" })) });
        assert.ok(up.ok, explain(up));
        assert.deepEqual(builds(up), [], "a rollback builds nothing, whatever app.image says");
        const { serving, releaseRuns } = machinesOf(fly, "api-staging");
        assert.ok(serving.length > 0);
        for (const m of serving) assert.equal(m.config.image, a.image);
        const [back, rolledBack, first] = releasesOf(up);
        assert.deepEqual([back.digest, back.rollbackOf, back.commit], [a.digest, b.digest, a.commit]);
        assert.deepEqual([rolledBack.digest, rolledBack.rolledBack], [b.digest, true]);
        assert.ok(rolledBack.rolledBackAt !== undefined);
        assert.deepEqual([first.digest, first.rolledBack], [a.digest, false]);
        assert.deepEqual(releaseOf(up), back);
        // The release step ran again with A's image, and it is the ordinary migrate (which only adds).
        const runs = releaseRuns.slice(releaseRunsBefore);
        assert.equal(runs.length, 1, "one release run for the rollback");
        assert.equal(runs[0].config.image, a.image);
        assert.deepEqual((runs[0].config.init as { cmd?: string[] }).cmd, ["npm", "run", "migrate"]);
    });
});

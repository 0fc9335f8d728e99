/**
 * Every stack's life through Pulumi's real Node runtimes (the program entry, the dynamic-provider host, the policy
 * analyzer), driven by the offline engine with a state file kept between operations, and the Fly providers against
 * the emulator: preview of a new stack -> up -> preview with no changes -> up after an image change -> up after a JWT
 * rotation -> refresh with no drift -> destroy. Each step asserts what a user would see: the operation per resource,
 * the policy verdict, the outputs, and what really happened (on Fly, the emulator's machines, secrets and requests;
 * locally, the state the engine kept). Each expectation that could pass by construction has a control beside it: the
 * same check where the behaviour was broken on purpose (a release that fails, drift made out of band, an up that
 * rotates nothing), which must object. The three stacks run side by side: each has its own emulator and state.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OperationResult } from "../../engine";
import { nameOf } from "../../engine/urn";
import { type Emulator, startEmulator, TEST_TOKEN } from "../fly/emulator";
import { MAX_STATE_BYTES } from "../harness/stateSize";
import { flyView, imageRolledOut, localView, makeDrift, rotated, type View } from "./lifecycleChecks";
import { changes, explain, flyEnv, isSecret, isUnknown, StackUnderTest } from "./support";

const NEW_IMAGE = `registry.fly.io/api-release@sha256:${"c0ffee".repeat(10)}abcd`;
/** An image whose release command fails (the emulator's one-off machines exit 1 with it). */
const BROKEN_IMAGE = `registry.fly.io/api-release@sha256:${"badbad".repeat(10)}abcd`;

interface Expectation {
    readonly stack: string;
    readonly fly: boolean;
    readonly rotationDays: number;
    /** What the policy pack may report on the first up: nothing at all, or only advisory violations. */
    readonly violations: "none" | "advisory";
    /** Whether `destroy` must be refused (a protected database). */
    readonly protectedDatabase: boolean;
    /** Whether the state records the data resources as retained on delete (the analyzer never sees it). */
    readonly retainedData: boolean;
    /** A change to the stack file for the whole life. */
    readonly mutate?: (config: Record<string, any>) => void;
}

/** Resources whose deletion deletes data (components/dataSafety.ts). */
const DATA_TYPES = new Set(["pulumi-nodejs:dynamic/fly:ManagedPostgres", "pulumi-nodejs:dynamic/fly:PostgresDatabase", "pulumi-nodejs:dynamic/fly:PostgresUser", "docker:index/volume:Volume"]);

const EXPECTATIONS: Expectation[] = [
    { stack: "dev", fly: false, rotationDays: 365, violations: "none", protectedDatabase: false, retainedData: false },
    { stack: "staging", fly: true, rotationDays: 90, violations: "advisory", protectedDatabase: false, retainedData: false },
    // Prod's promoted image runs from staging's organization here: its copy needs a registry, which the release
    // train's test runs for real (test/release/).
    { stack: "prod", fly: true, rotationDays: 30, violations: "none", protectedDatabase: true, retainedData: true, mutate: (c) => delete c.promotion.sourceOrg },
];

function mandatory(result: OperationResult): string[] {
    return result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName);
}

const withImage = (image: string) => ({ mutate: (config: Record<string, any>) => (config.app.image = { ref: image }) });

describe("each stack's life, the three side by side", { concurrency: EXPECTATIONS.length }, () => {
    for (const expected of EXPECTATIONS) {
        describe(`${expected.stack}: preview -> up -> no-op -> image change -> rotation -> refresh -> destroy`, { concurrency: false }, () => {
            let fly: Emulator;
            let stack: StackUnderTest;
            let firstUp: OperationResult;
            let imageUp: OperationResult;
            let lastRefresh: OperationResult;
            /** The platform before and after the image change, and after the rotation. */
            const views: Record<"first" | "image" | "rotation", View | undefined> = { first: undefined, image: undefined, rotation: undefined };

            before(async () => {
                fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, postgresReadyDelayMs: 30, oneOffExits: [{ image: BROKEN_IMAGE, exitCode: 1 }, { command: "npm run migrate", exitCode: 0 }], tokens: [TEST_TOKEN] });
                stack = new StackUnderTest(expected.stack, () => flyEnv(fly), expected.mutate);
            });
            after(async () => {
                stack.dispose();
                await fly.close();
            });
            const view = (result: OperationResult): View => (expected.fly ? flyView(fly) : localView(result));
            /** Fly's requests since the last clear (the local stack sends none). */
            const requests = () => (expected.fly ? [...fly.requests] : undefined);
            /** Fly's rate limits are the emulator's defaults here: no rollout may draw a 429. */
            const assertWithinFlyLimits = () => assert.deepEqual(fly.rateLimited().map((r) => `${r.method} ${r.path}`), [], "requests refused by Fly's rate limits");

            it("previews a new stack: every resource a create, computed values unknown, no Fly request, policies pass", async () => {
                const result = await stack.run("preview");
                assert.ok(result.ok, explain(result));
                const ops = new Set(result.steps.map((s) => s.op));
                assert.deepEqual([...ops], ["create"]);
                assert.ok(isUnknown(result.outputs.imageRef), "the image digest is not known before the build");
                assert.deepEqual(mandatory(result), []);
                assert.equal(result.policyPack, "api-environments-policies");
                assert.equal(fly.requests.length, 0, "a preview sends nothing to Fly");
                assert.deepEqual(result.state.resources, [], "a preview writes no state");
            });

            it("creates everything on up, with known outputs and secrets kept secret", async () => {
                firstUp = await stack.run("up");
                assert.ok(firstUp.ok, explain(firstUp));
                assert.ok(firstUp.steps.every((s) => s.op === "create"));
                // dev and prod are clean at every level (a one-off release container is no app container without a health
                // check); staging's production rules are advisory there.
                const reported = firstUp.violations.filter((v) => expected.violations === "none" || v.enforcementLevel !== "advisory");
                assert.deepEqual(reported.map((v) => `${v.enforcementLevel} ${v.policyName}: ${v.message}`), []);
                views.first = view(firstUp);
                // The image output is the one that serves: every Fly machine runs it, or the app container does.
                assert.ok(views.first.served.length > 0, "something serves the app");
                assert.deepEqual([...new Set(views.first.served)], [firstUp.outputs.imageRef]);
                assert.match(String(firstUp.outputs.healthUrl), /^https?:\/\/.+\/health$/);
                if (firstUp.outputs.sentryDsn !== undefined) assert.ok(isSecret(firstUp.outputs.sentryDsn), "the Sentry DSN output is secret");
                // Every resource the up created is in the state, and nothing else but the default providers the engine
                // made for them (they take no step, as in the CLI).
                const isDefaultProvider = (urn: string) => urn.includes("::pulumi:providers:") && nameOf(urn).startsWith("default");
                const created = firstUp.steps.filter((s) => s.custom).map((s) => s.urn).sort();
                assert.deepEqual(firstUp.state.resources.filter((r) => r.custom && !isDefaultProvider(r.urn)).map((r) => r.urn).sort(), created);
                if (expected.fly) assert.ok(fly.state.apps.size > 0, "the Fly app exists");
                assertWithinFlyLimits();
                // The budget counts what the engine records of each resource: its inputs and its outputs.
                const bytes = firstUp.state.resources.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r.inputs)) + Buffer.byteLength(JSON.stringify(r.outputs)), 0);
                assert.ok(bytes <= MAX_STATE_BYTES, `the state's inputs and outputs are ${bytes} bytes, over the ${MAX_STATE_BYTES} budget`);
            });

            // Apart from the up's own assertions: what the state records of the data resources the up created stands
            // even if a later resource failed.
            it(`records the data resources as ${expected.retainedData ? "" : "not "}retained on delete, as RegisterResource carried it`, () => {
                const data = firstUp.state.resources.filter((r) => DATA_TYPES.has(r.type));
                assert.ok(data.length > 0, "the up created the stack's data resources");
                for (const r of data) assert.equal(r.retainOnDelete, expected.retainedData, r.urn);
            });

            it("previews no changes after the up, and sends Fly no mutating request", async () => {
                fly.clearRequests();
                const result = await stack.run("preview");
                assert.ok(result.ok, explain(result));
                assert.deepEqual(changes(result), {});
                assert.deepEqual(fly.mutating(), []);
            });

            if (expected.fly) {
                it("control: a release step that fails leaves every serving machine on the old image", async () => {
                    fly.clearRequests();
                    const result = await stack.run("up", withImage(BROKEN_IMAGE));
                    assert.equal(result.ok, false, "the up reports the failed release");
                    const problems = imageRolledOut(BROKEN_IMAGE, views.first!, flyView(fly), result, requests());
                    assert.ok(problems.some((p) => p.startsWith(`${views.first!.served[0]} still serves`)), problems.join("\n"));
                    assert.deepEqual(flyView(fly).served, views.first!.served, "no serving machine changed");
                    views.first = flyView(fly);
                });
            }

            it("rolls the app onto a new image after one release run with it, and changes nothing else", async () => {
                fly.clearRequests();
                // Control: before the up, the check sees the old image serving.
                assert.notDeepEqual(imageRolledOut(NEW_IMAGE, views.first!, view(firstUp), firstUp, requests()), []);
                imageUp = await stack.run("up", withImage(NEW_IMAGE));
                views.image = view(imageUp);
                assert.deepEqual(imageRolledOut(NEW_IMAGE, views.first!, views.image, imageUp, requests()), []);
                assert.equal(imageUp.outputs.imageRef, NEW_IMAGE);
                assertWithinFlyLimits();
            });

            it("rotates the JWT secret once the keeper's time has passed, and restarts the app on it without a release", async () => {
                const early = await stack.run("preview", withImage(NEW_IMAGE));
                assert.deepEqual(changes(early), {}, "nothing rotates before its time");
                // Control: the image change rotated nothing, and the check says so.
                assert.notDeepEqual(rotated(views.first!, views.image!, expected.fly), []);
                stack.advanceDays(expected.rotationDays + 1);
                const result = await stack.run("up", withImage(NEW_IMAGE));
                assert.ok(result.ok, explain(result));
                views.rotation = view(result);
                assert.deepEqual(rotated(views.image!, views.rotation, expected.fly), []);
                assert.ok(String(result.outputs.jwtRotatesAt) > String(firstUp.outputs.jwtRotatesAt), "the next rotation moved forward");
                assert.deepEqual(views.rotation.served, views.image!.served, "the app still runs the same image");
            });

            it("refreshes without drift, and finds drift made out of band", async () => {
                fly.clearRequests();
                const clean = await stack.run("refresh");
                assert.ok(clean.ok, explain(clean));
                assert.deepEqual(changes(clean), {});
                assert.deepEqual(fly.mutating(), [], "a refresh only reads");
                // Control: the same refresh after an out-of-band change reports that resource, and only it.
                const drifted = makeDrift(expected.fly ? fly : undefined, stack.stateFile);
                lastRefresh = await stack.run("refresh");
                assert.ok(lastRefresh.ok, explain(lastRefresh));
                assert.deepEqual(changes(lastRefresh), { [drifted]: "update" });
                assert.deepEqual(fly.mutating(), [], "a refresh only reads");
            });

            it(expected.protectedDatabase ? "refuses to destroy a protected database, deleting nothing" : "destroys everything", async () => {
                const stateBefore = lastRefresh.state.resources.map((r) => nameOf(r.urn));
                fly.clearRequests();
                const result = await stack.run("destroy");
                if (expected.protectedDatabase) {
                    assert.equal(result.ok, false);
                    assert.match(result.error ?? "", /database-cluster"\nas it is currently marked for protection/);
                    assert.deepEqual(result.state.resources.map((r) => nameOf(r.urn)), stateBefore, "nothing left the state");
                    assert.deepEqual(fly.mutating(), [], "nothing was deleted");
                } else {
                    assert.ok(result.ok, explain(result));
                    assert.deepEqual(result.state.resources, []);
                    if (expected.fly) assert.equal([...fly.state.apps.values()].length, 0, "the Fly app is gone");
                }
            });
        });
    }
});

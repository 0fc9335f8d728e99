/**
 * Every stack's life through Pulumi's real Node runtimes (the program entry, the dynamic-provider host, the policy
 * analyzer), driven by the offline engine with a state file kept between operations, and the Fly providers against
 * the emulator: preview of a new stack -> up -> preview with no changes -> up after an image change -> up after a JWT
 * rotation -> refresh with no drift -> destroy. Each step asserts what a user would see: the operation per resource,
 * the policy verdict, the outputs, and (for Fly) the requests that reached the API.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OperationResult } from "../../engine";
import { type Emulator, startEmulator } from "../fly/emulator";
import { MAX_STATE_BYTES } from "../harness/stateSize";
import { changes, explain, flyEnv, isSecret, isUnknown, StackUnderTest } from "./support";

const NEW_IMAGE = `registry.fly.io/api-release@sha256:${"c0ffee".repeat(10)}abcd`;

interface Expectation {
    readonly stack: string;
    readonly fly: boolean;
    readonly rotationDays: number;
    /** What an image change does, as `Kind:name -> op`. */
    readonly imageChange: Record<string, string>;
    /** What a JWT rotation does. */
    readonly rotation: Record<string, string>;
    /** Whether `destroy` must be refused (a protected database). */
    readonly protectedDatabase: boolean;
    /** Whether the state records the data resources as retained on delete (the analyzer never sees it). */
    readonly retainedData: boolean;
}

/** Resources whose deletion deletes data (components/dataSafety.ts). */
const DATA_TYPES = new Set(["pulumi-nodejs:dynamic/fly:ManagedPostgres", "pulumi-nodejs:dynamic/fly:PostgresDatabase", "pulumi-nodejs:dynamic/fly:PostgresUser", "docker:index/volume:Volume"]);

const EXPECTATIONS: Expectation[] = [
    {
        stack: "dev",
        fly: false,
        rotationDays: 365,
        // The release container runs again with every new image or environment (docker replaces a container whose
        // envs change), before the app container is replaced.
        imageChange: { "Image:app-image": "delete", "RemoteImage:app-image": "create", "Container:app-release": "replace", "Container:app-container": "replace" },
        rotation: { "Rotating:secrets-rotation": "replace", "RandomPassword:secrets-jwt": "replace", "Container:app-release": "replace", "Container:app-container": "replace" },
        protectedDatabase: false,
        retainedData: false,
    },
    {
        stack: "staging",
        fly: true,
        rotationDays: 90,
        // A prebuilt image needs no build: the build and the docker provider that ran it go, the release step runs
        // with the new image, then the machines roll. A rotation updates the release step's secrets version (no run).
        imageChange: { "Image:app-image": "delete", "docker:default_5_2_0": "delete", "Release:app-release": "update", "MachineGroup:app-machines": "update" },
        rotation: { "Rotating:secrets-rotation": "replace", "RandomPassword:secrets-jwt": "replace", "Secrets:app-secrets": "update", "Release:app-release": "update", "MachineGroup:app-machines": "update" },
        protectedDatabase: false,
        retainedData: false,
    },
    {
        stack: "prod",
        fly: true,
        rotationDays: 30,
        // A prebuilt image needs no build: the build and the docker provider that ran it go, the release step runs
        // with the new image, then the machines roll. A rotation updates the release step's secrets version (no run).
        imageChange: { "Image:app-image": "delete", "docker:default_5_2_0": "delete", "Release:app-release": "update", "MachineGroup:app-machines": "update" },
        rotation: { "Rotating:secrets-rotation": "replace", "RandomPassword:secrets-jwt": "replace", "Secrets:app-secrets": "update", "Release:app-release": "update", "MachineGroup:app-machines": "update" },
        protectedDatabase: true,
        retainedData: true,
    },
];

function mandatory(result: OperationResult): string[] {
    return result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName);
}

for (const expected of EXPECTATIONS) {
    describe(`${expected.stack}: preview -> up -> no-op -> image change -> rotation -> refresh -> destroy`, { concurrency: false }, () => {
        let fly: Emulator;
        let stack: StackUnderTest;
        let firstUp: OperationResult;

        before(async () => {
            // The stacks' release step (app.release.command) exits 0: the emulator runs no command it was not told about.
            fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, postgresReadyDelayMs: 30, oneOffExits: [{ command: "npm run migrate", exitCode: 0 }] });
            stack = new StackUnderTest(expected.stack, () => flyEnv(fly));
        });
        after(async () => {
            stack.dispose();
            await fly.close();
        });
        /** The release machines Fly has run (destroyed ones included), by image. */
        const releaseRuns = (image?: string) =>
            [...fly.state.apps.values()].flatMap((app) => [...app.machines.values()]).filter((m) => (m.config.metadata as Record<string, string> | undefined)?.pulumi_release !== undefined && (image === undefined || m.config.image === image));
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
            // dev and prod are clean at every level (a one-off release container is no app container without a health check).
            if (expected.stack !== "staging") assert.deepEqual(firstUp.violations.map((v) => `${v.enforcementLevel} ${v.policyName}: ${v.message}`), []);
            assert.match(String(firstUp.outputs.imageRef), /.+/);
            assert.ok(!isUnknown(firstUp.outputs.imageRef));
            assert.match(String(firstUp.outputs.healthUrl), /^https?:\/\/.+\/health$/);
            if (firstUp.outputs.sentryDsn !== undefined) assert.ok(isSecret(firstUp.outputs.sentryDsn), "the Sentry DSN output is secret");
            const custom = firstUp.steps.filter((s) => s.custom).length;
            assert.ok(firstUp.state.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length >= custom - 1);
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

        it("rolls the app onto a new image and changes nothing else", async () => {
            const result = await stack.run("up", { mutate: (config) => (config.app.image = { ref: NEW_IMAGE }) });
            assert.ok(result.ok, explain(result));
            assert.deepEqual(changes(result), expected.imageChange);
            assert.equal(result.outputs.imageRef, NEW_IMAGE);
            assertWithinFlyLimits();
            if (expected.fly) {
                const machines = [...fly.state.apps.values()].flatMap((app) => [...app.machines.values()]).filter((m) => m.state !== "destroyed");
                assert.ok(machines.length > 0);
                assert.ok(machines.every((m) => m.config.image === NEW_IMAGE), "every machine runs the new image");
                assert.equal(releaseRuns(NEW_IMAGE).length, 1, "the release command ran once with the new image");
            }
        });

        it("rotates the JWT secret once the keeper's time has passed, and rolls the app onto it", async () => {
            const before = await stack.run("preview", { mutate: (config) => (config.app.image = { ref: NEW_IMAGE }) });
            assert.deepEqual(changes(before), {}, "nothing rotates before its time");
            stack.advanceDays(expected.rotationDays + 1);
            const runsBefore = expected.fly ? releaseRuns().length : 0;
            const result = await stack.run("up", { mutate: (config) => (config.app.image = { ref: NEW_IMAGE }) });
            assert.ok(result.ok, explain(result));
            assert.deepEqual(changes(result), expected.rotation);
            assert.ok(String(result.outputs.jwtRotatesAt) > String(firstUp.outputs.jwtRotatesAt), "the next rotation moved forward");
            if (expected.fly) assert.equal(releaseRuns().length, runsBefore, "a rotation runs no migration on Fly");
        });

        it("refreshes without drift", async () => {
            fly.clearRequests();
            const result = await stack.run("refresh");
            assert.ok(result.ok, explain(result));
            assert.deepEqual(changes(result), {});
            assert.deepEqual(fly.mutating(), [], "a refresh only reads");
        });

        it(expected.protectedDatabase ? "refuses to destroy a protected database, deleting nothing" : "destroys everything", async () => {
            const stateBefore = (await stack.run("refresh")).state.resources.length;
            fly.clearRequests();
            const result = await stack.run("destroy");
            if (expected.protectedDatabase) {
                assert.equal(result.ok, false);
                assert.match(result.error ?? "", /database-cluster"\nas it is currently marked for protection/);
                assert.equal(result.state.resources.length, stateBefore, "nothing left the state");
                assert.deepEqual(fly.mutating(), [], "nothing was deleted");
            } else {
                assert.ok(result.ok, explain(result));
                assert.deepEqual(result.state.resources, []);
                if (expected.fly) assert.equal([...fly.state.apps.values()].length, 0, "the Fly app is gone");
            }
        });
    });
}

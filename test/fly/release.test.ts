/**
 * The release step against the local Fly emulator: one short-lived machine per image or command change, run before
 * the MachineGroup rolls (the engine updates a dependent only after its dependency succeeded, which `deploy` below
 * does the same way). A failing or hanging command fails the update with the exit code (or the timeout) and the logs
 * command, leaving the serving machines on the old image; faults neither duplicate the run nor leave a machine.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flyRequest } from "../../providers/fly/client";
import { machineGroupProvider } from "../../providers/fly/machineGroupProvider";
import type { MachineGroupInputs, MachineGroupState } from "../../providers/fly/machineGroupTypes";
import type { ReleaseInputs } from "../../providers/fly/releaseInputs";
import { createRelease, diffRelease, type ReleaseOutputs, releaseProvider, updateRelease } from "../../providers/fly/releaseProvider";
import { TAG_RELEASE, TAG_RELEASE_KEY } from "../../providers/fly/releaseRun";
import type { MachineRecord, RecordedRequest } from "./emulator";
import { FAST_ROLLOUTS, useMachineGroupEmulator } from "./support";

const MIGRATE = ["npm", "run", "migrate"];
const BROKEN = ["npm", "run", "migrate:broken"];
const HANGS = ["npm", "run", "migrate:hang"];
const suite = useMachineGroupEmulator("release", {
    oneOffExits: [
        { command: MIGRATE.join(" "), exitCode: 0 },
        { command: "node migrate.js", exitCode: 0 },
        { command: BROKEN.join(" "), exitCode: 3 },
        { command: HANGS.join(" "), exitCode: "hang" },
    ],
});

const IMAGE_1 = `registry.fly.io/api@sha256:${"1".repeat(64)}`;
const IMAGE_2 = `registry.fly.io/api@sha256:${"2".repeat(64)}`;

function releaseInputs(app: string, overrides: Partial<ReleaseInputs> = {}): ReleaseInputs {
    return { app, release: "app-release", image: IMAGE_1, command: MIGRATE, env: { LOG_LEVEL: "INFO" }, region: "ams", ...overrides };
}

function groupInputs(app: string, image: string): MachineGroupInputs {
    return {
        app,
        group: "app-machines",
        regions: { ams: 2 },
        config: {
            image,
            env: { LOG_LEVEL: "INFO" },
            services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }] }],
            checks: { health: { type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" } },
        },
        strategy: "rolling",
        healthTimeoutSeconds: 5,
        rolloutTiming: FAST_ROLLOUTS,
    };
}

/** Release machines of the app as the emulator recorded them (destroyed ones included). */
function releaseMachines(app: string): MachineRecord[] {
    return [...suite.fly.state.apps.get(app)!.machines.values()].filter((m) => (m.config.metadata as Record<string, string> | undefined)?.[TAG_RELEASE] !== undefined);
}

function alive(app: string): MachineRecord[] {
    return [...suite.fly.state.apps.get(app)!.machines.values()].filter((m) => m.state !== "destroyed");
}

const isMachineCreate = (r: RecordedRequest): boolean => r.method === "POST" && /\/machines$/.test(r.path);
const releaseCreates = (): RecordedRequest[] =>
    suite.fly.requests.filter((r) => isMachineCreate(r) && (r.body as { config?: { metadata?: Record<string, string> } }).config?.metadata?.[TAG_RELEASE] !== undefined);

/** An app whose group serves IMAGE_1 after a first release, with the request log cleared. */
async function deployedApp(): Promise<{ app: string; release: ReleaseOutputs; group: { id: string; state: MachineGroupState } }> {
    const app = await suite.newApp();
    const release = (await createRelease(releaseInputs(app))).outs!;
    const created = await machineGroupProvider.create(groupInputs(app, IMAGE_1));
    await suite.fly.settle();
    suite.fly.clearRequests();
    return { app, release, group: { id: created.id, state: created.outs! } };
}

/** One `pulumi up` of the two resources, in graph order: a failed release stops the rollout, as the engine does. */
async function deploy(app: string, release: ReleaseOutputs, group: { id: string; state: MachineGroupState }, next: Partial<ReleaseInputs>): Promise<void> {
    const news = releaseInputs(app, next);
    await releaseProvider.update!(`${app}/app-release`, release, news);
    await machineGroupProvider.update!(group.id, group.state, groupInputs(app, news.image));
}

describe("fly:Release", () => {
    it("runs the command once on a short-lived machine: new image, app env, no services, restart no, auto-destroy", async () => {
        const app = await suite.newApp();
        const { id, outs } = await createRelease(releaseInputs(app, { minSecretsVersion: 0 }));
        await suite.fly.settle();

        assert.equal(id, `${app}/app-release`);
        assert.equal(outs!.exitCode, 0);
        const [create] = releaseCreates();
        assert.equal(releaseCreates().length, 1);
        const body = create.body as { config: Record<string, any>; region: string; min_secrets_version: number; skip_service_registration: boolean };
        assert.equal(body.config.image, IMAGE_1);
        assert.deepEqual(body.config.init, { cmd: MIGRATE });
        assert.deepEqual(body.config.env, { LOG_LEVEL: "INFO" });
        assert.deepEqual(body.config.restart, { policy: "no" });
        assert.equal(body.config.auto_destroy, true);
        assert.equal(body.config.services, undefined);
        assert.equal(body.region, "ams");
        assert.equal(body.min_secrets_version, 0);
        assert.equal(body.skip_service_registration, true);
        const [machine] = releaseMachines(app);
        assert.equal(machine.id, outs!.machineId);
        assert.equal(machine.exitCode, 0);
        assert.equal(machine.state, "destroyed", "the release machine is gone once it has exited");
    });

    it("runs before the rollout: the release machine exits 0 before any serving machine changes", async () => {
        const { app, release, group } = await deployedApp();
        const changes: string[] = [];
        const stop = suite.fly.onMachineChange((changed, machine) => {
            if (changed === app) changes.push(`${group.state.machineIds.includes(machine.id) ? "group" : "release"} ${machine.state}`);
        });
        await deploy(app, release, group, { image: IMAGE_2 });
        await suite.fly.settle();
        stop();

        const exited = changes.indexOf("release stopped");
        const firstGroupChange = changes.findIndex((c) => c.startsWith("group"));
        assert.ok(exited >= 0 && firstGroupChange > exited, changes.join(", "));
        assert.equal(releaseMachines(app).find((m) => m.config.image === IMAGE_2)?.exitCode, 0);
        const serving = suite.fly.servingMachines(app);
        assert.equal(serving.length, 2);
        assert.ok(serving.every((m) => m.config.image === IMAGE_2));
    });

    it("fails the up with the exit code and the logs command when the command fails, leaving every serving machine on the old image", async () => {
        const { app, release, group } = await deployedApp();
        await assert.rejects(deploy(app, release, group, { image: IMAGE_2, command: BROKEN }), (error: Error) => {
            const run = releaseMachines(app).find((m) => m.config.image === IMAGE_2)!;
            assert.match(error.message, /`npm run migrate:broken` exited with code 3/);
            assert.ok(error.message.includes(`fly logs -a ${app} --machine ${run.id}`), error.message);
            assert.match(error.message, /nothing that serves traffic has changed/);
            return true;
        });
        await suite.fly.settle();

        const serving = suite.fly.servingMachines(app);
        assert.deepEqual(serving.map((m) => m.id).sort(), [...group.state.machineIds].sort());
        assert.ok(serving.every((m) => m.config.image === IMAGE_1));
        const touched = suite.fly.mutating().filter((r) => group.state.machineIds.some((id) => r.path.includes(id)));
        assert.deepEqual(touched, [], "no request reached a serving machine");
        assert.deepEqual(alive(app).map((m) => m.id).sort(), [...group.state.machineIds].sort(), "no release machine is left");
    });

    it("reports a command that outlives its timeout as a timeout and destroys its machine", async () => {
        const app = await suite.newApp();
        await assert.rejects(createRelease(releaseInputs(app, { command: HANGS, timeoutSeconds: 1 })), /`npm run migrate:hang` timed out after 1s \(the machine was destroyed\).*fly logs -a /);
        await suite.fly.settle();
        assert.deepEqual(alive(app), []);
        assert.equal(releaseMachines(app).length, 1);
    });

    it("starts no machine on a no-op update, nor when only the env, timeout or secrets version changes", async () => {
        const app = await suite.newApp();
        const olds = (await createRelease(releaseInputs(app))).outs!;
        assert.deepEqual(diffRelease(olds, releaseInputs(app)), { changes: false, replaces: [] });
        assert.deepEqual(diffRelease(olds, releaseInputs(app, { image: IMAGE_2 })), { changes: true, replaces: [] });
        assert.deepEqual(diffRelease(olds, releaseInputs(app, { app: "other" })).replaces, ["app"]);
        suite.fly.clearRequests();

        const { outs } = await updateRelease(olds, releaseInputs(app, { env: { LOG_LEVEL: "DEBUG" }, timeoutSeconds: 60, minSecretsVersion: 4 }));
        assert.deepEqual(suite.fly.requests, []);
        assert.equal(outs!.runKey, olds.runKey);
        assert.equal(outs!.timeoutSeconds, 60);
    });

    it("runs again when the command changes, and when a rollback returns to an earlier image", async () => {
        const app = await suite.newApp();
        const first = (await createRelease(releaseInputs(app))).outs!;
        const second = (await updateRelease(first, releaseInputs(app, { image: IMAGE_2 }))).outs!;
        const back = (await updateRelease(second, releaseInputs(app))).outs!;
        await updateRelease(back, releaseInputs(app, { command: ["node", "migrate.js"] }));
        assert.equal(releaseMachines(app).length, 4);
        assert.equal(new Set([first.runKey, second.runKey, back.runKey]).size, 3);
    });

    it("never runs twice after a success: an update retried with the same state adopts the run that exited 0", async () => {
        const app = await suite.newApp();
        const olds = (await createRelease(releaseInputs(app))).outs!;
        const first = (await updateRelease(olds, releaseInputs(app, { image: IMAGE_2 }))).outs!;
        // The engine lost the answer: same old state, same inputs.
        const again = (await updateRelease(olds, releaseInputs(app, { image: IMAGE_2 }))).outs!;
        assert.equal(again.machineId, first.machineId);
        assert.equal(releaseMachines(app).filter((m) => m.config.image === IMAGE_2).length, 1);
    });

    for (const fault of [
        { kind: "drop", when: "after", what: "a dropped answer to the create (the machine exists)" },
        { kind: "500", when: "after", what: "a 5xx after the create was carried out" },
        { kind: "500", when: "before", what: "a 5xx before the create" },
        { kind: "429", when: "before", what: "a 429 on the create" },
    ] as const) {
        it(`neither runs twice nor leaves a machine behind after ${fault.what}`, async () => {
            const app = await suite.newApp();
            suite.fly.faults.add({ method: "POST", path: "/v1/apps/:app/machines", kind: fault.kind, when: fault.when, times: 1 });
            const { outs } = await createRelease(releaseInputs(app));
            await suite.fly.settle();
            assert.equal(suite.fly.faults.fired[fault.kind] > 0, true);
            const runs = releaseMachines(app);
            assert.equal(runs.length, 1, `release machines: ${runs.map((m) => m.id).join(", ")}`);
            assert.equal(runs[0].id, outs!.machineId);
            assert.deepEqual(alive(app), []);
        });
    }

    it("waits for secrets set just before it: Fly's 412 'not yet available' is retried, and the run happens once", async () => {
        const app = await suite.newApp();
        const previous = suite.fly.options.secretsPropagationMs;
        // Long enough that the create surely comes while the new version propagates, even on a loaded machine.
        suite.fly.options.secretsPropagationMs = 400;
        try {
            const answer = await flyRequest<{ version: number }>({ method: "POST", path: `/apps/${app}/secrets`, body: { values: { DATABASE_URL: "postgres://u:p@db/app" } }, resource: "test setup" });
            suite.fly.clearRequests();
            const { outs } = await createRelease(releaseInputs(app, { minSecretsVersion: answer.version }));
            await suite.fly.settle();
            const creates = releaseCreates();
            assert.ok(creates.some((r) => r.status === 412), "the first create drew Fly's 412 while the secrets propagated");
            assert.equal(creates.filter((r) => r.status === 200 || r.status === 201).length, 1, "then exactly one machine was created");
            assert.equal(outs!.exitCode, 0);
            assert.ok(creates.every((r) => (r.body as { min_secrets_version?: number }).min_secrets_version === answer.version));
            assert.deepEqual(alive(app), []);
        } finally {
            suite.fly.options.secretsPropagationMs = previous;
        }
    });

    it("keeps waiting through 5xx answers and dropped answers while the command runs", async () => {
        const app = await suite.newApp();
        suite.fly.faults.add({ method: "GET", path: "/v1/apps/:app/machines/:id/wait", kind: "500", times: 2 });
        suite.fly.faults.add({ method: "GET", path: "/v1/apps/:app/machines/:id", kind: "drop", times: 1 });
        const { outs } = await createRelease(releaseInputs(app));
        await suite.fly.settle();
        assert.equal(outs!.exitCode, 0);
        assert.equal(releaseMachines(app).length, 1);
        assert.deepEqual(alive(app), []);
    });

    it("destroys a release machine left alive by an interrupted run before it runs, and on delete", async () => {
        const app = await suite.newApp();
        const leftover = () =>
            flyRequest<{ id: string }>({
                method: "POST",
                path: `/apps/${app}/machines`,
                body: { config: { image: IMAGE_1, init: { cmd: HANGS }, auto_destroy: true, metadata: { [TAG_RELEASE]: "app-release", [TAG_RELEASE_KEY]: "interrupted" } } },
                resource: "test setup",
            });
        const stray = await leftover();
        const { outs } = await createRelease(releaseInputs(app));
        await suite.fly.settle();
        assert.notEqual(outs!.machineId, stray.id);
        assert.deepEqual(alive(app), []);

        await leftover();
        await releaseProvider.delete!(`${app}/app-release`, outs!);
        await suite.fly.settle();
        assert.deepEqual(alive(app), []);
    });

    it("refuses an empty command or an out-of-range timeout at check, naming the key", async () => {
        const { failures } = await releaseProvider.check!({} as ReleaseInputs, { ...releaseInputs("a"), command: [], timeoutSeconds: 0 });
        const reasons = (failures ?? []).map((f) => f.reason).join("\n");
        assert.match(reasons, /command must be a non-empty list/);
        assert.match(reasons, /timeoutSeconds must be a whole number from 1 to 3600, got 0/);
    });
});

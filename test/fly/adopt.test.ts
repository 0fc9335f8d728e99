/**
 * Adopting an existing Fly resource through the real dynamic-provider host. `pulumi import`
 * makes the engine call the host's `read` with no properties, and the host fails on it (pulumi/pulumi#16175): the
 * first case shows that through the host the CLI runs (engine/providers/dynamic.ts). The way that works is an input
 * that `check` and `create` honour: ManagedPostgres `adopt: "<cluster id>"` reads the cluster, verifies it is the one
 * the program describes, and takes it over without a request that changes anything (Volume `adopt: "<volume id>"`
 * the same); a cluster that differs is
 * refused with every difference, and the error for a same-name cluster says how to adopt it.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { ROOT } from "../../engine";
import { startDynamicProvider } from "../../engine/providers/dynamic";
import type { ResourceProvider, Target } from "../../engine/providers/types";
import type { Wire } from "../../engine/rpc";
import { flyType, thinFlyProvider } from "../../providers/fly/registration";
import type { Emulator } from "./emulator";
import { mutations, seedApp, TEST_TOKEN, useEmulator } from "./support";

const TARGET: Target = { urn: "urn:pulumi:prod::api-environments::fly:ManagedPostgres::db", type: flyType("ManagedPostgres"), name: "db", additionalSecretOutputs: [] };
const PROGRAM = { name: "api-prod-db", orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17, __provider: thinFlyProvider("ManagedPostgres") };

/** A ready cluster made out of band (by `fly mpg create`), as Fly holds it. */
function existingCluster(fly: Emulator, id: string, plan = "basic"): void {
    fly.state.postgres.set(id, {
        id,
        name: "api-prod-db",
        orgSlug: "personal",
        region: "ams",
        plan,
        diskSizeGb: 10,
        pgMajorVersion: "17",
        postgisEnabled: false,
        poolMode: "session",
        status: "ready",
        createdAt: new Date().toISOString(),
        adminUnavailableFor: 0,
        databases: new Set(["postgres"]),
        users: new Map(),
        attachments: new Map(),
        backups: [],
    });
}

describe("adopting an existing Managed Postgres cluster through the dynamic-provider host", () => {
    const env = useEmulator({ postgresReadyDelayMs: 20 });
    let host: ResourceProvider;

    before(async () => {
        host = await startDynamicProvider({
            cwd: ROOT,
            engineAddress: "127.0.0.1:1",
            env: { PATH: process.env.PATH, FLY_API_HOSTNAME: env.fly.url, FLY_API_TOKEN: TEST_TOKEN, FLY_POLL_INTERVAL_MS: "5", FLY_API_BACKOFF_MS: "1" },
        });
    });
    beforeEach(() => env.fly.state.postgres.clear());
    after(async () => {
        await host?.close();
        env.fly.state.postgres.clear();
    });

    it("cannot import: the host fails a read with no properties, which is what `pulumi import` sends (pulumi/pulumi#16175)", async () => {
        existingCluster(env.fly, "pg-import");
        // The host looks for `__provider` in the (empty) properties to find the provider, before any of our code runs.
        await assert.rejects(host.read(TARGET, "pg-import", {}, {}), /read: code must be a string, not undefined/);
        assert.deepEqual(mutations(env.fly), []);
    });

    it("adopts the cluster `adopt` names when it matches the program: reads only, its id and endpoints in the outputs", async () => {
        existingCluster(env.fly, "pg-adopt");
        const inputs = { ...PROGRAM, adopt: "pg-adopt" } as Record<string, Wire>;
        const checked = await host.check(TARGET, undefined, inputs);
        assert.deepEqual(checked.failures, []);
        const created = await host.create(TARGET, checked.inputs);
        assert.equal(created.id, "pg-adopt");
        assert.equal(created.outputs.clusterId, "pg-adopt");
        assert.match((created.outputs.pooler as { host: string }).host, /pg-adopt\.pg\.flympg\.net$/);
        assert.deepEqual(mutations(env.fly), [], "nothing was created or changed on Fly");
        assert.equal(env.fly.state.postgres.size, 1, "still the one cluster");
        const diff = await host.diff(TARGET, created.id, checked.inputs, created.outputs, checked.inputs, []);
        assert.equal(diff.changes, "none", "the next preview is clean");
    });

    it("refuses to adopt a cluster whose settings differ, naming each difference and the fix", async () => {
        existingCluster(env.fly, "pg-differs", "launch");
        const inputs = { ...PROGRAM, adopt: "pg-differs" } as Record<string, Wire>;
        await assert.rejects(host.create(TARGET, (await host.check(TARGET, undefined, inputs)).inputs), /cannot adopt cluster pg-differs: it has plan "launch" \(the program says "basic"\)\. Set the program to the cluster's settings/);
        await assert.rejects(host.create(TARGET, { ...PROGRAM, adopt: "pg-nowhere" } as Record<string, Wire>), /cannot adopt cluster pg-nowhere: Fly has no such cluster/);
        assert.deepEqual(mutations(env.fly), []);
    });

    it("refuses an adopt that is not an id at check time, and advises adopt (never import) for a same-name cluster", async () => {
        const checked = await host.check(TARGET, undefined, { ...PROGRAM, adopt: "../other" } as Record<string, Wire>);
        assert.deepEqual(checked.failures.map((f) => f.property), ["adopt"]);
        existingCluster(env.fly, "pg-same-name", "launch");
        await assert.rejects(host.create(TARGET, PROGRAM as Record<string, Wire>), (error: Error) => {
            assert.match(error.message, /set adopt to "pg-same-name" and the program to its settings/);
            assert.doesNotMatch(error.message, /import/);
            return true;
        });
        assert.deepEqual(mutations(env.fly), []);
    });
});

describe("adopting an existing volume through the dynamic-provider host", () => {
    const env = useEmulator();
    let host: ResourceProvider;
    const target: Target = { urn: "urn:pulumi:prod::api-environments::fly:Volume::data", type: flyType("Volume"), name: "data", additionalSecretOutputs: [] };

    before(async () => {
        host = await startDynamicProvider({ cwd: ROOT, engineAddress: "127.0.0.1:1", env: { PATH: process.env.PATH, FLY_API_HOSTNAME: env.fly.url, FLY_API_TOKEN: TEST_TOKEN, FLY_API_BACKOFF_MS: "1" } });
    });
    after(() => host?.close());

    it("takes over the volume `adopt` names when it matches, and refuses one whose size differs", async () => {
        seedApp(env.fly, "adopt-vol");
        const made = await fetch(`${env.fly.url}/v1/apps/adopt-vol/volumes`, {
            method: "POST",
            headers: { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify({ name: "data", region: "ams", size_gb: 3 }),
        });
        const volumeId = ((await made.json()) as { id: string }).id;
        env.fly.clearRequests();
        const program = { app: "adopt-vol", name: "data", region: "ams", sizeGb: 3, adopt: volumeId, __provider: thinFlyProvider("Volume") } as Record<string, Wire>;
        const checked = await host.check(target, undefined, program);
        assert.deepEqual(checked.failures, []);
        const created = await host.create(target, checked.inputs);
        assert.equal(created.id, `adopt-vol/${volumeId}`);
        assert.equal(created.outputs.volumeId, volumeId);
        assert.deepEqual(mutations(env.fly), [], "no volume was created");
        await assert.rejects(host.create(target, { ...program, sizeGb: 5 }), new RegExp(`cannot adopt volume ${volumeId}: it has sizeGb 3 \\(the program says 5\\)`));
        assert.deepEqual(mutations(env.fly), []);
        assert.equal(env.fly.state.apps.get("adopt-vol")!.volumes.size, 1);
    });
});

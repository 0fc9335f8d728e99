/**
 * fly:Volume against the emulator: create, grow, backup settings, shrink refused, replace triggers, import/refresh,
 * faults without duplicates, and no delete as a side effect of an update.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { volumeProvider } from "../../providers/fly/volumeProvider";
import { mutations, seedApp, useEmulator } from "./support";

const v = volumeProvider as Required<typeof volumeProvider>;
const base = { app: "vol-app", name: "pg_data", region: "ams", sizeGb: 3 };

describe("fly:Volume", () => {
    const env = useEmulator();

    it("creates with defaults, grows and updates backups in place, never deleting it", async () => {
        const { fly } = env;
        seedApp(fly, "vol-app");
        const created = await v.create(base);
        const volumeId = created.outs.volumeId;
        assert.equal(created.id, `vol-app/${volumeId}`);
        assert.deepEqual({ ...created.outs, volumeId: undefined }, { ...base, encrypted: true, snapshotRetention: 5, autoBackupEnabled: true, volumeId: undefined });

        const grown = { ...base, sizeGb: 10, snapshotRetention: 14, autoBackupEnabled: false };
        const diff = await v.diff(created.id, created.outs, grown);
        assert.deepEqual(diff, { changes: true, replaces: [] });
        fly.clearRequests();
        const updated = await v.update(created.id, created.outs, grown);
        assert.equal(updated.outs!.sizeGb, 10);
        assert.equal(updated.outs!.snapshotRetention, 14);
        assert.equal(updated.outs!.volumeId, volumeId);
        assert.deepEqual(mutations(fly), [`PUT /v1/apps/vol-app/volumes/${volumeId}/extend`, `PUT /v1/apps/vol-app/volumes/${volumeId}`]);
        const live = fly.state.apps.get("vol-app")!.volumes.get(volumeId)!;
        assert.deepEqual([live.sizeGb, live.snapshotRetention, live.autoBackupEnabled, live.state], [10, 14, false, "created"]);

        fly.clearRequests();
        const refreshed = await v.read(created.id, updated.outs);
        assert.deepEqual(refreshed.props, updated.outs);
        assert.equal((await v.diff(created.id, refreshed.props, grown)).changes, false);
        await v.update(created.id, updated.outs!, grown);
        assert.deepEqual(mutations(fly), [], "refresh, a no-op diff and a no-op update send nothing mutating");
    });

    it("refuses to shrink, naming the volume and both sizes, at diff and at update", async () => {
        const olds = { ...base, sizeGb: 10, encrypted: true, snapshotRetention: 5, autoBackupEnabled: true, volumeId: "vol_1" };
        const shrink = { ...base, sizeGb: 5 };
        await assert.rejects(v.diff("vol-app/vol_1", olds, shrink), /fly:Volume "pg_data" \(app vol-app\): cannot shrink the volume from 10 GB to 5 GB/);
        await assert.rejects(v.update("vol-app/vol_1", olds, shrink), /cannot shrink/);
        assert.deepEqual(mutations(env.fly), []);
    });

    it("replaces on app, name, region and encryption only", async () => {
        const olds = { ...base, encrypted: true, snapshotRetention: 5, autoBackupEnabled: true, volumeId: "vol_1" };
        for (const [key, value] of [["app", "other"], ["name", "other"], ["region", "fra"], ["encrypted", false]] as const) {
            assert.deepEqual((await v.diff("x", olds, { ...base, [key]: value })).replaces, [key]);
        }
        assert.equal((await v.diff("x", olds, { ...base, encrypted: true })).changes, false, "explicit default equals omitted");
        const { failures } = await v.check({}, { app: "a", name: "Bad-Name", region: "", sizeGb: 0, snapshotRetention: 90 });
        assert.deepEqual(failures!.map((f) => f.property), ["name", "region", "sizeGb", "snapshotRetention"]);
    });

    it("imports by <app>/<id> and notices a volume deleted out of band", async () => {
        const { fly } = env;
        seedApp(fly, "vol-import");
        const created = await v.create({ ...base, app: "vol-import" });
        const imported = await v.read(created.id);
        assert.deepEqual(imported.inputs, { ...base, app: "vol-import", encrypted: true, snapshotRetention: 5, autoBackupEnabled: true });
        fly.state.apps.get("vol-import")!.volumes.get(created.outs.volumeId)!.state = "destroyed";
        assert.equal((await v.read(created.id, created.outs)).id, "");
        await assert.rejects(v.read("no-slash"), /expected "<app>\/<volume id>"/);
    });

    it("keeps same-name volumes apart and leaves no duplicate after a lost or refused create", async () => {
        const { fly } = env;
        seedApp(fly, "vol-fault");
        const first = await v.create({ ...base, app: "vol-fault" });
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/volumes", kind: "drop", when: "after", times: 1 });
        const second = await v.create({ ...base, app: "vol-fault" });
        assert.notEqual(second.outs.volumeId, first.outs.volumeId, "an older volume of the same name is never adopted");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/volumes", kind: "insufficient_capacity", times: 1 });
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/volumes", kind: "500", when: "after", times: 1 });
        const third = await v.create({ ...base, app: "vol-fault" });
        const live = [...fly.state.apps.get("vol-fault")!.volumes.values()].filter((x) => x.state !== "destroyed");
        assert.deepEqual(live.map((x) => x.id).sort(), [first.outs.volumeId, second.outs.volumeId, third.outs.volumeId].sort());
    });

    it("deletes the volume only on delete", async () => {
        const { fly } = env;
        seedApp(fly, "vol-del");
        const created = await v.create({ ...base, app: "vol-del" });
        await v.delete(created.id, created.outs);
        assert.equal(fly.state.apps.get("vol-del")!.volumes.get(created.outs.volumeId)!.state, "destroyed");
        await v.delete(created.id, created.outs);
    });
});

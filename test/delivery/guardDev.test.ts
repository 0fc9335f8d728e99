/**
 * The guard on the local stack, turned on by config: renaming the app renames the database's Docker volume, which
 * replaces it (its files with it); the guard blocks that naming the volume and `name (config app.name)`, and lets it
 * through with its guard.allow entry.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromEngine } from "../../delivery/preview/model";
import { previewReport } from "../../delivery/preview/report";
import { parseStackFile, readStackFile } from "../../scripts/stackFile";
import { explain, StackUnderTest } from "../engine/support";

type Mutate = (config: Record<string, any>) => void;

const guarded = (allow: { resource: string; reason: string }[] = []): Mutate => (c) => {
    c.app.name = "shop";
    c.guard = { statefulChanges: "block", allow };
};

function guardOf(mutate: Mutate) {
    const config = readStackFile("dev");
    mutate(config);
    return parseStackFile("dev", config).config.guard;
}

describe("the guard on dev, asked for by config", { concurrency: false }, () => {
    let stack: StackUnderTest;
    before(async () => {
        stack = new StackUnderTest("dev", () => ({}));
        const up = await stack.run("up", { policyPack: false });
        assert.ok(up.ok, explain(up));
    });
    after(() => stack.dispose());

    it("blocks renaming the app, which replaces the database's volume, naming it and the config key", async () => {
        const mutate = guarded();
        const result = await stack.run("preview", { mutate, policyPack: false });
        assert.ok(result.ok, explain(result));
        const report = previewReport(fromEngine(result), guardOf(mutate));
        const volume = report.guard.findings.find((f) => f.type === "docker:index/volume:Volume");
        assert.ok(volume, report.guard.findings.map((f) => f.message).join("\n"));
        assert.deepEqual([volume.resource, volume.op, volume.properties], ["database-volume", "replace", ["name"]]);
        assert.match(volume.message, /losing the local database's files; forced by a change to name \(config app\.name\)/);
    });

    it("lets it through with a guard.allow entry for the volume", async () => {
        const mutate = guarded([{ resource: "database-volume", reason: "the service is renamed to shop; dev data is disposable" }]);
        const report = previewReport(fromEngine(await stack.run("preview", { mutate, policyPack: false })), guardOf(mutate));
        assert.ok(!report.guard.findings.some((f) => f.resource === "database-volume"));
        assert.ok(report.guard.allowed.some((a) => a.resource === "database-volume"));
    });
});

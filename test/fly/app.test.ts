/**
 * fly:App against the emulator: CRUD, diff (each replace trigger), import/refresh, faults without duplicates.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appProvider } from "../../providers/fly/appProvider";
import { mutations, seedApp, useEmulator } from "./support";

const p = appProvider as Required<typeof appProvider>;

describe("fly:App", () => {
    const env = useEmulator();

    it("creates, reads, refreshes without mutating, and deletes", async () => {
        const { fly } = env;
        const created = await p.create({ name: "app-crud", orgSlug: "personal" });
        assert.equal(created.id, "app-crud");
        assert.equal(created.outs.appId, fly.state.apps.get("app-crud")!.id);
        assert.deepEqual(mutations(fly), ["POST /v1/apps"]);

        fly.clearRequests();
        const read = await p.read(created.id, created.outs);
        assert.deepEqual(read.props, created.outs);
        const diff = await p.diff(created.id, created.outs, { name: "app-crud", orgSlug: "personal" });
        assert.equal(diff.changes, false);
        assert.deepEqual(mutations(fly), [], "refresh and a no-op diff send no mutating request");

        await p.delete(created.id, created.outs);
        assert.equal(fly.state.apps.has("app-crud"), false);
        await p.delete(created.id, created.outs);
        assert.deepEqual((await p.read(created.id, created.outs)).id, "", "a deleted app reads as gone");
    });

    it("imports by name", async () => {
        seedApp(env.fly, "app-import", "acme");
        const read = await p.read("app-import");
        assert.deepEqual(read.inputs, { name: "app-import", orgSlug: "acme" });
        assert.equal(read.props.appId, "id-app-import");
    });

    it("replaces on name, org and network; org or network changes delete first (names are global)", async () => {
        const olds = { name: "a-one", orgSlug: "personal", appId: "x" };
        assert.deepEqual(await p.diff("a-one", olds, { name: "a-two", orgSlug: "personal" }), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
        assert.deepEqual(await p.diff("a-one", olds, { name: "a-one", orgSlug: "acme" }), { changes: true, replaces: ["orgSlug"], deleteBeforeReplace: true });
        assert.deepEqual((await p.diff("a-one", olds, { name: "a-one", orgSlug: "personal", network: "n2" })).replaces, ["network"]);
        assert.equal((await p.diff("a-one", { ...olds, network: "" }, { name: "a-one", orgSlug: "personal" })).changes, false);
    });

    it("validates inputs in check", async () => {
        const { failures } = await p.check({}, { name: "Bad_Name", orgSlug: "" });
        assert.deepEqual(failures!.map((f) => f.property), ["name", "orgSlug"]);
    });

    it("adopts its own app left by a lost answer, and refuses one owned by another org", async () => {
        const { fly } = env;
        seedApp(fly, "app-adopt", "personal");
        const adopted = await p.create({ name: "app-adopt", orgSlug: "personal" });
        assert.equal(adopted.outs.appId, "id-app-adopt");
        assert.deepEqual(mutations(fly), []);
        seedApp(fly, "app-theirs", "someone-else");
        await assert.rejects(p.create({ name: "app-theirs", orgSlug: "personal" }), /fly:App "app-theirs": an app with this name already exists in organization "someone-else"/);
    });

    for (const fault of [
        { kind: "drop", when: "after" },
        { kind: "500", when: "after" },
        { kind: "500", when: "before" },
        { kind: "drop", when: "before" },
        { kind: "429", when: "before" },
    ] as const) {
        it(`converges with one app when the create meets ${fault.kind} (${fault.when})`, async () => {
            const { fly } = env;
            const name = `app-fault-${fault.kind}-${fault.when}`;
            fly.faults.add({ method: "POST", path: "/v1/apps", kind: fault.kind, when: fault.when, times: 1 });
            const created = await p.create({ name, orgSlug: "personal" });
            assert.equal(created.id, name);
            assert.ok(fly.state.apps.has(name));
            const posts = fly.requests.filter((r) => r.method === "POST").length;
            assert.ok(posts <= 2, `at most one re-send, saw ${posts}`);
            if (fault.when === "after") assert.equal(posts, 1, "a create that was carried out is found, not re-sent");
        });
    }
});

/**
 * fly:Secrets against the emulator: only changed keys are set/unset, the version is output, drift is noticed on
 * refresh, values never appear outside secret outputs, and faults converge.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secretsProvider } from "../../providers/fly/secretsProvider";
import { mutations, seedApp, useEmulator } from "./support";

const s = secretsProvider as Required<typeof secretsProvider>;

describe("fly:Secrets", () => {
    const env = useEmulator();

    it("sets everything on create, then only changed keys, and outputs the version", async () => {
        const { fly } = env;
        seedApp(fly, "sec-app");
        const app = fly.state.apps.get("sec-app")!;
        app.secrets.set("UNMANAGED", { value: "keep", digest: "d", createdAt: "", updatedAt: "" });
        const created = await s.create({ app: "sec-app", values: { JWT_SECRET: "j1", DATABASE_URL: "postgres://a", SENTRY_DSN: "https://dsn" } });
        assert.equal(created.id, "sec-app");
        assert.equal(created.outs.version, app.secretsVersion);
        assert.deepEqual(created.outs.keys, ["DATABASE_URL", "JWT_SECRET", "SENTRY_DSN"]);
        assert.deepEqual(mutations(fly), ["POST /v1/apps/sec-app/secrets"]);

        const news = { app: "sec-app", values: { JWT_SECRET: "j2", DATABASE_URL: "postgres://a", NEW_KEY: "n" } };
        assert.deepEqual(await s.diff("sec-app", created.outs, news), { changes: true, replaces: [] });
        fly.clearRequests();
        const updated = await s.update("sec-app", created.outs, news);
        assert.deepEqual(mutations(fly), ["POST /v1/apps/sec-app/secrets", "DELETE /v1/apps/sec-app/secrets/SENTRY_DSN"]);
        assert.deepEqual(fly.requests[0].body, { values: { JWT_SECRET: "j2", NEW_KEY: "n" } }, "unchanged DATABASE_URL is not re-sent");
        assert.ok(updated.outs!.version > created.outs.version);
        assert.equal(updated.outs!.version, app.secretsVersion);
        assert.deepEqual([...app.secrets.keys()].sort(), ["DATABASE_URL", "JWT_SECRET", "NEW_KEY", "UNMANAGED"]);
        assert.equal(app.secrets.get("JWT_SECRET")!.value, "j2");

        fly.clearRequests();
        const refreshed = await s.read("sec-app", updated.outs);
        assert.deepEqual(refreshed.props, updated.outs);
        assert.equal((await s.diff("sec-app", refreshed.props, news)).changes, false);
        await s.update("sec-app", updated.outs!, news);
        assert.deepEqual(mutations(fly), [], "refresh and no-op send nothing mutating");

        await s.delete("sec-app", updated.outs!);
        assert.deepEqual([...app.secrets.keys()], ["UNMANAGED"], "delete unsets only the managed keys");
    });

    it("notices a value changed or removed out of band and sets only that key again", async () => {
        const { fly } = env;
        seedApp(fly, "sec-drift");
        const app = fly.state.apps.get("sec-drift")!;
        const inputs = { app: "sec-drift", values: { A: "1", B: "2", C: "3" } };
        const created = await s.create(inputs);
        app.secrets.set("A", { ...app.secrets.get("A")!, value: "tampered", digest: "other" });
        app.secrets.delete("C");
        const refreshed = await s.read("sec-drift", created.outs);
        assert.deepEqual(refreshed.props.keys, ["B"]);
        fly.clearRequests();
        await s.update("sec-drift", refreshed.props, inputs);
        assert.deepEqual(fly.mutating().map((r) => r.body), [{ values: { A: "1", C: "3" } }]);
        assert.equal(app.secrets.get("A")!.value, "1");
    });

    it("replaces on app, and never puts a value in an error or a plain output", async () => {
        const olds = { app: "a", values: { K: "v" }, version: 1, keys: ["K"], digests: { K: "d" } };
        assert.deepEqual((await s.diff("a", olds, { app: "b", values: { K: "v" } })).replaces, ["app"]);
        const { failures } = await s.check({}, { app: "a", values: { "bad-key": "super-secret-value" } });
        assert.equal(failures!.length, 1);
        assert.ok(!JSON.stringify(failures).includes("super-secret-value"));
    });

    it("converges when setting secrets meets 500s and dropped connections", async () => {
        const { fly } = env;
        seedApp(fly, "sec-fault");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/secrets", kind: "500", times: 1 });
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/secrets", kind: "drop", when: "after", times: 1 });
        const created = await s.create({ app: "sec-fault", values: { A: "1" } });
        const app = fly.state.apps.get("sec-fault")!;
        assert.equal(app.secrets.get("A")!.value, "1");
        assert.equal(created.outs.version, app.secretsVersion);
    });
});

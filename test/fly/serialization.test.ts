/**
 * The providers' serialized form, as the resource classes register it (`serializedFlyProvider`: every provider
 * serialized once, with `handler` bound to one kind) and the dynamic-provider plugin loads it (`require-from-string`,
 * plain node, another working directory): each kind runs from its text in a child process against the emulator, and
 * the text carries no credential, host or state.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { type FlyKind, serializedFlyProvider as serialize } from "../../providers/fly/serialized";
import { seedApp, TEST_TOKEN, useEmulator } from "./support";

const run = promisify(execFile);
const KINDS: FlyKind[] = ["App", "IpAssignment", "Certificate", "Volume", "Secrets", "MachineGroup", "ManagedPostgres", "PostgresDatabase", "PostgresUser"];
const workdir = mkdtempSync(join(tmpdir(), "fly-serialized-"));
const requireFromString = require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] });

/** What the dynamic-provider plugin does with `__provider`, then one method call; prints the JSON result. */
const RUNNER = `
const fs = require("node:fs");
const [file, method, argsJson] = process.argv.slice(1);
const provider = require(${JSON.stringify(requireFromString)})(fs.readFileSync(file, "utf8")).handler();
provider[method](...JSON.parse(argsJson)).then(
    (result) => process.stdout.write(JSON.stringify(result ?? null)),
    (error) => { process.stderr.write(String(error && error.message)); process.exit(1); },
);`;

async function runSerialized(text: string, method: string, args: unknown[], env: Record<string, string>): Promise<any> {
    const file = join(workdir, `provider-${Math.random().toString(36).slice(2)}.js`);
    writeFileSync(file, text);
    const { stdout } = await run(process.execPath, ["-e", RUNNER, file, method, JSON.stringify(args)], {
        cwd: workdir,
        env: { PATH: process.env.PATH ?? "", ...env },
        timeout: 15_000,
    });
    return JSON.parse(stdout);
}

describe("serialized Fly providers", () => {
    const env = useEmulator();
    after(() => rmSync(workdir, { recursive: true, force: true }));

    const childEnv = (): Record<string, string> => ({ FLY_API_HOSTNAME: env.fly.url, FLY_API_TOKEN: TEST_TOKEN, FLY_POLL_INTERVAL_MS: "5", FLY_API_BACKOFF_MS: "1" });

    it("carry no credential, host or environment value in their text", async () => {
        for (const kind of KINDS) {
            const text = await serialize(kind);
            assert.ok(!text.includes(TEST_TOKEN), "token in serialized provider");
            assert.ok(!text.includes(env.fly.url), "emulator host in serialized provider");
            assert.ok(!/import\(["']\.\//.test(text), "a relative import() cannot be resolved by the plugin");
        }
    });

    it("serialize every provider once: each kind's text is the shared text plus the line choosing its provider", async () => {
        const texts = await Promise.all(KINDS.map((kind) => serialize(kind)));
        const shared = (text: string) => text.slice(0, text.lastIndexOf("\nexports.handler = "));
        for (const text of texts) assert.equal(shared(text), shared(texts[0]));
        assert.equal(new Set(texts).size, KINDS.length, "each kind registers its own text");
    });

    it("route each kind's text to that kind's provider, in another process", async () => {
        const invalid: Record<string, unknown> = { MachineGroup: { app: "a", group: "web", regions: { iad: 1 }, config: { image: "x" }, strategy: "sideways" } };
        for (const kind of KINDS) {
            const checked = await runSerialized(await serialize(kind), "check", [{}, invalid[kind] ?? {}], {});
            assert.ok(checked.failures.length > 0, `${kind}: no failures for invalid inputs`);
            const mark = kind === "MachineGroup" ? /^MachineGroup "web": strategy/ : new RegExp(`^fly:${kind}\\b`);
            for (const failure of checked.failures) assert.match(failure.reason, mark, `${kind} text ran another kind's check`);
        }
    });

    it("create and read an app from the serialized text, in another process and directory", async () => {
        const text = await serialize("App");
        const created = await runSerialized(text, "create", [{ name: "ser-app", orgSlug: "personal" }], childEnv());
        assert.equal(created.id, "ser-app");
        assert.ok(env.fly.state.apps.has("ser-app"));
        const read = await runSerialized(text, "read", ["ser-app", created.outs], childEnv());
        assert.deepEqual(read.props, created.outs);
        await assert.rejects(runSerialized(text, "read", ["ser-app", created.outs], { FLY_API_HOSTNAME: env.fly.url }), /FLY_API_TOKEN is not set/);
    });

    it("run every other provider's methods from their serialized text", async () => {
        const { fly } = env;
        seedApp(fly, "ser-all");
        const e = childEnv();
        const ip = await runSerialized(await serialize("IpAssignment"), "create", [{ app: "ser-all", type: "v6" }], e);
        assert.equal(ip.outs.address, fly.state.apps.get("ser-all")!.ips[0].ip);
        const cert = await runSerialized(await serialize("Certificate"), "create", [{ app: "ser-all", hostname: "a.example.com" }], e);
        assert.equal(cert.outs.status, "awaiting_configuration");
        const volumeText = await serialize("Volume");
        const volume = await runSerialized(volumeText, "create", [{ app: "ser-all", name: "data", region: "ams", sizeGb: 1 }], e);
        await assert.rejects(runSerialized(volumeText, "diff", [volume.id, volume.outs, { ...volume.outs, sizeGb: 0 }], e), /cannot shrink/);
        const secrets = await runSerialized(await serialize("Secrets"), "create", [{ app: "ser-all", values: { K: "v" } }], e);
        assert.equal(secrets.outs.version, 1);
        const cluster = await runSerialized(await serialize("ManagedPostgres"), "create", [{ name: "ser-pg", orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 }], e);
        assert.equal(cluster.outs.status, "ready");
        const database = await runSerialized(await serialize("PostgresDatabase"), "create", [{ clusterId: cluster.id, name: "app" }], e);
        assert.equal(database.id, `${cluster.id}/app`);
        const user = await runSerialized(await serialize("PostgresUser"), "read", [`${cluster.id}/nobody`, {}], e);
        assert.equal(user.id, "");
    });
});

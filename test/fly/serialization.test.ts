/**
 * The providers' registered form: each Fly resource's `__provider` is a thin text that loads the installed package
 * `@api-environments/fly-provider` (registration.ts). Each kind runs from its text in the plugin's way (plain node,
 * cwd = the repository root, see serializationHost.ts) against the emulator; the text is small, carries no
 * credential or host, is the same whatever compiles the program, and says how to fix a missing install.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import * as ts from "typescript";
import { FLY_KINDS, type FlyKind, thinFlyProvider } from "../../providers/fly/registration";
import { MAX_PROVIDER_BYTES } from "../harness/stateSize";
import { ROOT, runInPluginHost, succeeded } from "./serializationHost";
import { seedApp, TEST_TOKEN, useEmulator } from "./support";

const KINDS: readonly FlyKind[] = FLY_KINDS;
const scratch = mkdtempSync(join(tmpdir(), "fly-thin-"));

describe("thin Fly providers", () => {
    const env = useEmulator();
    after(() => rmSync(scratch, { recursive: true, force: true }));

    const childEnv = (): Record<string, string> => ({ FLY_API_HOSTNAME: env.fly.url, FLY_API_TOKEN: TEST_TOKEN, FLY_POLL_INTERVAL_MS: "5", FLY_API_BACKOFF_MS: "1" });

    it("are at most 2 KB each and carry no credential, host or environment value", () => {
        assert.ok(KINDS.length >= 9, `registration.ts lists ${KINDS.length} kinds`);
        for (const kind of KINDS) {
            const text = thinFlyProvider(kind);
            assert.ok(Buffer.byteLength(text) <= MAX_PROVIDER_BYTES, `${kind}: __provider is ${Buffer.byteLength(text)} bytes, over ${MAX_PROVIDER_BYTES}`);
            assert.ok(!text.includes(TEST_TOKEN) && !text.includes(env.fly.url), `${kind}: credential or host in __provider`);
            assert.ok(!/FLY_API/.test(text), `${kind}: __provider reads the environment itself`);
        }
        assert.equal(new Set(KINDS.map(thinFlyProvider)).size, KINDS.length, "each kind registers its own text");
    });

    it("are the same text when registration.ts is compiled by TypeScript itself and run by plain node", async () => {
        // tsx (esbuild) compiles this process; Pulumi's CLI compiles with TypeScript (ts-node, transpile-only).
        const source = readFileSync(join(ROOT, "providers", "fly", "registration.ts"), "utf8");
        const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
        const file = join(scratch, "registration.js");
        writeFileSync(file, compiled);
        const script = `const r = require(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(${JSON.stringify(KINDS)}.map((k) => r.thinFlyProvider(k))));`;
        const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: scratch, env: { PATH: process.env.PATH ?? "" } });
        assert.deepEqual(JSON.parse(stdout), KINDS.map(thinFlyProvider));
    });

    it("route each kind's text to that kind's provider, in the plugin's way", async () => {
        const invalid: Record<string, unknown> = { MachineGroup: { app: "a", group: "web", regions: { iad: 1 }, config: { image: "x" }, strategy: "sideways" } };
        const results = await runInPluginHost(
            KINDS.map((kind) => ({ text: thinFlyProvider(kind), method: "check", args: [{}, invalid[kind] ?? {}] })),
            {},
        );
        KINDS.forEach((kind, i) => {
            const checked = succeeded(results[i], `${kind} check`);
            assert.ok(checked.failures.length > 0, `${kind}: no failures for invalid inputs`);
            const mark = kind === "MachineGroup" ? /^MachineGroup "web": strategy/ : new RegExp(`^fly:${kind}\\b`);
            for (const failure of checked.failures) assert.match(failure.reason, mark, `${kind} text ran another kind's check`);
        });
    });

    it("create and read an app from its text; the token is read from the environment at call time", async () => {
        const text = thinFlyProvider("App");
        const [created] = await runInPluginHost([{ text, method: "create", args: [{ name: "thin-app", orgSlug: "personal" }] }], childEnv());
        const outs = succeeded(created, "create").outs;
        assert.ok(env.fly.state.apps.has("thin-app"));
        const [read] = await runInPluginHost([{ text, method: "read", args: ["thin-app", outs] }], childEnv());
        assert.deepEqual(succeeded(read, "read").props, outs);
        const [unauthenticated] = await runInPluginHost([{ text, method: "read", args: ["thin-app", outs] }], { FLY_API_HOSTNAME: env.fly.url });
        assert.match(unauthenticated.error ?? "", /FLY_API_TOKEN is not set/);
    });

    it("run every other provider's methods from their texts", async () => {
        const { fly } = env;
        seedApp(fly, "thin-all");
        const text = (kind: FlyKind) => thinFlyProvider(kind);
        const [ip, cert, volume, secrets, cluster] = await runInPluginHost(
            [
                { text: text("IpAssignment"), method: "create", args: [{ app: "thin-all", type: "v6" }] },
                { text: text("Certificate"), method: "create", args: [{ app: "thin-all", hostname: "a.example.com" }] },
                { text: text("Volume"), method: "create", args: [{ app: "thin-all", name: "data", region: "ams", sizeGb: 1 }] },
                { text: text("Secrets"), method: "create", args: [{ app: "thin-all", values: { K: "v" } }] },
                { text: text("ManagedPostgres"), method: "create", args: [{ name: "thin-pg", orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 }] },
            ],
            childEnv(),
        );
        assert.equal(succeeded(ip, "IpAssignment create").outs.address, fly.state.apps.get("thin-all")!.ips[0].ip);
        assert.equal(succeeded(cert, "Certificate create").outs.status, "awaiting_configuration");
        assert.equal(succeeded(secrets, "Secrets create").outs.version, 1);
        const clusterId = succeeded(cluster, "ManagedPostgres create").id as string;
        assert.equal(cluster.value.outs.status, "ready");
        const { id: volumeId, outs: volumeOuts } = succeeded(volume, "Volume create");
        const [shrink, database, user] = await runInPluginHost(
            [
                { text: text("Volume"), method: "diff", args: [volumeId, volumeOuts, { ...volumeOuts, sizeGb: 0 }] },
                { text: text("PostgresDatabase"), method: "create", args: [{ clusterId, name: "app" }] },
                { text: text("PostgresUser"), method: "read", args: [`${clusterId}/nobody`, {}] },
            ],
            childEnv(),
        );
        assert.match(shrink.error ?? "", /cannot shrink/);
        assert.equal(succeeded(database, "PostgresDatabase create").id, `${clusterId}/app`);
        assert.equal(succeeded(user, "PostgresUser read").id, "");
    });

    it("name the package and the fix when it is not installed where the plugin runs", async () => {
        const [missing] = await runInPluginHost([{ text: thinFlyProvider("Volume"), method: "check", args: [{}, {}] }], {}, scratch);
        assert.match(missing.error ?? "", /^fly:Volume: cannot load the Fly provider package @api-environments\/fly-provider from .*; run `npm ci` in the Pulumi project directory/);
    });
});

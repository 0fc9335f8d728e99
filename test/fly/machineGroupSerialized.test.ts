/**
 * The MachineGroup provider as Pulumi's dynamic-provider plugin runs it: the thin text the class registers
 * (`thinFlyProvider`), evaluated by `require-from-string` under an empty file name in a plain `node` child process
 * (no TypeScript loader) whose working directory is the project, so the text loads the installed, built package;
 * then driven through create, read, diff and delete against the emulator. Neither text nor state holds a credential.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { flyRequest } from "../../providers/fly/client";
import type { MachineGroupInputs } from "../../providers/fly/machineGroupTypes";
import { thinFlyProvider } from "../../providers/fly/registration";
import { type Emulator, startEmulator } from "./emulator";
import { FAST_ROLLOUTS, TEST_TOKEN } from "./support";

const ROOT = join(__dirname, "..", "..");

/** Loads the provider text the way the plugin does, runs create → read → diff → delete, prints a summary. */
const CHILD = `
const requireFromString = require("require-from-string");
const text = require("node:fs").readFileSync(process.argv[1], "utf8");
const provider = requireFromString(text).handler();
const inputs = JSON.parse(process.argv[2]);
(async () => {
    const checked = await provider.check(undefined, inputs);
    const created = await provider.create(inputs);
    const read = await provider.read(created.id, created.outs);
    const diff = await provider.diff(created.id, read.props, inputs);
    await provider.delete(created.id, created.outs);
    console.log(JSON.stringify({ failures: checked.failures, id: created.id, machines: created.outs.machineIds.length, imageRef: created.outs.imageRef, changes: diff.changes, state: created.outs }));
})().catch((error) => { console.error(error && error.stack || String(error)); process.exit(1); });
`;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-e", CHILD, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

let fly: Emulator;
let dir: string;

before(async () => {
    fly = await startEmulator({ startDelayMs: 10, stopDelayMs: 10, healthDelayMs: 30 });
    dir = mkdtempSync(join(tmpdir(), "machinegroup-serialized-"));
});

after(async () => {
    await fly.close();
    rmSync(dir, { recursive: true, force: true });
});

describe("MachineGroup provider text", () => {
    it("runs from its registered text in plain node, with no credential in the text or the state", async () => {
        process.env.FLY_API_TOKEN = TEST_TOKEN;
        process.env.FLY_API_HOSTNAME = fly.url;
        await flyRequest({ method: "POST", path: "/apps", body: { name: "mg-serialized", org_slug: "personal" }, resource: "test setup" });
        const text = thinFlyProvider("MachineGroup");
        delete process.env.FLY_API_TOKEN;
        assert.ok(!text.includes(TEST_TOKEN) && !text.includes(TEST_TOKEN.slice(4)));
        assert.ok(!text.includes(fly.url), "the API host is read at call time, not captured");
        const file = join(dir, "provider.js");
        writeFileSync(file, text);

        const inputs: MachineGroupInputs = {
            app: "mg-serialized",
            group: "web",
            regions: { iad: 2 },
            config: { image: "registry.fly.io/api:1.0", checks: { health: { type: "http", port: 8080, path: "/health" } } },
            strategy: "rolling",
            healthTimeoutSeconds: 5,
            rolloutTiming: FAST_ROLLOUTS,
        };
        const { code, stdout, stderr } = await run([file, JSON.stringify(inputs)], { PATH: process.env.PATH, FLY_API_TOKEN: TEST_TOKEN, FLY_API_HOSTNAME: fly.url });
        assert.equal(code, 0, stderr);
        assert.ok(!stderr.includes(TEST_TOKEN) && !stdout.includes(TEST_TOKEN.slice(4)));
        const result = JSON.parse(stdout.trim().split("\n").pop()!) as { failures: unknown[]; id: string; machines: number; imageRef: string; changes: boolean };
        assert.deepEqual(result.failures, []);
        assert.equal(result.id, "mg-serialized/web");
        assert.equal(result.machines, 2);
        assert.match(result.imageRef, /@sha256:/);
        assert.equal(result.changes, false);
        await fly.settle();
        assert.equal([...fly.state.apps.get("mg-serialized")!.machines.values()].filter((m) => m.state !== "destroyed").length, 0);
    });
});

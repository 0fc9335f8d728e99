/**
 * The `pulumi-nodejs` plugin, started as the CLI starts it (engine/providers/launch.ts): from the folder Pulumi.yaml
 * names under `plugins.providers`, else the CLI's bundled way. This project's entry runs the dynamic-provider host
 * with what it never uses deferred (startup/dynamicProvider.js); the control case starts the same host the bundled
 * way and sees the TypeScript compiler load. A wrong entry is an error naming Pulumi.yaml and the path.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ROOT } from "../../engine";
import { startPlugin } from "../../engine/plugin";
import { readProjectFile } from "../../engine/program";
import { dynamicProviderLaunch, pluginEnv, pluginExecutable, type PluginLaunch } from "../../engine/providers/launch";

const FIXTURE = join(ROOT, "test", "fixtures", "engine-project");
/** No engine listens here: the host only needs an address to start and print its port. */
const NO_ENGINE = "127.0.0.1:1";

// Inside the project's node_modules, so a scratch project resolves @pulumi/pulumi as a real one would.
mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
const scratch = mkdtempSync(join(ROOT, "node_modules", ".cache", "plugin-launch-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A project folder whose Pulumi.yaml has the given `plugins` block (YAML text), and nothing else of note. */
function project(name: string, plugins: string): string {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n${plugins}`);
    return dir;
}

const launchOf = (root: string, version?: string) => dynamicProviderLaunch(root, readProjectFile(root), NO_ENGINE, version);

/** Which of the modules startup/defer.js defers the host had loaded once it printed its port. */
async function loadedByHost(launch: PluginLaunch, root: string): Promise<{ typescript: boolean }> {
    const out = join(scratch, `probe-${Math.random().toString(36).slice(2)}.json`);
    const probe = join(scratch, "probe.js");
    writeFileSync(probe, `process.on("SIGTERM", () => {
        const files = Object.keys(require.cache);
        require("node:fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify({
            typescript: files.some((f) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(f)),
        }));
        process.exit(0);
    });`);
    const env = pluginEnv(readProjectFile(root), { ...process.env, NODE_OPTIONS: `--require ${probe}` });
    const plugin = await startPlugin({ name: "probe", command: launch.command, args: launch.args, cwd: root, env });
    assert.match(plugin.address, /^127\.0\.0\.1:\d+$/);
    await plugin.stop();
    return JSON.parse(readFileSync(out, "utf8"));
}

describe("the pulumi-nodejs plugin, as the CLI starts it", () => {
    it("this project's Pulumi.yaml makes it the project's own plugin file, executable, with a .cmd beside it for Windows", async () => {
        const launch = await launchOf(ROOT);
        assert.equal(launch.source, "project");
        assert.equal(launch.command, join(ROOT, "startup", "plugins", "pulumi-resource-pulumi-nodejs"));
        assert.deepEqual(launch.args, [NO_ENGINE]);
        assert.notEqual(statSync(launch.command).mode & 0o111, 0, "the plugin file lost its executable bit");
        assert.ok(statSync(pluginExecutable(join(ROOT, "startup", "plugins"), "pulumi-nodejs", "win32")).isFile());
    });

    it("a project without the entry gets the CLI's bundled way: a node resolves the project's host, a second runs it", async () => {
        const launch = await launchOf(FIXTURE);
        assert.equal(launch.source, "bundled");
        assert.equal(launch.command, process.execPath);
        assert.equal(launch.args[0], require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [FIXTURE] }));
        assert.equal(launch.args[1], NO_ENGINE);
    });

    it("an entry for another version only is passed over, as the CLI passes over an incompatible project plugin", async () => {
        const root = project("other-version", "plugins:\n  providers:\n    - name: pulumi-nodejs\n      path: .\n      version: 1.0.0\n");
        writeFileSync(pluginExecutable(root, "pulumi-nodejs"), "#!/bin/sh\n");
        chmodSync(pluginExecutable(root, "pulumi-nodejs"), 0o755);
        assert.equal((await launchOf(root, "3.248.0")).source, "bundled");
        assert.equal((await launchOf(root, "1.0.0")).source, "project");
        assert.equal((await launchOf(root)).source, "project", "a request without a version takes any project plugin");
    });

    it("control: started the bundled way, the host loads the TypeScript compiler", async () => {
        assert.deepEqual(await loadedByHost(await launchOf(FIXTURE), FIXTURE), { typescript: true });
    });

    it("started from this project's plugin file, the same host prints its port without having loaded it", async () => {
        assert.deepEqual(await loadedByHost(await launchOf(ROOT), ROOT), { typescript: false });
    });

    it("sees the runtime options and the project's name in its environment, as the CLI sets them", () => {
        const env = pluginEnv(readProjectFile(ROOT), {});
        assert.equal(env.PULUMI_RUNTIME_TYPESCRIPT, "false");
        assert.equal(env.PULUMI_NODEJS_PROJECT, "api-environments");
        assert.equal(env.PULUMI_PROJECT, "api-environments");
    });
});

describe("a plugins.providers entry the CLI would refuse", () => {
    const entry = (path: string) => `plugins:\n  providers:\n    - name: pulumi-nodejs\n      path: ${path}\n`;

    it("a path with no folder: the error names Pulumi.yaml, the entry and the path", async () => {
        const root = project("missing", entry("no/such/folder"));
        await assert.rejects(launchOf(root), (e: Error) => /Pulumi\.yaml: plugins\.providers entry "pulumi-nodejs": no folder at path '.*no\/such\/folder'/.test(e.message));
    });

    it("a path that is a file, not the plugin's folder", async () => {
        const root = project("file", entry("Pulumi.yaml"));
        await assert.rejects(launchOf(root), /is not a directory/);
    });

    it("a folder without the plugin file, or with one that is not executable", async () => {
        const root = project("empty", entry("plugin"));
        mkdirSync(join(root, "plugin"));
        await assert.rejects(launchOf(root), /has no plugin file .*pulumi-resource-pulumi-nodejs/);
        const file = pluginExecutable(join(root, "plugin"), "pulumi-nodejs");
        writeFileSync(file, "#!/bin/sh\n");
        chmodSync(file, 0o644);
        await assert.rejects(launchOf(root), /is not executable \(chmod \+x it/);
    });

    it("an entry with a key the project schema does not allow, or without a path", () => {
        assert.throws(() => readProjectFile(project("extra", "plugins:\n  providers:\n    - name: pulumi-nodejs\n      path: .\n      bin: x\n")), /plugins\.providers\[0\]: unknown key "bin" \(allowed: name, path, version\)/);
        assert.throws(() => readProjectFile(project("nopath", "plugins:\n  providers:\n    - name: pulumi-nodejs\n")), /plugins\.providers\[0\] \(pulumi-nodejs\): path must be the plugin's folder/);
    });
});

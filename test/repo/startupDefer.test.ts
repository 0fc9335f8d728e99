/**
 * startup/defer.js: `require("@pulumi/pulumi")` no longer loads the TypeScript compiler, npm's arborist or the
 * Automation API, and a caller that does use them (closure serialization, code paths, `pulumi.automation`) still gets
 * the real modules. Each case runs in a fresh
 * node, as the program and the policy pack start, and the control case shows the same probe sees all three load
 * when nothing is deferred.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deferredModule } = require("../../startup/defer") as typeof import("../../startup/defer");

const ROOT = join(__dirname, "..", "..");

/** Which of the deferred modules a process has loaded. */
interface Loaded {
    readonly typescript: boolean;
    readonly arborist: boolean;
    readonly automation: boolean;
}

/** What a fresh node reports: which of the modules are loaded after each step. */
interface Probe {
    readonly afterRequire: Loaded;
    readonly serialized?: string;
    readonly afterSerialize?: Loaded;
    readonly codePaths?: number;
    readonly afterCodePaths?: Loaded;
    readonly workspaceClass?: string;
    readonly afterAutomation?: Loaded;
}

/** Runs the probe in a new node from the project directory; `defer` installs startup/defer.js first. */
function probe(options: { defer: boolean; use: boolean; scratch: string }): Probe {
    const script = `
        ${options.defer ? 'require("./startup/defer").deferUnusedModules();' : ""}
        const loaded = () => {
            const files = Object.keys(require.cache);
            return {
                typescript: files.some((f) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(f)),
                arborist: files.some((f) => /[\\\\/]@npmcli[\\\\/]arborist[\\\\/]/.test(f)),
                automation: files.some((f) => /[\\\\/]@pulumi[\\\\/]pulumi[\\\\/]automation[\\\\/]index\\.js$/.test(f)),
            };
        };
        const pulumi = require("@pulumi/pulumi");
        const report = { afterRequire: loaded() };
        (async () => {
            if (${options.use}) {
                report.serialized = (await pulumi.runtime.serializeFunction(() => 6 * 7)).text;
                report.afterSerialize = loaded();
                process.chdir(${JSON.stringify(options.scratch)});
                report.codePaths = (await pulumi.runtime.computeCodePaths({})).size;
                report.afterCodePaths = loaded();
                report.workspaceClass = typeof pulumi.automation.LocalWorkspace;
                report.afterAutomation = loaded();
            }
            process.stdout.write(JSON.stringify(report));
        })().catch((error) => { console.error(error); process.exit(1); });
    `;
    // Closure serialization requires every builtin module, which prints node's deprecation notices: not ours to show.
    const out = execFileSync(process.execPath, ["--no-warnings", "-e", script], { cwd: ROOT, encoding: "utf8" });
    return JSON.parse(out) as Probe;
}

describe("startup/defer.js", () => {
    const scratch = mkdtempSync(join(tmpdir(), "defer-codepaths-"));
    // computeCodePaths reads the package.json of the working directory and walks its (here: no) dependencies.
    writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0", dependencies: {} }));
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("control: without it, require(\"@pulumi/pulumi\") loads the TypeScript compiler, arborist and the Automation API", () => {
        assert.deepEqual(probe({ defer: false, use: false, scratch }).afterRequire, { typescript: true, arborist: true, automation: true });
    });

    it("with it, require(\"@pulumi/pulumi\") loads none of them", () => {
        assert.deepEqual(probe({ defer: true, use: false, scratch }).afterRequire, { typescript: false, arborist: false, automation: false });
    });

    it("a caller that uses them gets the real modules: serializeFunction parses with TypeScript, computeCodePaths runs arborist, automation has its classes", () => {
        const report = probe({ defer: true, use: true, scratch });
        assert.deepEqual(report.afterRequire, { typescript: false, arborist: false, automation: false });
        assert.match(report.serialized ?? "", /6 \* 7/);
        assert.equal(report.afterSerialize?.typescript, true, "serializeFunction ran without loading TypeScript");
        assert.equal(report.codePaths, 0);
        assert.equal(report.afterCodePaths?.arborist, true, "computeCodePaths ran without loading arborist");
        assert.equal(report.afterCodePaths?.automation, false, "the Automation API loaded before anything read it");
        assert.equal(report.workspaceClass, "function");
        assert.equal(report.afterAutomation?.automation, true);
    });

    /** In a fresh node: is OpenTelemetry's SDK loaded after requiring cmd/run's tracing, after a span, after start()? */
    const tracingProbe = (defer: boolean) => {
        const script = `
            ${defer ? 'require("./startup/preload");' : ""}
            const sdk = () => Object.keys(require.cache).some((f) => /[\\\\/]@opentelemetry[\\\\/]sdk-trace-node[\\\\/]/.test(f));
            const tracing = require("@pulumi/pulumi/cmd/run/tracing");
            const report = { afterRequire: sdk() };
            tracing.newSpan("probe").end();
            report.afterSpan = sdk();
            tracing.start("http://127.0.0.1:9/api/v2/spans");
            report.afterStart = sdk();
            process.stdout.write(JSON.stringify(report));
        `;
        return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as { afterRequire: boolean; afterSpan: boolean; afterStart: boolean };
    };

    it("control: without the preload, cmd/run's tracing module loads OpenTelemetry's SDK though no --tracing was given", () => {
        assert.deepEqual(tracingProbe(false), { afterRequire: true, afterSpan: true, afterStart: true });
    });

    it("with startup/preload.js (Pulumi.yaml nodeargs), spans run without the SDK, and --tracing's start() still loads it", () => {
        assert.deepEqual(tracingProbe(true), { afterRequire: false, afterSpan: false, afterStart: true });
    });

    it("a deferred module loads once, on the first read, and reads as the real one", () => {
        let loads = 0;
        const real = { Arborist: class Arborist {}, version: "1.0.0" };
        const stand = deferredModule(() => (loads++, real), false);
        assert.equal(loads, 0, "loaded before anything was read");
        assert.equal(stand.version, "1.0.0");
        assert.equal(stand.Arborist, real.Arborist);
        assert.deepEqual(Object.keys(stand), ["Arborist", "version"]);
        assert.equal("version" in stand, true);
        assert.equal(loads, 1);
    });

    it("a namespace stand-in answers __esModule without loading, so __importStar hands it back unread", () => {
        let loads = 0;
        const stand = deferredModule(() => (loads++, { Arborist: 1 }), true);
        assert.equal(stand.__esModule, true);
        assert.equal(loads, 0);
        assert.equal(stand.Arborist, 1);
        assert.equal(loads, 1);
    });
});

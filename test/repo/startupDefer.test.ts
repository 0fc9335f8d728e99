/**
 * startup/defer.js: `require("@pulumi/pulumi")` no longer loads the TypeScript compiler or the Automation API, and a
 * caller that does use them (closure serialization, `pulumi.automation`) still gets the real modules. Each case runs in
 * a fresh node, as the program and the policy pack start, and the control case shows the same probe sees both load
 * when nothing is deferred. Every deferral must still match a `require` of the installed SDK: one that matches nothing
 * would be a silent no-op, so it fails here instead.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEFERRALS, deferredModule } = require("../../startup/defer") as typeof import("../../startup/defer");

const ROOT = join(__dirname, "..", "..");

/** Which of the deferred modules a process has loaded. */
interface Loaded {
    readonly typescript: boolean;
    readonly automation: boolean;
}

/** What a fresh node reports: which of the modules are loaded after each step. */
interface Probe {
    readonly afterRequire: Loaded;
    readonly serialized?: string;
    readonly afterSerialize?: Loaded;
    readonly workspaceClass?: string;
    readonly afterAutomation?: Loaded;
}

/** Runs the probe in a new node from the project directory; `defer` installs startup/defer.js first. */
function probe(options: { defer: boolean; use: boolean }): Probe {
    const script = `
        ${options.defer ? 'require("./startup/defer").deferUnusedModules();' : ""}
        const loaded = () => {
            const files = Object.keys(require.cache);
            return {
                typescript: files.some((f) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(f)),
                automation: files.some((f) => /[\\\\/]@pulumi[\\\\/]pulumi[\\\\/]automation[\\\\/]index\\.js$/.test(f)),
            };
        };
        const pulumi = require("@pulumi/pulumi");
        const report = { afterRequire: loaded() };
        (async () => {
            if (${options.use}) {
                report.serialized = (await pulumi.runtime.serializeFunction(() => 6 * 7)).text;
                report.afterSerialize = loaded();
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

/**
 * The deferrals that defer nothing in the installed SDK: the file named by `from` is missing, never requires
 * `request`, or destructures it at load (`const { X } = require(...)` reads the stand-in at once, so nothing waits).
 */
function unmatched(deferrals: readonly { from: string; request: string }[]): string[] {
    const bound = (request: string) => new RegExp(`(?:const|let|var)\\s+[\\w$]+\\s*=\\s*(?:__importStar\\()?require\\(${JSON.stringify(request).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\)`);
    return deferrals
        .filter(({ from, request }) => {
            const file = join(ROOT, "node_modules", from);
            return !existsSync(file) || !bound(request).test(readFileSync(file, "utf8"));
        })
        .map(({ from, request }) => `${from}: require(${JSON.stringify(request)})`);
}

describe("startup/defer.js", () => {
    it("every deferral matches a require of the installed @pulumi/pulumi", () => {
        assert.deepEqual(unmatched(DEFERRALS), []);
    });

    it("control: a deferral the SDK dropped, one it destructures at load, and a file it moved are each reported", () => {
        // All three were deferrals once: arborist left codePaths.js, and cmd/run's tracing now destructures OpenTelemetry.
        const dropped = { from: join("@pulumi", "pulumi", "runtime", "closure", "codePaths.js"), request: "@npmcli/arborist" };
        const destructured = { from: join("@pulumi", "pulumi", "cmd", "run", "tracing.js"), request: "@opentelemetry/sdk-trace-base" };
        const moved = { from: join("@pulumi", "pulumi", "runtime", "closure", "gone.js"), request: "../../typescript-shim" };
        assert.deepEqual(unmatched([dropped, destructured, moved, ...DEFERRALS]), [dropped, destructured, moved].map(({ from, request }) => `${from}: require(${JSON.stringify(request)})`));
    });

    it("control: without it, require(\"@pulumi/pulumi\") loads the TypeScript compiler and the Automation API", () => {
        assert.deepEqual(probe({ defer: false, use: false }).afterRequire, { typescript: true, automation: true });
    });

    it("with it, require(\"@pulumi/pulumi\") loads neither", () => {
        assert.deepEqual(probe({ defer: true, use: false }).afterRequire, { typescript: false, automation: false });
    });

    it("a caller that uses them gets the real modules: serializeFunction parses with TypeScript, automation has its classes", () => {
        const report = probe({ defer: true, use: true });
        assert.deepEqual(report.afterRequire, { typescript: false, automation: false });
        assert.match(report.serialized ?? "", /6 \* 7/);
        assert.equal(report.afterSerialize?.typescript, true, "serializeFunction ran without loading TypeScript");
        assert.equal(report.afterSerialize?.automation, false, "the Automation API loaded before anything read it");
        assert.equal(report.workspaceClass, "function");
        assert.equal(report.afterAutomation?.automation, true);
    });

    it("a deferred module loads once, on the first read, and reads as the real one", () => {
        let loads = 0;
        const real = { Workspace: class Workspace {}, version: "1.0.0" };
        const stand = deferredModule(() => (loads++, real), false);
        assert.equal(loads, 0, "loaded before anything was read");
        assert.equal(stand.version, "1.0.0");
        assert.equal(stand.Workspace, real.Workspace);
        assert.deepEqual(Object.keys(stand), ["Workspace", "version"]);
        assert.equal("version" in stand, true);
        assert.equal(loads, 1);
    });

    it("a namespace stand-in answers __esModule without loading, so __importStar hands it back unread", () => {
        let loads = 0;
        const stand = deferredModule(() => (loads++, { Workspace: 1 }), true);
        assert.equal(stand.__esModule, true);
        assert.equal(loads, 0);
        assert.equal(stand.Workspace, 1);
        assert.equal(loads, 1);
    });
});

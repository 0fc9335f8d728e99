/**
 * startup/defer.js: `require("@pulumi/pulumi")` no longer loads the TypeScript compiler or npm's arborist, and a
 * caller that does use them (closure serialization, code paths) still gets the real modules. Each case runs in a fresh
 * node, as the program and the policy pack start, and the control case shows the same probe sees both modules load
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

/** What a fresh node reports: which of the two modules are loaded after each step. */
interface Probe {
    readonly afterRequire: { typescript: boolean; arborist: boolean };
    readonly serialized?: string;
    readonly afterSerialize?: { typescript: boolean; arborist: boolean };
    readonly codePaths?: number;
    readonly afterCodePaths?: { typescript: boolean; arborist: boolean };
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

    it("control: without it, require(\"@pulumi/pulumi\") loads the TypeScript compiler and arborist", () => {
        assert.deepEqual(probe({ defer: false, use: false, scratch }).afterRequire, { typescript: true, arborist: true });
    });

    it("with it, require(\"@pulumi/pulumi\") loads neither", () => {
        assert.deepEqual(probe({ defer: true, use: false, scratch }).afterRequire, { typescript: false, arborist: false });
    });

    it("a caller that uses them gets the real modules: serializeFunction parses with TypeScript, computeCodePaths runs arborist", () => {
        const report = probe({ defer: true, use: true, scratch });
        assert.deepEqual(report.afterRequire, { typescript: false, arborist: false });
        assert.match(report.serialized ?? "", /6 \* 7/);
        assert.equal(report.afterSerialize?.typescript, true, "serializeFunction ran without loading TypeScript");
        assert.equal(report.codePaths, 0);
        assert.equal(report.afterCodePaths?.arborist, true, "computeCodePaths ran without loading arborist");
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

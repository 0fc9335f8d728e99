/**
 * No `pulumi` command runs a stale build of the Fly provider package. The dynamic-provider host
 * requires the package by name (each resource's thin `__provider`); its entry (providers/fly/load.js) checks the
 * build against a content hash of the sources and rebuilds when they changed. The test works on a copy of the package
 * linked into a scratch project's node_modules, drives it through the thin text as the plugin runs it, edits a
 * source, and sees the edit run; the control case shows the bundle `npm ci` built still holding the old code.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FLY_PROVIDER_PACKAGE, thinFlyProvider } from "../../providers/fly/registration";
import { ROOT, runInPluginHost } from "./serializationHost";

// Inside the repository's node_modules, so the copy resolves esbuild as the installed package does.
mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
const scratch = mkdtempSync(join(ROOT, "node_modules", ".cache", "fly-provider-build-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const pkg = join(scratch, "fly");
cpSync(join(ROOT, "providers", "fly"), pkg, { recursive: true, filter: (source) => !source.includes(`${join("providers", "fly", "dist")}`) });
mkdirSync(join(scratch, "node_modules", "@api-environments"), { recursive: true });
symlinkSync(pkg, join(scratch, "node_modules", FLY_PROVIDER_PACKAGE), "dir");

const BAD_APP = { name: "Not_An_App", orgSlug: "personal" };
const ORIGINAL = "must be 3-63 lowercase letters, digits or dashes";
const EDITED = "(edited) must be 3 to 63 lowercase letters, digits or dashes";

/** The App provider's check of a bad name, run through the thin text in a plugin-like process in the scratch project. */
async function checkThroughHost(): Promise<string> {
    const [result] = await runInPluginHost([{ text: thinFlyProvider("App"), method: "check", args: [{}, BAD_APP] }], {}, scratch);
    assert.equal(result.error, undefined, result.error);
    return JSON.stringify(result.value.failures);
}

/** The bundle the last build wrote, required directly (what the package exported before load.js). */
function bundleText(): string {
    return readFileSync(join(pkg, "dist", "index.js"), "utf8");
}

describe("the Fly provider package never runs a stale build", () => {
    it("builds on first use, then runs an edit of its sources without `npm ci`", async () => {
        assert.ok((await checkThroughHost()).includes(ORIGINAL), "the first run built the package and ran it");
        const source = join(pkg, "appProvider.ts");
        const text = readFileSync(source, "utf8");
        assert.ok(text.includes(ORIGINAL), "the message to edit is in appProvider.ts");
        writeFileSync(source, text.replace(ORIGINAL, EDITED));
        assert.ok(bundleText().includes(ORIGINAL) && !bundleText().includes(EDITED), "control: the existing bundle still holds the old code");
        const after = await checkThroughHost();
        assert.ok(after.includes(EDITED), `the host ran the edited source: ${after}`);
        assert.ok(bundleText().includes(EDITED), "and the bundle was rebuilt");
    });

    it("does not rebuild when nothing changed", async () => {
        const key = readFileSync(join(pkg, "dist", "sources.sha256"), "utf8");
        writeFileSync(join(pkg, "dist", "index.js"), `${bundleText()}\n// untouched marker\n`);
        await checkThroughHost();
        assert.ok(bundleText().endsWith("// untouched marker\n"), "a fresh build is loaded as it is");
        assert.equal(readFileSync(join(pkg, "dist", "sources.sha256"), "utf8"), key);
    });
});

/**
 * The committed Fly API types are what the generator makes from the committed spec copies today: regenerated into a
 * temporary directory, every file is identical, and the generated folder holds nothing else.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const GENERATED = join(ROOT, "providers", "fly", "generated");

describe("generated Fly API types", () => {
    it("match a fresh run of npm run gen:fly-types", () => {
        const out = mkdtempSync(join(tmpdir(), "fly-types-check-"));
        try {
            const run = spawnSync(process.execPath, [join(ROOT, "scripts", "gen-fly-types.mjs"), "--out", out], { cwd: ROOT, encoding: "utf8" });
            assert.equal(run.status, 0, `the generator failed:\n${run.stderr}`);
            const fresh = readdirSync(out).sort();
            assert.deepEqual(readdirSync(GENERATED).sort(), fresh, "providers/fly/generated/ holds exactly the generated files; run `npm run gen:fly-types`");
            for (const file of fresh) {
                const committed = readFileSync(join(GENERATED, file), "utf8");
                assert.ok(
                    committed === readFileSync(join(out, file), "utf8"),
                    `providers/fly/generated/${file} is stale (the spec copy or openapi-typescript changed, or it was edited by hand); run \`npm run gen:fly-types\` and commit the result`,
                );
            }
        } finally {
            rmSync(out, { recursive: true, force: true });
        }
    });
});

/** `npm run plan` and `npm run envdiff` as a newcomer runs them. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { effectiveConfig, envdiff } from "../../scripts/envdiff";
import { MASK } from "../../scripts/render";
import { readStackFile, ROOT } from "../harness/stack";

function plan(stack: string) {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "plan.ts"), stack], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run plan", () => {
    it("prints what prod would create and exits 0", () => {
        const { code, out } = plan("prod");
        assert.equal(code, 0, out);
        assert.match(out, /^Stack prod: \d+ resources/m);
        assert.match(out, /Outputs/);
    });

    it("exits 1 with every config problem for an invalid stack file", () => {
        const stack = `plan-test-${process.pid}`;
        const file = join(ROOT, `Pulumi.${stack}.yaml`);
        const text = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8").replace("count: 2", "count: 0").replace("logLevel: WARNING", "logLevel: LOUD");
        writeFileSync(file, text);
        try {
            const { code, err, out } = plan(stack);
            assert.equal(code, 1);
            assert.match(err, new RegExp(`Invalid configuration for stack "${stack}" \\(2 problems\\)`));
            assert.match(err, new RegExp(`pulumi config set --stack ${stack} --path app.machines.count 1`));
            assert.match(err, /app.settings.logLevel: must be one of/);
            assert.doesNotMatch(out, /resources/);
        } finally {
            rmSync(file, { force: true });
        }
    });

    it("refuses an unknown stack with the command to create it", () => {
        const { code, err } = plan("no-such-stack");
        assert.equal(code, 2);
        assert.match(err, /pulumi stack init no-such-stack/);
    });
});

describe("npm run envdiff", () => {
    it("marks settings that differ and leaves equal ones unmarked", () => {
        const out = envdiff(["dev", "staging", "prod"]);
        assert.match(out, /^≠ app\.settings\.logLevel\s+DEBUG\s+INFO\s+WARNING/m);
        assert.match(out, /^≠ app\.settings\.debug\s+true\s+false\s+false/m);
        assert.match(out, /^ {2}app\.healthPath\s+\/health\s+\/health\s+\/health/m);
        assert.match(out, /\d+ of \d+ settings differ across dev, staging, prod/);
    });

    it("masks secret values and only says they are set", () => {
        const config = { ...readStackFile("staging"), secrets: { extra: ["STRIPE_API_KEY"] }, STRIPE_API_KEY: { secure: "v1:ciphertext" } };
        const rows = effectiveConfig("staging", config);
        assert.ok(!(rows instanceof Error), String(rows));
        assert.equal(rows.get("STRIPE_API_KEY"), MASK);
        assert.ok(![...rows.values()].some((v) => v.includes("ciphertext") || v.includes("offline-stand-in")));
    });

    it("shows a stack's config error instead of its column", () => {
        const rows = effectiveConfig("prod", { ...readStackFile("prod"), platform: "k8s" });
        assert.ok(rows instanceof Error);
        assert.match(rows.message, /platform: must be one of "local", "fly"/);
    });
});

/** The pack as the Pulumi CLI loads it, and the runtime facts its rules rely on. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { UNKNOWN_SENTINELS } from "../../policies/lib/known";
import { PACK_NAME, packArgs } from "../../policies/pack";
import { rules } from "../../policies/rules";

const ROOT = join(__dirname, "..", "..");
const POLICIES = join(ROOT, "policies");

describe("policy pack", () => {
    it("has its 28 rules, each with a unique kebab-case name and a description", () => {
        assert.equal(rules.length, 28);
        assert.equal(new Set(rules.map((r) => r.name)).size, rules.length);
        for (const rule of rules) {
            assert.match(rule.name, /^[a-z]+(-[a-z]+)*$/);
            assert.notEqual(rule.name, "all");
            assert.ok(rule.description.length > 20, rule.name);
            assert.ok(!("enforcementLevel" in (rule.configSchema?.properties ?? {})), `${rule.name} declares enforcementLevel in its schema`);
        }
        assert.equal(packArgs.policies, rules);
        assert.match(PACK_NAME, /^[a-zA-Z0-9._-]+$/);
    });

    it("is a Node policy pack pinned to the SDK versions the program uses", () => {
        const manifest = parseYaml(readFileSync(join(POLICIES, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(manifest.runtime, "nodejs");
        const pkg = JSON.parse(readFileSync(join(POLICIES, "package.json"), "utf8"));
        const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
        assert.ok(pkg.version, "PolicyPack refuses a package.json without a version");
        assert.equal(pkg.dependencies["@pulumi/policy"], root.devDependencies["@pulumi/policy"]);
        assert.equal(pkg.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
        // The current SDK, installed as published: no `overrides` pin in either package.
        assert.equal(pkg.overrides, undefined);
        assert.equal(root.overrides, undefined);
        const installed = (dir: string) => JSON.parse(readFileSync(join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
        assert.equal(installed(POLICIES), installed(ROOT));
    });

    it("importing policies/index.ts starts no gRPC server", () => {
        const script = `require(${JSON.stringify(join(POLICIES, "index.ts"))}); setTimeout(() => process.exit(0), 300).unref();`;
        const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 15_000 });
        assert.equal(result.status, 0, result.stderr);
        // A served pack prints its port on stdout and keeps the process alive.
        assert.equal(result.stdout.trim(), "");
    });

    it("serves only under the policy host or when run directly", async () => {
        const { servingPolicyPack } = await import("../../policies/index");
        const host = { filename: "/usr/lib/node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js" } as NodeJS.Module;
        const testRunner = { filename: join(ROOT, "test", "policies", "pack.test.ts") } as NodeJS.Module;
        assert.equal(servingPolicyPack(host), true);
        assert.equal(servingPolicyPack(testRunner), false);
        assert.equal(servingPolicyPack(undefined), false);
    });

    it("knows the same unknown-value sentinels as the installed policy SDK", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdk = require("@pulumi/policy/proxy") as Record<string, unknown>;
        const fromSdk = Object.entries(sdk).filter(([key]) => /^unknown[A-Z]\w*Value$/.test(key)).map(([, value]) => value);
        assert.equal(fromSdk.length, 7);
        assert.deepEqual(new Set(fromSdk), UNKNOWN_SENTINELS);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.ok(UNKNOWN_SENTINELS.has((require("@pulumi/pulumi/runtime/rpc") as { unknownValue: string }).unknownValue));
    });
});

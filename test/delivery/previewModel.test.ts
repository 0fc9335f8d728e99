/**
 * The preview model from the real CLI's formats (fixtures in test/delivery/fixtures, with their source), and the
 * guard on it: a database replaced by a region change and a volume deleted are blocked, each named with the
 * property that forces it; each passes with its allowance; a failed preview and a non-digest are reported as such.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { GuardConfig } from "../../config";
import { judge } from "../../delivery/preview/guard";
import { fromCli, type CliPreviewDigest } from "../../delivery/preview/model";
import { previewReport } from "../../delivery/preview/report";
import { STATEFUL_TYPES } from "../../delivery/preview/stateful";
import { readCliPreview } from "../../scripts/guard";

const FIXTURES = join(__dirname, "fixtures");
const read = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as CliPreviewDigest;
const BLOCK: GuardConfig = { statefulChanges: "block", allow: [] };

describe("the preview model from `pulumi preview --json`", () => {
    const model = fromCli("prod", read("cli-preview-prod-stateful.json"));

    it("folds the three steps of a replacement into one replace with the provider's reason, and keeps custom resources only", () => {
        assert.deepEqual(
            model.changes.map((c) => [c.name, c.op, c.replaceReasons]),
            [
                ["database-cluster", "replace", ["region"]],
                ["app-machines", "same", []],
                ["app-data", "delete", []],
            ],
        );
        const db = model.changes[0];
        assert.equal(db.before?.region, "ams");
        assert.equal(db.after?.region, "fra");
        assert.equal(model.changes[1].after?.minSecretsVersion, "[secret]");
    });

    it("blocks the database's replacement and the volume's deletion, naming resource, property and fix", () => {
        const verdict = judge(model, BLOCK);
        assert.equal(verdict.ok, false);
        assert.deepEqual(
            verdict.findings.map((f) => [f.resource, f.op, f.properties]),
            [
                ["database-cluster", "replace", ["region"]],
                ["app-data", "delete", []],
            ],
        );
        assert.match(verdict.findings[0].message, /ManagedPostgres "database-cluster" would be replaced, losing the database cluster and every row in it; forced by a change to region \(config database\.region\)\. Fix: keep the cluster's setting/);
        assert.match(verdict.findings[1].message, /Volume "app-data" would be deleted \(the program no longer declares it\), losing the volume and the files on it/);
        assert.match(verdict.findings[1].message, /pulumi config set --stack prod --path 'guard\.allow\[0\]\.resource' app-data/);
    });

    it("blocks deleting the release records, which rollback and promote read; their update passes", () => {
        const type = "pulumi-nodejs:dynamic/release:ReleaseHistory";
        const urn = `urn:pulumi:prod::api-environments::platform:app:AppService$${type}::app-releases`;
        const step = (op: string) => ({ op, urn, oldState: { urn, custom: true, type, inputs: { image: "registry.fly.io/api-prod@sha256:" + "a".repeat(64) }, outputs: {} } });
        const deleted = judge(fromCli("prod", { steps: [step("delete")] } as unknown as CliPreviewDigest), BLOCK);
        assert.deepEqual(deleted.findings.map((f) => [f.resource, f.op]), [["app-releases", "delete"]]);
        assert.match(deleted.findings[0].message, /would be deleted .*losing the stack's release records/);
        // Control: a new release recorded (an update) is no loss.
        assert.equal(judge(fromCli("prod", { steps: [step("update")] } as unknown as CliPreviewDigest), BLOCK).ok, true);
    });

    it("passes each with its own allowance: a guard.allow entry for one, a label for the other", () => {
        const allowDb: GuardConfig = { statefulChanges: "block", allow: [{ resource: "database-cluster", reason: "restored into fra from last night's backup" }] };
        assert.deepEqual(judge(model, allowDb).findings.map((f) => f.resource), ["app-data"]);
        const both = judge(model, allowDb, ["allow-replace:app-data"]);
        assert.equal(both.ok, true);
        assert.deepEqual(both.allowed.map((a) => a.resource), ["database-cluster", "app-data"]);
    });

    it("prices the stack before and after from the same steps", () => {
        const report = previewReport(model, BLOCK);
        // Before: launch $282.00 + 40 GB × $0.28 = $11.20, 4 machines × $6.38 = $25.52, volume 10 GB × $0.15 = $1.50.
        assert.equal(report.cost.before.monthlyUsd, 320.22);
        // After: the same cluster in fra, the same machines, no volume.
        assert.equal(report.cost.after.monthlyUsd, 318.72);
    });

    it("reads the policy events of --event-log, which the digest leaves out, and the preview's errors", () => {
        const events = [
            JSON.stringify({ sequence: 1, timestamp: 1, preludeEvent: { config: {} } }),
            JSON.stringify({ sequence: 2, timestamp: 2, policyEvent: { resourceUrn: "urn:pulumi:prod::p::t::n", message: "m", color: "never", policyName: "budget", policyPackName: "p", policyPackVersion: "0.1.0", policyPackVersionTag: "v0.1.0", enforcementLevel: "mandatory" } }),
            JSON.stringify({ sequence: 3, timestamp: 3, policyEvent: { message: "w", color: "never", policyName: "high-availability", policyPackName: "p", policyPackVersion: "0.1.0", policyPackVersionTag: "v0.1.0", enforcementLevel: "warning" } }),
        ].join("\n");
        const failed = fromCli("prod", { steps: [], diagnostics: [{ message: "error: program failed\n", severity: "error" }, { message: "note", severity: "info" }] }, events);
        assert.deepEqual(failed.violations.map((v) => [v.policyName, v.enforcementLevel, v.urn]), [["budget", "mandatory", "urn:pulumi:prod::p::t::n"], ["high-availability", "advisory", undefined]]);
        assert.deepEqual(failed.errors, ["error: program failed"]);
        assert.equal(previewReport(failed, BLOCK).ok, false);
    });

    it("refuses a document that is not a digest, and reports a preview that printed nothing", () => {
        assert.throws(() => fromCli("prod", { steps: "nope" } as unknown as CliPreviewDigest), /not a `pulumi preview --json` document/);
        const none = readCliPreview("prod", join(FIXTURES, "no-such-preview.json"));
        assert.match(none.errors[0], /printed no JSON/);
    });

    it("lists every type the design names as holding data or identity", () => {
        const fly = (kind: string) => `pulumi-nodejs:dynamic/fly:${kind}`;
        for (const type of [fly("ManagedPostgres"), fly("PostgresDatabase"), fly("PostgresUser"), fly("Volume"), fly("App"), fly("IpAssignment"), fly("Certificate"), fly("Secrets"), "github:index/repositoryEnvironment:RepositoryEnvironment", "sentry:index/sentryProject:SentryProject"]) {
            assert.ok(STATEFUL_TYPES[type], `${type} is listed`);
        }
        assert.equal(STATEFUL_TYPES[fly("MachineGroup")], undefined, "machines hold neither data nor identity: replacing them is a rollout");
    });
});

/**
 * The guard on the offline engine's previews of staging (guard.statefulChanges: block as shipped), after a real up
 * against the Fly emulator: a domain change replaces the certificate and is blocked, naming the resource and the
 * property; the same change passes with a pull-request label or a guard.allow entry; an entry that allows nothing
 * fails the next preview; a no-op preview has no finding and costs the same before and after; a database region
 * change fails the preview too (the Fly provider refuses it at check, naming the cluster and `region`).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OperationResult } from "../../engine";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderComment } from "../../delivery/comment/render";
import { fromCli, fromEngine } from "../../delivery/preview/model";
import { previewReport, type PreviewReport } from "../../delivery/preview/report";
import { parseStackFile, readStackFile } from "../../scripts/stackFile";
import { type Emulator, startEmulator, TEST_TOKEN } from "../fly/emulator";
import { explain, flyEnv, isSecret, StackUnderTest } from "../engine/support";

type Mutate = (config: Record<string, any>) => void;

const OLD_CERT = "app-cert-staging-api.acme.dev";
const newDomain: Mutate = (c) => {
    c.app.domains = ["api-staging.acme.dev"];
};

/** The stack file's guard settings after `mutate`, parsed as the program parses them. */
function guardOf(mutate: Mutate = () => undefined) {
    const config = readStackFile("staging");
    mutate(config);
    return parseStackFile("staging", config).config.guard;
}

describe("the guard on staging's offline previews", { concurrency: false }, () => {
    let fly: Emulator;
    let stack: StackUnderTest;

    const preview = async (mutate?: Mutate): Promise<OperationResult> => stack.run("preview", { mutate, policyPack: false });
    const judged = (result: OperationResult, mutate?: Mutate, labels: string[] = []): PreviewReport => previewReport(fromEngine(result), guardOf(mutate), labels);
    /** The domain change's preview, run once: the cases below judge the same result with different allowances. */
    let domainPreview: Promise<OperationResult> | undefined;
    const previewNewDomain = (): Promise<OperationResult> => (domainPreview ??= preview(newDomain));

    before(async () => {
        fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, postgresReadyDelayMs: 30, oneOffExits: [{ command: "npm run migrate", exitCode: 0 }], tokens: [TEST_TOKEN] });
        // The commit the recorded preview's build names (RELEASE_COMMIT), as CI's GITHUB_SHA would give it.
        stack = new StackUnderTest("staging", () => ({ ...flyEnv(fly), GITHUB_SHA: "5e7a1c9d3b2f4e6a8c0d1b3f5a7c9e2d4b6f8a0c" }));
        const up = await stack.run("up", { policyPack: false });
        assert.ok(up.ok, explain(up));
    });
    after(async () => {
        stack.dispose();
        await fly.close();
    });

    it("ships with the guard on in staging and prod, off in dev", () => {
        assert.equal(guardOf().statefulChanges, "block");
        assert.equal(parseStackFile("prod").config.guard.statefulChanges, "block");
        assert.equal(parseStackFile("dev").config.guard.statefulChanges, "off");
    });

    it("finds nothing in a no-op preview, and the cost is the same before and after", async () => {
        const report = judged(await preview());
        assert.deepEqual(report.guard.findings, []);
        assert.equal(report.ok, true);
        assert.ok(report.cost.after.monthlyUsd > 0, "the stack is priced");
        assert.equal(report.cost.after.monthlyUsd - report.cost.before.monthlyUsd, 0);
    });

    it("blocks a domain change that replaces the certificate, naming the resource, the property and the fix", async () => {
        const result = await previewNewDomain();
        assert.ok(result.ok, explain(result));
        const report = judged(result, newDomain);
        assert.equal(report.ok, false);
        assert.deepEqual(
            report.guard.findings.map((f) => [f.kind, f.resource, f.op, f.properties]),
            [["blocked", OLD_CERT, "replace", ["hostname"]]],
        );
        const message = report.guard.findings[0].message;
        assert.match(message, /pulumi-nodejs:dynamic\/fly:Certificate "app-cert-staging-api\.acme\.dev" would be replaced \(as app-cert-api-staging\.acme\.dev/);
        assert.match(message, /forced by a change to hostname \(config app\.domains\)/);
        assert.match(message, /Fix: add the new domain next to the old one/);
        assert.match(message, /label the pull request allow-replace:app-cert-staging-api\.acme\.dev/);
    });

    it("lets the same change through with a pull-request label for that resource (and not for another)", async () => {
        const result = await previewNewDomain();
        assert.equal(judged(result, newDomain, ["allow-replace:app-app"]).guard.ok, false, "a label for another resource allows nothing here");
        const report = judged(result, newDomain, ["deploy", `allow-replace:${OLD_CERT}`]);
        assert.equal(report.guard.ok, true);
        assert.deepEqual(report.guard.allowed.map((a) => [a.resource, a.op, a.by]), [[OLD_CERT, "replace", `pull-request label allow-replace:${OLD_CERT}`]]);
    });

    it("lets it through with a guard.allow entry and its reason, which the next preview insists be removed", async () => {
        const allow: Mutate = (c) => {
            newDomain(c);
            c.guard = { statefulChanges: "block", allow: [{ resource: OLD_CERT, reason: "the API moves to api-staging.acme.dev" }] };
        };
        const report = judged(await preview(allow), allow);
        assert.equal(report.ok, true, report.guard.findings.map((f) => f.message).join("\n"));
        assert.match(report.guard.allowed[0].by, /guard\.allow\[0\]: the API moves/);

        // After that up, the entry allows nothing: it fails until removed.
        const stale: Mutate = (c) => {
            c.guard = { statefulChanges: "block", allow: [{ resource: OLD_CERT, reason: "the API moves to api-staging.acme.dev" }] };
        };
        const next = judged(await preview(stale), stale);
        assert.deepEqual(next.guard.findings.map((f) => [f.kind, f.resource]), [["stale-allowance", OLD_CERT]]);
        assert.match(next.guard.findings[0].message, /pulumi config rm --stack staging --path 'guard\.allow\[0\]'/);
    });

    it("control: with guard.statefulChanges off the same change is only listed", async () => {
        const off: Mutate = (c) => {
            newDomain(c);
            c.guard = { statefulChanges: "off" };
        };
        const report = judged(await preview(off), off);
        assert.equal(report.guard.enabled, false);
        assert.equal(report.ok, true);
        assert.ok(report.model.changes.some((c) => c.op === "replace" && c.renamedFrom === OLD_CERT), "the replacement is still in the model");
    });

    it("reads the recorded CLI preview of the same domain change into the same model as the engine's preview", async () => {
        const fixtures = join(__dirname, "fixtures");
        const cli = fromCli("staging", JSON.parse(readFileSync(join(fixtures, "cli-preview-staging-domain.json"), "utf8")), readFileSync(join(fixtures, "cli-preview-staging-domain.events.jsonl"), "utf8"));
        const engine = fromEngine(await stack.run("preview", { mutate: newDomain }));
        // The one value Fly generates that differs between the recording and this run: the cluster's id.
        const clusterId = (model: typeof cli) => String(model.changes.find((c) => c.name === "database-database")?.after?.clusterId);
        const engineChanges = JSON.parse(JSON.stringify(engine.changes).replaceAll(clusterId(engine), clusterId(cli)));
        assert.deepEqual(cli.changes, engineChanges);
        assert.deepEqual(cli.violations, engine.violations);
        assert.deepEqual(cli.errors, engine.errors);
        // Control: the model is not empty, so equality says something.
        assert.deepEqual(cli.changes.filter((c) => c.op !== "same").map((c) => [c.name, c.op]), [["github-var-HEALTH_URL", "update"], ["app-cert-api-staging.acme.dev", "replace"]]);
        assert.ok(cli.violations.length > 0);
        assert.deepEqual(previewReport(cli, guardOf(newDomain)).guard.findings, previewReport(engine, guardOf(newDomain)).guard.findings);
    });

    it("fails a database region change: the provider refuses it at check, naming the cluster and region", async () => {
        const move: Mutate = (c) => {
            c.database.region = "fra";
        };
        const report = judged(await preview(move), move);
        assert.equal(report.ok, false);
        assert.equal(report.model.errors.length, 1);
        assert.match(report.model.errors[0], /ManagedPostgres \(database-cluster\)/);
        assert.match(report.model.errors[0], /region: .*cannot move region/);
    });
    it("prints no secret's value in the comment of a change that rotates secrets (last: it moves the clock)", async () => {
        const secrets: string[] = [];
        const collect = (value: unknown): void => {
            if (isSecret(value)) secrets.push(JSON.stringify(value.value).replace(/^"|"$/g, ""));
            else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
        };
        stack.advanceDays(91);
        const result = await preview();
        for (const resource of result.state.resources) collect([resource.inputs, resource.outputs]);
        assert.ok(secrets.some((s) => s.length >= 32), "the state holds secrets to look for");
        const report = judged(result);
        assert.ok(report.model.changes.some((c) => c.name === "app-secrets" && c.op === "update"), "the rotation updates the app's secrets");
        const text = renderComment(report);
        assert.match(text, /update pulumi-nodejs:dynamic\/fly:Secrets app-secrets\n {4}~ \(only secret values change\)/);
        assert.match(text, /~ minSecretsVersion: 1 → \(unknown until apply\)/);
        for (const secret of secrets.filter((s) => s.length >= 8)) assert.ok(!text.includes(secret), "a secret's value is in the comment");
    });
});

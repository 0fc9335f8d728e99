/**
 * An enforcement file naming a policy the pack lacks stops the pack itself as it starts: the
 * Pulumi CLI drops such a key from `--policy-pack-config` without a word, so only the pack can refuse it under a real
 * `pulumi preview`/`up`. The pack is started the way the CLI starts a Node pack (engine/analyzer.ts: run-policy-pack
 * with the stack in PULUMI_NODEJS_STACK); what it prints before it exits is what the CLI shows of a plugin that
 * fails to start.
 */
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startAnalyzer } from "../../engine/analyzer";
import { emptyproto, engproto, engrpc, serve, unary } from "../../engine/rpc";
import { PROJECT } from "../../config";
import { rules } from "../../policies/rules";

const POLICIES = join(__dirname, "..", "..", "policies");
/** A stack of this test process only, so its enforcement file in policies/ collides with nothing. */
const STACK = `gate-start-${process.pid}`;
const FILE = join(POLICIES, `${STACK}.json`);

const engine = serve([[engrpc.EngineService, {
    log: unary(async () => new emptyproto.Empty()),
    getRootResource: unary(async () => new engproto.GetRootResourceResponse()),
    setRootResource: unary(async () => new engproto.SetRootResourceResponse()),
}]]);

after(async () => {
    rmSync(FILE, { force: true });
    (await engine).server.forceShutdown();
});

/** Starts the pack for STACK with `content` as its enforcement file. */
async function start(content: unknown) {
    writeFileSync(FILE, JSON.stringify(content));
    return startAnalyzer({ packDir: POLICIES, configFile: FILE, configName: `policies/${STACK}.json`, engineAddress: (await engine).address, project: PROJECT, stack: STACK, dryRun: true });
}

describe("the pack refuses an enforcement file with a policy it lacks, as it starts", () => {
    it("does not start, and says which file, which name and which names exist", async () => {
        const error = await start({ all: "mandatory", "no-debug-in-prod": "advisory" }).then(
            (analyzer) => analyzer.close().then(() => assert.fail("the pack started")),
            (e: Error) => e,
        );
        const message = error.message;
        assert.match(message, /exited \(code \d+\) before printing its port/);
        assert.match(message, new RegExp(`policies/${STACK}\\.json is not a valid enforcement file \\(1 problem\\); no policy was run`));
        assert.match(message, /"no-debug-in-prod" is not a policy of this pack; the policies are /);
        for (const rule of rules) assert.ok(message.includes(`"${rule.name}"`), `the known names include ${rule.name}`);
        assert.doesNotMatch(message, /\n\s+at /, "no stack trace");
    });

    it("control: the same file with the policy's real name starts and serves", async () => {
        const analyzer = await start({ all: "mandatory", "no-debug-in-production": "advisory" });
        try {
            assert.equal(analyzer.policies.length, rules.length);
        } finally {
            await analyzer.close();
        }
    });
});

/**
 * A rollback, the same for `npm run rollback` and the deploy job: choose the release (decide.ts), deploy it by an up
 * with the `rollback` config key set for that one up, check that the stack now records it, and verify it answers.
 * The stack is driven through a {@link ReleaseDriver}: the pinned CLI on the Automation API (delivery/cli), or the
 * offline engine.
 */
import { rollbackTarget } from "./decide";
import { readReleases, type ReleaseRecord, shortDigest } from "./records";
import { verifyRelease, type Verdict, type VerifyIo, type VerifyWindow } from "./verify";

/** The `rollback` config key (config/schema.ts): deploy `to` by digest and build nothing, for one up. */
export interface RollbackKey {
    /** `<repository>@sha256:<64 hex>`, a release from the stack's own `releases` output. */
    readonly to: string;
    /** Why; the config refuses fewer than 10 characters. */
    readonly reason: string;
    /** The commit `to` was built from, as the `releases` output records it. */
    readonly commit: string;
}

/** What a rollback needs of a stack. */
export interface ReleaseDriver {
    /** The stack's outputs, plain values (secret outputs left out). */
    outputs(): Promise<Record<string, unknown>>;
    /**
     * One up with `key` set as the stack's `rollback` config, removed again afterwards whatever happens (the stack
     * file ends as it was). Returns the up's exit code (0 when it succeeded).
     */
    upWithRollback(key: RollbackKey): Promise<number>;
}

/** Options of {@link rollback}. */
export interface RollbackOptions {
    /** The release to go back to (a digest or `repo@sha256:...`). @default the newest earlier release not rolled back */
    readonly to?: string;
    /** Why, recorded in the config key for the up. @default "manual rollback from <digest>" */
    readonly reason?: string;
    /** How the release is verified afterwards. */
    readonly window: VerifyWindow;
    readonly io?: VerifyIo;
    readonly log?: (line: string) => void;
}

/** How a rollback ended. */
export interface RollbackOutcome {
    readonly ok: boolean;
    /** The release rolled back from. */
    readonly from: ReleaseRecord;
    /** The release rolled back to. */
    readonly to: ReleaseRecord;
    /** The verification of `to`, when the up succeeded. */
    readonly verdict?: Verdict;
    /** One paragraph: what happened. */
    readonly summary: string;
}

/** Rolls `stack` back; throws (decide.ts, records.ts) when there is nothing valid to roll back to. */
export async function rollback(stack: string, driver: ReleaseDriver, options: RollbackOptions): Promise<RollbackOutcome> {
    const log = options.log ?? (() => undefined);
    const before = readReleases(stack, await driver.outputs());
    const from = before.release;
    const to = rollbackTarget(stack, before, options.to);
    const reason = options.reason ?? `manual rollback from ${from.image}`;
    log(`rollback of "${stack}": ${shortDigest(from.digest)} (commit ${from.commit.slice(0, 12)}) -> ${shortDigest(to.digest)} (commit ${to.commit.slice(0, 12)}, healthy since ${to.healthyAt})`);
    const code = await driver.upWithRollback({ to: to.image, reason, commit: to.commit });
    const fail = (why: string, verdict?: Verdict): RollbackOutcome => ({ ok: false, from, to, verdict, summary: `rollback of "${stack}" to ${to.image} FAILED: ${why}` });
    if (code !== 0) return fail(`the up exited ${code}; the stack may still run ${shortDigest(from.digest)} (see the output above)`);
    const after = readReleases(stack, await driver.outputs());
    if (after.release.digest !== to.digest) return fail(`after the up the stack records ${after.release.image}, not the rollback target`);
    if (!after.healthUrl) return fail("the stack has no healthUrl output to verify");
    log(`verifying ${after.healthUrl} for ${options.window.windowSeconds} s`);
    const verdict = await verifyRelease(after.healthUrl, to.digest, options.window, options.io);
    if (!verdict.ok) return fail(verdict.summary, verdict);
    return { ok: true, from, to, verdict, summary: `rolled "${stack}" back from ${from.image} to ${to.image}; ${verdict.summary}` };
}

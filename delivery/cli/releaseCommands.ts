/**
 * The release train's commands: `releases`, `verify`, `rollback` and `promote`. Their decisions are the pure
 * functions of delivery/release/; here they get the stack's outputs and config through the Automation API and run
 * the up through the pinned CLI, like every other command.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reviewNumber, stackNameProblem } from "../../config/stackName";
import type { CommandContext, StackCommand } from "./command";
import { CommandExit, EXIT } from "./exitCodes";
import { planArgs } from "./preflight";

/** Command options (`--to <digest>`, `--yes`) taken out of the extra arguments; the rest go to pulumi. */
export function takeOptions(args: readonly string[], valued: readonly string[], flags: readonly string[]): { values: Record<string, string>; flags: Set<string>; rest: string[] } {
    const values: Record<string, string> = {};
    const set = new Set<string>();
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const [name, inline] = args[i].split(/=(.*)/s, 2);
        if (valued.includes(name)) {
            const value = inline ?? args[++i];
            if (value === undefined || value === "") throw new CommandExit(EXIT.usage, `stack: ${name} needs a value`);
            values[name] = value;
        } else if (flags.includes(args[i])) set.add(args[i]);
        else rest.push(args[i]);
    }
    return { values, flags: set, rest };
}

/** Runs `work`, turning a refusal of the release modules into a clear exit. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
    const { ReleaseDecisionError } = await import("../release/decide");
    const { ReleaseRecordError } = await import("../release/records");
    try {
        return await work();
    } catch (err) {
        if (err instanceof ReleaseDecisionError || err instanceof ReleaseRecordError) throw new CommandExit(EXIT.refused, `stack: ${err.message}`);
        throw err;
    }
}

/** The stack's release records, from its outputs. */
async function recordsOf(ctx: CommandContext, stack: string) {
    const { readReleases } = await import("../release/records");
    return readReleases(stack, await (await ctx.automation()).outputs(stack));
}

/** `app.deploy.verify` of the stack, as its validated config has it (defaults filled in). */
async function verifyWindowOf(stack: string) {
    const { parseStackFile } = await import("../../scripts/stackFile");
    return parseStackFile(stack).config.app.deploy.verify;
}

export const RELEASE_COMMANDS: Readonly<Record<string, StackCommand>> = {
    releases: {
        summary: "the stack's last releases, newest first: digest, commit, healthy since, rolled back",
        readsOnly: true,
        runsProgram: false,
        run: (ctx) =>
            refusing(async () => {
                const { renderReleases } = await import("../release/render");
                ctx.log(renderReleases(ctx.stack, await recordsOf(ctx, ctx.stack)));
                return EXIT.ok;
            }),
    },
    verify: {
        summary: "GETs the healthUrl over app.deploy.verify's window: every answer 200 from the digest of the release output",
        readsOnly: true,
        runsProgram: false,
        run: (ctx) =>
            refusing(async () => {
                const { verifyRelease } = await import("../release/verify");
                const records = await recordsOf(ctx, ctx.stack);
                if (!records.healthUrl) throw new CommandExit(EXIT.refused, `stack: stack "${ctx.stack}" has no healthUrl output to verify`);
                const window = await verifyWindowOf(ctx.stack);
                ctx.log(`verify "${ctx.stack}": ${records.healthUrl} must answer 200 for ${records.release.image} every ${window.intervalSeconds} s for ${window.windowSeconds} s`);
                const verdict = await verifyRelease(records.healthUrl, records.release.digest, window);
                if (!verdict.ok) {
                    ctx.error(`verify "${ctx.stack}": ${verdict.summary}`);
                    return EXIT.verification;
                }
                ctx.log(`verify "${ctx.stack}": ${verdict.summary}`);
                return EXIT.ok;
            }),
    },
    rollback: {
        summary: "up of an earlier release by digest (--to <digest>; default the newest earlier one not rolled back), then verify",
        // The rollback key is written into the stack's own file for one up; a review stack's config is the template
        // every review stack shares, and its release is its pull request's head.
        refuses: (stack) =>
            reviewNumber(stack) !== undefined
                ? `a review stack runs its pull request's head: roll it back by pushing to the pull request (or remove the label ${"`"}preview${"`"}); its config is the template every review stack shares, so no rollback key can be set for one`
                : undefined,
        run: (ctx) =>
            refusing(async () => {
                const { rollback } = await import("../release/rollback");
                const options = takeOptions(ctx.extraArgs, ["--to", "--reason"], ["--yes"]);
                const automation = await ctx.automation();
                const file = join(ctx.root, `Pulumi.${ctx.stack}.yaml`);
                const yes = options.flags.has("--yes") ? ["--yes"] : ctx.yes;
                const outcome = await rollback(
                    ctx.stack,
                    {
                        outputs: () => automation.outputs(ctx.stack),
                        async upWithRollback(key) {
                            const before = readFileSync(file);
                            try {
                                for (const [name, value] of Object.entries(key)) await automation.setConfig(ctx.stack, `${ctx.project}:rollback.${name}`, value);
                                // Without --yes the CLI shows the preview and asks before it changes anything.
                                const args = ["up", "--stack", ctx.stack, ...yes, ...ctx.policyArgs, "--message", `rollback to ${key.to}: ${key.reason}`, ...options.rest];
                                return (await ctx.pulumi(args)).code;
                            } finally {
                                await automation.removeConfig(ctx.stack, `${ctx.project}:rollback`).catch((err: unknown) => ctx.error(`stack: could not remove the rollback key: ${(err as Error).message.split("\n")[0]}`));
                                // The CLI may reformat the file when it writes config; the rollback leaves it as it was.
                                if (!readFileSync(file).equals(before)) writeFileSync(file, before);
                            }
                        },
                    },
                    { to: options.values["--to"], reason: options.values["--reason"], window: await verifyWindowOf(ctx.stack), log: ctx.log },
                );
                if (!outcome.ok) {
                    ctx.error(outcome.summary);
                    return EXIT.verification;
                }
                ctx.log(outcome.summary);
                return EXIT.ok;
            }),
    },
    promote: {
        summary: "npm run promote -- <from> <to>: pins <from>'s current release (by digest) in Pulumi.<to>.yaml, then the offline plan of <to>",
        readsOnly: true,
        runsProgram: false,
        run: (ctx) =>
            refusing(async () => {
                const [target, ...more] = ctx.extraArgs;
                if (!target || more.length > 0) throw new CommandExit(EXIT.usage, `stack: usage: npm run promote -- <from> <to>, e.g. npm run promote -- ${ctx.stack} prod`);
                const problem = stackNameProblem(target);
                if (problem) throw new CommandExit(EXIT.usage, `stack: invalid target stack name "${target}": it ${problem}`);
                if (target === ctx.stack) throw new CommandExit(EXIT.usage, `stack: a stack cannot be promoted into itself ("${target}")`);
                const file = join(ctx.root, `Pulumi.${target}.yaml`);
                if (!existsSync(file)) throw new CommandExit(EXIT.usage, `stack: unknown target stack "${target}": there is no Pulumi.${target}.yaml`);
                const { promotable } = await import("../release/decide");
                const { promotionOf, writePromotion } = await import("../release/promotionRecord");
                const release = promotable(ctx.stack, await recordsOf(ctx, ctx.stack));
                const record = promotionOf(ctx.stack, release);
                writeFileSync(file, writePromotion(readFileSync(file, "utf8"), ctx.project, target, record));
                ctx.log(`promote: Pulumi.${target}.yaml now deploys ${record.image}`);
                ctx.log(`  commit ${record.commit}, healthy on ${ctx.stack} since ${record.healthyAt}`);
                ctx.log(`  the offline plan of "${target}" (npm run plan -- ${target}), with the soak verdict:`);
                const plan = spawnSync(process.execPath, planArgs(target), { cwd: ctx.root, env: ctx.env, stdio: "inherit" });
                if (plan.status !== 0) {
                    ctx.error(`promote: the plan of "${target}" fails (above; a soak not yet over names when the release may go). The record is written: wait and run npm run plan -- ${target} again, or undo with git checkout -- Pulumi.${target}.yaml`);
                    return plan.status ?? 1;
                }
                ctx.log(`next: review the change (git diff Pulumi.${target}.yaml), commit it and open a pull request; undo with git checkout -- Pulumi.${target}.yaml`);
                return EXIT.ok;
            }),
    },
};

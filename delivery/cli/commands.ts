/**
 * The stack commands: one table, so a new command (a promote, releases or rollback) is one more entry with
 * the same preflight, the same pinned CLI and the same signal handling.
 */
import { reviewNumber } from "../../config/stackFile";
import type { CommandContext, StackCommand } from "./command";
import { EXIT } from "./exitCodes";
import { RELEASE_COMMANDS } from "./releaseCommands";

// Pulumi words this differently across versions ("...were proposed", "...occurred", "...for refresh...").
const DRIFT_PATTERN = /no changes were expected.* but changes (were proposed|occurred)/;

/** A run that expected no changes: 0, EXIT.drift when the CLI said changes were found, or its failure code. */
async function expectingNoChanges(ctx: CommandContext, args: readonly string[]): Promise<number> {
    const run = await ctx.pulumi(args, { capture: true });
    if (run.code !== 0 && DRIFT_PATTERN.test(run.output)) return EXIT.drift;
    return run.code;
}

export const COMMANDS: Readonly<Record<string, StackCommand>> = {
    preview: {
        summary: "pulumi preview --diff, with the policy pack and policies/<stack>.json",
        run: async (ctx) => (await ctx.pulumi(["preview", ...ctx.stackArgs, "--diff", ...ctx.policyArgs, ...ctx.extraArgs])).code,
    },
    up: {
        summary: "pulumi up, with the policy pack and policies/<stack>.json (--yes when CI is set or stdin is no terminal)",
        run: async (ctx) => (await ctx.pulumi(["up", ...ctx.stackArgs, ...ctx.yes, ...ctx.policyArgs, ...ctx.extraArgs])).code,
    },
    refresh: {
        summary: "pulumi refresh (adopts out-of-band changes into the state)",
        usesPolicyPack: false,
        run: async (ctx) => (await ctx.pulumi(["refresh", ...ctx.stackArgs, ...ctx.yes, ...ctx.extraArgs])).code,
    },
    drift: {
        summary: "refresh --preview-only --expect-no-changes, then preview --expect-no-changes; changes nothing",
        run: async (ctx) => {
            // Both checks always run so one report shows out-of-band changes (refresh) and unapplied code (preview).
            const refresh = await expectingNoChanges(ctx, ["refresh", ...ctx.stackArgs, "--preview-only", "--expect-no-changes", "--diff", ...ctx.extraArgs]);
            const preview = await expectingNoChanges(ctx, ["preview", ...ctx.stackArgs, "--expect-no-changes", "--diff", ...ctx.policyArgs, ...ctx.extraArgs]);
            for (const code of [refresh, preview]) {
                if (code !== 0 && code !== EXIT.drift) {
                    ctx.error(`drift check of "${ctx.stack}" failed (exit ${code}); see the output above`);
                    return code;
                }
            }
            if (refresh === EXIT.drift || preview === EXIT.drift) {
                const state = (code: number) => (code === 0 ? "clean" : "differs");
                ctx.error(`DRIFT in stack "${ctx.stack}": cloud vs state ${state(refresh)}, program vs state ${state(preview)}`);
                return EXIT.drift;
            }
            ctx.log(`no drift in stack "${ctx.stack}"`);
            return EXIT.ok;
        },
    },
    destroy: {
        summary: "pulumi destroy, then pulumi stack rm: a review stack (pr-<number>) and its state go; any other stack is refused",
        usesPolicyPack: false,
        // A destroy works from the state alone: a template that has since become invalid must not keep a stack alive.
        runsProgram: false,
        refuses: (stack) =>
            reviewNumber(stack) === undefined
                ? `destroy removes review stacks (pr-<number>) only, and their state with them; "${stack}" is not one. To tear down another stack, run pulumi destroy yourself`
                : undefined,
        run: async (ctx) => {
            const destroyed = await ctx.pulumi(["destroy", ...ctx.stackArgs, ...ctx.yes, ...ctx.extraArgs]);
            if (destroyed.code !== 0) return destroyed.code;
            // No --force: after a destroy the stack holds nothing, and a stack that still does is worth a failure.
            // --preserve-config: the stack's config is the committed template (or a file of the checkout), never removed.
            return (await ctx.pulumi(["stack", "rm", ctx.stack, "--yes", "--preserve-config"])).code;
        },
    },
    check: {
        summary: "the preflight alone",
        run: async (ctx) => {
            ctx.log(`preflight passed for stack "${ctx.stack}"`);
            return EXIT.ok;
        },
    },
    ...RELEASE_COMMANDS,
};

/**
 * The stack commands: one table, so a new command (a promote, releases or rollback) is one more entry with
 * the same preflight, the same pinned CLI and the same signal handling.
 */
import type { StackAutomation } from "./automation";
import { EXIT } from "./exitCodes";
import { RELEASE_COMMANDS } from "./releaseCommands";
import type { CliRun } from "./runCli";

/** What a command gets once the preflight passed. */
export interface CommandContext {
    /** The project root (Pulumi.yaml), also the working folder. */
    readonly root: string;
    /** The project's name: the namespace of its config keys. */
    readonly project: string;
    /** The environment the CLI runs with. */
    readonly env: NodeJS.ProcessEnv;
    readonly stack: string;
    /** Extra arguments for pulumi, after `--` in `npm run <command> -- <stack> ...`. */
    readonly extraArgs: readonly string[];
    /** `--policy-pack policies --policy-pack-config policies/<stack>.json`. */
    readonly policyArgs: readonly string[];
    /** `--yes` when nobody can answer the CLI's confirmation (CI set, or stdin not a terminal); otherwise empty. */
    readonly yes: readonly string[];
    /** Runs the pinned CLI from the project root, printing `+ pulumi <args>` first; see runCli.ts. */
    pulumi(args: readonly string[], opts?: { capture?: boolean }): Promise<CliRun>;
    /** The stack's outputs and config through the Automation API on the same pinned CLI. */
    automation(): Promise<StackAutomation>;
    log(line: string): void;
    error(line: string): void;
}

/** One stack command. */
export interface StackCommand {
    readonly summary: string;
    /**
     * Whether it runs the policy pack, so needs `policies/<stack>.json` and the pack's dependencies.
     * @default true
     */
    readonly usesPolicyPack?: boolean;
    /**
     * Whether it only reads the stack (outputs, config), so its preflight needs the backend and the passphrase but
     * neither the providers' credentials nor the offline plan.
     * @default false
     */
    readonly readsOnly?: boolean;
    run(ctx: CommandContext): Promise<number>;
}

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
        run: async (ctx) => (await ctx.pulumi(["preview", "--stack", ctx.stack, "--diff", ...ctx.policyArgs, ...ctx.extraArgs])).code,
    },
    up: {
        summary: "pulumi up, with the policy pack and policies/<stack>.json (--yes when CI is set or stdin is no terminal)",
        run: async (ctx) => (await ctx.pulumi(["up", "--stack", ctx.stack, ...ctx.yes, ...ctx.policyArgs, ...ctx.extraArgs])).code,
    },
    refresh: {
        summary: "pulumi refresh (adopts out-of-band changes into the state)",
        usesPolicyPack: false,
        run: async (ctx) => (await ctx.pulumi(["refresh", "--stack", ctx.stack, ...ctx.yes, ...ctx.extraArgs])).code,
    },
    drift: {
        summary: "refresh --preview-only --expect-no-changes, then preview --expect-no-changes; changes nothing",
        run: async (ctx) => {
            // Both checks always run so one report shows out-of-band changes (refresh) and unapplied code (preview).
            const refresh = await expectingNoChanges(ctx, ["refresh", "--stack", ctx.stack, "--preview-only", "--expect-no-changes", "--diff", ...ctx.extraArgs]);
            const preview = await expectingNoChanges(ctx, ["preview", "--stack", ctx.stack, "--expect-no-changes", "--diff", ...ctx.policyArgs, ...ctx.extraArgs]);
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
    check: {
        summary: "the preflight alone",
        run: async (ctx) => {
            ctx.log(`preflight passed for stack "${ctx.stack}"`);
            return EXIT.ok;
        },
    },
    ...RELEASE_COMMANDS,
};

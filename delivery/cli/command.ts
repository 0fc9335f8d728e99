/**
 * What a stack command is and what it gets: the shape every entry of the command table (commands.ts,
 * releaseCommands.ts) implements.
 */
import type { StackAutomation } from "./automation";
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
    /** `--stack <stack>`, and `--config-file Pulumi.review.yaml` for a review stack (config/stackFile.ts). */
    readonly stackArgs: readonly string[];
    /** Extra arguments for pulumi, after `--` in `npm run <command> -- <stack> ...`. */
    readonly extraArgs: readonly string[];
    /** `--policy-pack policies --policy-pack-config policies/<stack>.json` (`policies/review.json` for a review stack). */
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
     * not the providers' credentials, and no policy pack.
     * @default false
     */
    readonly readsOnly?: boolean;
    /**
     * Whether it runs the program, so the preflight runs the offline config and policy gate (`npm run plan`) first.
     * @default true
     */
    readonly runsProgram?: boolean;
    /**
     * Why the command refuses `stack`, checked before the preflight touches anything; undefined accepts it.
     * @default every stack accepted
     */
    refuses?(stack: string): string | undefined;
    run(ctx: CommandContext): Promise<number>;
}

/**
 * What the release commands ask of a stack through the Automation API on the pinned CLI: its outputs, and setting
 * and removing config keys by path. Operations (up, preview) still run through runCli.ts (see README.md for why).
 */
import type { PinnedCli } from "./pinnedCli";

/** A stack's outputs and config, through the Automation API. */
export interface StackAutomation {
    /** The stack's outputs, plain values; secret outputs are left out (the release commands read none). */
    outputs(stack: string): Promise<Record<string, unknown>>;
    /** `pulumi config set --path <key> <value> --plaintext` (key with the project's namespace). */
    setConfig(stack: string, key: string, value: string): Promise<void>;
    /** `pulumi config rm --path <key>`. */
    removeConfig(stack: string, key: string): Promise<void>;
}

/** The Automation API's workspace on `root`, run with the pinned CLI. */
export async function stackAutomation(root: string, cli: PinnedCli): Promise<StackAutomation> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const workspace = await LocalWorkspace.create({ workDir: root, pulumiCommand: cli.command });
    return {
        async outputs(stack) {
            const outputs = await workspace.stackOutputs(stack);
            return Object.fromEntries(Object.entries(outputs).flatMap(([name, output]) => (output.secret ? [] : [[name, output.value as unknown]])));
        },
        setConfig: (stack, key, value) => workspace.setConfig(stack, key, { value, secret: false }, true),
        removeConfig: (stack, key) => workspace.removeConfig(stack, key, true),
    };
}

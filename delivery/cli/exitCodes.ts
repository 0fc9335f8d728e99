/** Exit codes of the stack commands. Anything else is the Pulumi CLI's own exit code. */
export const EXIT = {
    ok: 0,
    /** Unknown command or stack, an invalid stack name, or a refused option. */
    usage: 2,
    /** `drift` found changes in the cloud or in the program. */
    drift: 3,
    /** The preflight failed: nothing was run. */
    preflight: 4,
} as const;

/** An error that ends the command with `code` after printing `message` (already formatted, to stderr). */
export class CommandExit extends Error {
    constructor(
        readonly code: number,
        message: string,
    ) {
        super(message);
        this.name = "CommandExit";
    }
}

/** Exit codes of the stack commands. Anything else is the Pulumi CLI's own exit code. */
export const EXIT = {
    ok: 0,
    /** Unknown command or stack, an invalid stack name, or a refused option. */
    usage: 2,
    /** `drift` found changes in the cloud or in the program. */
    drift: 3,
    /** The preflight failed: nothing was run. */
    preflight: 4,
    /** `verify` found the deployed release not answering throughout the window, or a rollback did not end verified. */
    verification: 5,
    /** The release records refuse the request: nothing to roll back to, a rolled-back or unhealthy release to promote. */
    refused: 6,
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

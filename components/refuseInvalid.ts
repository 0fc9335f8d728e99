/** How every component refuses invalid args: all its problems at once, before it registers anything. */
import * as pulumi from "@pulumi/pulumi";

/**
 * Throws `problems` (a validator's, each naming the component, the allowed values and the value received) as one
 * RunError, which the CLI prints as its message alone, without a stack trace. Call it before `super(...)`, so
 * invalid args leave nothing half-registered.
 */
export function refuseInvalid(problems: readonly string[]): void {
    if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
}

/** The error a bad stack name raises where a Pulumi program or pack reads it (the rule itself: stackName.ts). */
import * as pulumi from "@pulumi/pulumi";
import { STACK_NAME, STACK_NAME_MAX, stackNameProblem } from "./stackName";

/** A stack name Pulumi would refuse. A `RunError`, so the Pulumi CLI prints the message without a stack trace. */
export class StackNameError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problem: string,
    ) {
        super(`Invalid stack name ${JSON.stringify(stack)}: it ${problem}.\n      fix: use a name of letters, digits, '-', '_' and '.' (at most ${STACK_NAME_MAX}, not starting with '.'), e.g. prod; list the stacks with: pulumi stack ls`);
        this.name = "StackNameError";
    }
}

/** Throws `StackNameError` unless Pulumi accepts `name`; returns it otherwise. */
export function checkStackName(name: string): string {
    const problem = stackNameProblem(name);
    if (problem !== undefined || !STACK_NAME.test(name)) throw new StackNameError(name, problem ?? "is not a valid stack name");
    return name;
}

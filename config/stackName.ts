/**
 * Stack names: the one rule of the project, imported wherever a name is read (the config parser, the offline engine,
 * the policy pack's enforcement file, `npm run plan`/`envdiff`, the CLI driver). Pulumi's rule is the Pulumi
 * Service's (`pkg/backend/httpstate` in pulumi/pulumi): 1 to 100 characters, each an ASCII letter, a digit, `-`, `_`
 * or `.`. A name is also a file name here (`Pulumi.<stack>.yaml`, `policies/<stack>.json`), so the rule is checked
 * before any file is read, and it is stricter by one: no leading `.`, so `policies/<stack>.json` is never a hidden
 * file and `.`/`..` never name a folder. A name with `/` can never reach another file.
 */
import * as pulumi from "@pulumi/pulumi";

/** The stack name rule as one pattern, for callers that only need a yes or no (`stackNameProblem` says why). */
export const STACK_NAME = /^(?!\.)[A-Za-z0-9_.-]{1,100}$/;

/** The longest stack name Pulumi accepts. */
export const STACK_NAME_MAX = 100;

/** What is wrong with `name` as a stack name, or undefined when Pulumi accepts it. */
export function stackNameProblem(name: string): string | undefined {
    if (name.length === 0) return "is empty";
    if (name.length > STACK_NAME_MAX) return `is ${name.length} characters long; Pulumi allows at most ${STACK_NAME_MAX}`;
    if (name.includes("/")) return "contains '/': give the bare stack name (e.g. prod), not an organization/project/stack path";
    const bad = [...new Set([...name].filter((c) => !/[A-Za-z0-9_.-]/.test(c)))];
    if (bad.length > 0) return `contains ${bad.map((c) => JSON.stringify(c)).join(", ")}; Pulumi allows only letters, digits, '-', '_' and '.'`;
    if (name.startsWith(".")) return "starts with '.', which would make its files hidden (policies/.<name>.json) or name a folder ('.', '..')";
    return undefined;
}

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

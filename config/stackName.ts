/**
 * Stack names: the one rule of the project, imported wherever a name is read (the config parser, the offline engine,
 * the policy pack's enforcement file, `npm run plan`/`envdiff`, the CLI driver). Pulumi's rule is the Pulumi
 * Service's (`pkg/backend/httpstate` in pulumi/pulumi): 1 to 100 characters, each an ASCII letter, a digit, `-`, `_`
 * or `.`. A name is also a file name here (`Pulumi.<stack>.yaml`, `policies/<stack>.json`), so the rule is checked
 * before any file is read, and it is stricter by one: no leading `.`, so `policies/<stack>.json` is never a hidden
 * file and `.`/`..` never name a folder. A name with `/` can never reach another file. The error a program throws
 * for a bad name is in stackNameError.ts, apart, so the CLI driver checks names without loading `@pulumi/pulumi`.
 */
import { readdirSync } from "node:fs";

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

/** The name in the review stacks' template, `Pulumi.review.yaml` (config/stackFile.ts): a template, not a stack. */
export const REVIEW_TEMPLATE_NAME = "review";

/** `pr-<number>`: 1 to 9 digits, no leading zero (a pull request's number as GitHub writes it). */
export const REVIEW_STACK = /^pr-([1-9][0-9]{0,8})$/;

/** The pull request number of a review stack, or undefined when `stack` is not one. */
export function reviewNumber(stack: string): number | undefined {
    const match = REVIEW_STACK.exec(stack);
    return match ? Number(match[1]) : undefined;
}

/** The stacks whose `Pulumi.<stack>.yaml` file is in `root`, by the name the file gives, sorted; never the review template. */
export function stackFileNames(root: string): string[] {
    return readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined && s !== REVIEW_TEMPLATE_NAME && reviewNumber(s) === undefined)
        .sort();
}

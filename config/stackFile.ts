/**
 * Which files a stack reads: the one rule, imported by everything that reads a stack's config or its policy
 * enforcement (the offline engine, `npm run plan`, the stack commands, the policy pack).
 *
 * A stack reads `Pulumi.<stack>.yaml` and `policies/<stack>.json`. A review stack `pr-<number>` (one per pull
 * request, never committed) has neither: it reads the committed template `Pulumi.review.yaml` and
 * `policies/review.json`, and the stack commands hand the CLI `--config-file Pulumi.review.yaml`. A stack's own file
 * always wins. Pure: no `@pulumi/pulumi`, so the CLI driver loads it cheaply.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REVIEW_TEMPLATE_NAME, stackNameProblem } from "./stackName";

/** The review stacks' template, in the project root. */
export const REVIEW_TEMPLATE = `Pulumi.${REVIEW_TEMPLATE_NAME}.yaml`;

/** The review stacks' policy enforcement, in the policy pack's folder. */
export const REVIEW_ENFORCEMENT = `${REVIEW_TEMPLATE_NAME}.json`;

/** `pr-<number>`: 1 to 9 digits, no leading zero (a pull request's number as GitHub writes it). */
export const REVIEW_STACK = /^pr-([1-9][0-9]{0,8})$/;

/** The pull request number of a review stack, or undefined when `stack` is not one. */
export function reviewNumber(stack: string): number | undefined {
    const match = REVIEW_STACK.exec(stack);
    return match ? Number(match[1]) : undefined;
}

/** Where a stack's config is, or why there is none (with the fix). */
export type StackFileLookup = { readonly file: string; readonly problem?: undefined } | { readonly file?: undefined; readonly problem: string };

/**
 * The config file of `stack` in `root`, relative to it: `Pulumi.<stack>.yaml` when it exists, else the template for
 * a review stack; otherwise the problem, naming the file and the fix.
 */
export function findStackFile(root: string, stack: string): StackFileLookup {
    const badName = stackNameProblem(stack);
    if (badName !== undefined) return { problem: `invalid stack name ${JSON.stringify(stack)}: it ${badName}` };
    if (stack === REVIEW_TEMPLATE_NAME) {
        return { problem: `"${REVIEW_TEMPLATE_NAME}" names the review stacks' template (${REVIEW_TEMPLATE}), not a stack.\n      fix: name a review stack after its pull request, e.g. pr-7` };
    }
    const own = `Pulumi.${stack}.yaml`;
    if (existsSync(join(root, own))) return { file: own };
    if (reviewNumber(stack) !== undefined) {
        if (existsSync(join(root, REVIEW_TEMPLATE))) return { file: REVIEW_TEMPLATE };
        return { problem: `stack "${stack}" is a review stack, built from the template ${REVIEW_TEMPLATE}, which is missing in ${root}.\n      fix: restore it (git checkout -- ${REVIEW_TEMPLATE}); docs/review-stacks.md describes it` };
    }
    if (/^pr-/i.test(stack)) {
        return {
            problem:
                `stack "${stack}" has no ${own}, and it is not a review stack: a review stack is pr-<number>, the pull request's number ` +
                `(1 to 9 digits, no leading zero).\n      fix: use the pull request's number as GitHub writes it, e.g. pr-7`,
        };
    }
    return { problem: `there is no ${own} in ${root}.\n      fix: to add a stack, follow docs/runbooks/add-environment.md (write ${own}, then pulumi stack init ${stack})` };
}

/** The config file of `stack` (see {@link findStackFile}), or undefined when it has none. */
export function stackConfigFile(root: string, stack: string): string | undefined {
    return findStackFile(root, stack).file;
}

/**
 * The enforcement file of `stack` in the policy pack's folder, by its name there: `<stack>.json` when it exists,
 * else `review.json` for a review stack, else `<stack>.json` (which the caller reports missing).
 */
export function enforcementFileName(packDir: string, stack: string): string {
    const own = `${stack}.json`;
    if (reviewNumber(stack) !== undefined && !existsSync(join(packDir, own))) return REVIEW_ENFORCEMENT;
    return own;
}

/**
 * What the Pulumi CLI needs to read the config of `stack` from `file`: `--config-file <file>` when it is not the
 * stack's own file (a review stack's template), nothing otherwise.
 */
export function configFileArgs(stack: string, file: string): string[] {
    return file === `Pulumi.${stack}.yaml` ? [] : ["--config-file", file];
}

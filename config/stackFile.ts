/**
 * Which files a stack reads: the one rule, imported by everything that reads a stack's config or its policy
 * enforcement (the offline engine, `npm run plan`, the stack commands, the policy pack).
 *
 * A stack reads `Pulumi.<stack>.yaml` and `policies/<stack>.json`. A review stack `pr-<number>` (one per pull
 * request, never committed) has neither: it reads the committed template `Pulumi.review.yaml` and
 * `policies/review.json`, and the stack commands hand the CLI `--config-file Pulumi.review.yaml`. A review stack's
 * own `Pulumi.pr-<n>.yaml` is only where `pulumi stack init` leaves its secrets salt (git-ignored): config there would
 * make one pull request's environment differ from what the template says, so it is refused. Pure: no
 * `@pulumi/pulumi`, so the CLI driver loads it cheaply.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { REVIEW_STACK, REVIEW_TEMPLATE_NAME, reviewNumber, stackNameProblem } from "./stackName";

/** The review stacks' template, in the project root. */
export const REVIEW_TEMPLATE = `Pulumi.${REVIEW_TEMPLATE_NAME}.yaml`;

/** The review stacks' policy enforcement, in the policy pack's folder. */
export const REVIEW_ENFORCEMENT = `${REVIEW_TEMPLATE_NAME}.json`;

export { REVIEW_STACK, reviewNumber };

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
    if (reviewNumber(stack) !== undefined) {
        const configured = reviewOwnFileProblem(root, own);
        if (configured !== undefined) return { problem: configured };
        if (existsSync(join(root, REVIEW_TEMPLATE))) return { file: REVIEW_TEMPLATE };
        return { problem: `stack "${stack}" is a review stack, built from the template ${REVIEW_TEMPLATE}, which is missing in ${root}.\n      fix: restore it (git checkout -- ${REVIEW_TEMPLATE}); docs/review-stacks.md describes it` };
    }
    if (existsSync(join(root, own))) return { file: own };
    if (/^pr-/i.test(stack)) {
        return {
            problem:
                `stack "${stack}" has no ${own}, and it is not a review stack: a review stack is pr-<number>, the pull request's number ` +
                `(1 to 9 digits, no leading zero).\n      fix: use the pull request's number as GitHub writes it, e.g. pr-7`,
        };
    }
    return { problem: `there is no ${own} in ${root}.\n      fix: to add a stack, follow docs/runbooks/add-environment.md (write ${own}, then pulumi stack init ${stack})` };
}

/**
 * Why a review stack's own file may not stand, or undefined: it may hold what `pulumi stack init` writes there (the
 * secrets salt or provider), never config, which the template alone gives every review stack.
 */
function reviewOwnFileProblem(root: string, own: string): string | undefined {
    if (!existsSync(join(root, own))) return undefined;
    let doc: unknown;
    try {
        doc = YAML.parse(readFileSync(join(root, own), "utf8"));
    } catch (err) {
        return `${own} is not valid YAML (${(err as Error).message.split("\n")[0]}).\n      fix: delete it (rm ${own}); a review stack reads ${REVIEW_TEMPLATE}`;
    }
    const config = doc !== null && typeof doc === "object" ? (doc as { config?: unknown }).config : undefined;
    if (config === undefined || config === null || (typeof config === "object" && Object.keys(config).length === 0)) return undefined;
    return (
        `${own} sets config, but a review stack reads only the template ${REVIEW_TEMPLATE}, so every pull request's ` +
        `environment is the one the template describes.\n      fix: move those keys into ${REVIEW_TEMPLATE} (or delete them from ${own}; ` +
        `what pulumi stack init wrote there, the secrets salt, may stay)`
    );
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

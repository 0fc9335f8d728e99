/**
 * How guessable a supplied secret is, estimated by zxcvbn-ts (the maintained TypeScript port of Dropbox's zxcvbn):
 * it finds dictionary words, keyboard walks, repeats, sequences and dates, and counts the guesses an attacker who
 * knows those patterns needs. Length alone says nothing about `"a".repeat(64)`; this does.
 */
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

let estimator: ZxcvbnFactory | undefined;

/** zxcvbn only looks at the first `maxLength` characters; ours covers the longest JWT secret config allows. */
const MAX_LENGTH = 512;

function createEstimator(): ZxcvbnFactory {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { ZxcvbnFactory: Factory } = require("@zxcvbn-ts/core") as typeof import("@zxcvbn-ts/core");
    const { adjacencyGraphs, dictionary } = require("@zxcvbn-ts/language-common") as typeof import("@zxcvbn-ts/language-common");
    /* eslint-enable @typescript-eslint/no-require-imports */
    return new Factory({ dictionary, graphs: adjacencyGraphs, maxLength: MAX_LENGTH });
}

/**
 * Estimated entropy of `value`, in bits (log2 of zxcvbn's guess count). A random base64 string of 64 characters
 * scores about 210; a repeated or dictionary-built one of the same length well under 100.
 */
export function entropyBits(value: string): number {
    // Loaded and built on first use, not when the pack starts: the dictionaries cost tens of milliseconds, and the CLI
    // waits for the pack to start before it runs the program. Most previews supply no secret and never pay it.
    estimator ??= createEstimator();
    return estimator.check(value).guessesLog10 / Math.log10(2);
}

/**
 * How guessable a supplied secret is, estimated by zxcvbn-ts (the maintained TypeScript port of Dropbox's zxcvbn):
 * it finds dictionary words, keyboard walks, repeats, sequences and dates, and counts the guesses an attacker who
 * knows those patterns needs. Length alone says nothing about `"a".repeat(64)`; this does.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

let estimator: ZxcvbnFactory | undefined;

/** zxcvbn only looks at the first `maxLength` characters; ours covers the longest JWT secret config allows. */
const MAX_LENGTH = 512;

/**
 * Estimated entropy of `value`, in bits (log2 of zxcvbn's guess count). A random base64 string of 64 characters
 * scores about 210; a repeated or dictionary-built one of the same length well under 100.
 */
export function entropyBits(value: string): number {
    // Built on first use: loading the dictionaries costs tens of milliseconds a rule without a supplied secret never pays.
    estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: MAX_LENGTH });
    return estimator.check(value).guessesLog10 / Math.log10(2);
}

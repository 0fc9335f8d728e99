/**
 * The sticky comment of a pull request's review stack (`pr-<number>`): where it runs, or why it does not. Found
 * and edited in place by its marker, like a preview's (post.ts).
 */
import { commentMarker } from "./render";

/** What the review workflow's up ended with. */
export interface ReviewOutcome {
    /** The review stack, `pr-<number>`. */
    readonly stack: string;
    /** The commit deployed. */
    readonly sha: string;
    /** The up job's result: `success`, `failure` or `cancelled`. */
    readonly result: string;
    /** The app's URL (the stack output `url`), when the up succeeded. */
    readonly url?: string;
    readonly runUrl?: string;
}

/** The comment's markdown. */
export function renderReviewComment(o: ReviewOutcome): string {
    const commit = `\`${o.sha.slice(0, 7)}\``;
    const run = o.runUrl ? ` ([run log](${o.runUrl}))` : "";
    const lines = [commentMarker(o.stack)];
    if (o.result === "success" && o.url) {
        lines.push(`### 🚀 Review environment \`${o.stack}\`: ${o.url}`, "", `Runs ${commit}${run}. Updated on every push while the pull request has the \`preview\` label; destroyed when it closes, or after the review stacks' TTL without an update.`);
    } else {
        const what = o.result === "success" ? "came up without a URL" : o.result === "cancelled" ? "was cancelled" : "failed";
        lines.push(`### ❌ Review environment \`${o.stack}\`: the up of ${commit} ${what}`, "", `Nothing else changed${run}. Push a fix, or comment \`/preview\` to try again.`);
    }
    return lines.join("\n");
}

/**
 * `npx tsx delivery/review/comment.ts --pr <n> --sha <commit> --result <up job result> [--url URL] [--run-url URL]`
 * prints the markdown of the pull request's review stack comment (delivery/comment/review.ts), under the stack's
 * marker, for scripts/comment.ts to post or edit in place.
 */
import { parseArgs } from "node:util";
import { reviewNumber } from "../../config/stackFile";
import { renderReviewComment } from "../comment/review";

const { values } = parseArgs({ options: { pr: { type: "string" }, sha: { type: "string" }, result: { type: "string" }, url: { type: "string" }, "run-url": { type: "string" } } });
const stack = `pr-${values.pr ?? ""}`;
if (reviewNumber(stack) === undefined || !values.sha || !values.result) {
    console.error("usage: tsx delivery/review/comment.ts --pr <number> --sha <commit> --result <success|failure|cancelled> [--url URL] [--run-url URL] > comment.md");
    process.exitCode = 2;
} else {
    process.stdout.write(`${renderReviewComment({ stack, sha: values.sha, result: values.result, url: values.url || undefined, runUrl: values["run-url"] })}\n`);
}

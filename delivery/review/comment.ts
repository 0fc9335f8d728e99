/**
 * `npx tsx delivery/review/comment.ts --pr <n> --sha <commit> --result <up job result> [--url URL] [--run-url URL]`:
 * posts or edits the sticky comment of the pull request's review stack (delivery/comment/review.ts). Reads
 * COMMENT_TOKEN, GITHUB_REPOSITORY and, on GitHub Enterprise, GITHUB_API_URL.
 */
import { parseArgs } from "node:util";
import { reviewNumber } from "../../config/stackFile";
import { commentMarker } from "../comment/render";
import { upsertComment } from "../comment/post";
import { renderReviewComment } from "../comment/review";

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { pr: { type: "string" }, sha: { type: "string" }, result: { type: "string" }, url: { type: "string" }, "run-url": { type: "string" } } });
    const stack = `pr-${values.pr ?? ""}`;
    const token = process.env.COMMENT_TOKEN;
    const repository = process.env.GITHUB_REPOSITORY;
    if (reviewNumber(stack) === undefined || !values.sha || !values.result || !token || !repository) {
        console.error("usage: COMMENT_TOKEN=… GITHUB_REPOSITORY=owner/name tsx delivery/review/comment.ts --pr <number> --sha <commit> --result <success|failure|cancelled> [--url URL] [--run-url URL]");
        return 2;
    }
    const body = renderReviewComment({ stack, sha: values.sha, result: values.result, url: values.url || undefined, runUrl: values["run-url"] });
    const result = await upsertComment({ repository, pullRequest: reviewNumber(stack)!, token, apiUrl: process.env.GITHUB_API_URL }, commentMarker(stack), body);
    console.log(`${result.action} comment ${result.commentId} for ${stack}`);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
    },
);

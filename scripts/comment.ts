/**
 * `npx tsx scripts/comment.ts --stack <stack> --pr <number> --body comment.md`: posts or edits the stack's sticky
 * preview comment (delivery/comment/post.ts). Run it whether the preview passed or failed: without a body (the
 * preview never ran) it posts that, with the link to the run. Reads COMMENT_TOKEN, GITHUB_REPOSITORY and, on
 * GitHub Enterprise, GITHUB_API_URL.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { commentMarker } from "../delivery/comment/render";
import { upsertComment } from "../delivery/comment/post";

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { stack: { type: "string" }, pr: { type: "string" }, body: { type: "string" }, "run-url": { type: "string" } } });
    const { stack, pr, body } = values;
    const token = process.env.COMMENT_TOKEN;
    const repository = process.env.GITHUB_REPOSITORY;
    if (!stack || !pr || !/^\d+$/.test(pr) || !body || !token || !repository) {
        console.error("usage: COMMENT_TOKEN=… GITHUB_REPOSITORY=owner/name tsx scripts/comment.ts --stack <stack> --pr <number> --body comment.md [--run-url URL]");
        return 2;
    }
    const marker = commentMarker(stack);
    const text = existsSync(body)
        ? readFileSync(body, "utf8")
        : `${marker}\n### ❌ \`${stack}\`: the preview did not run\n\nNo preview was produced (a step before it failed).${values["run-url"] ? ` See [the run log](${values["run-url"]}).` : ""}`;
    const result = await upsertComment({ repository, pullRequest: Number(pr), token, apiUrl: process.env.GITHUB_API_URL }, marker, text);
    console.log(`${result.action} comment ${result.commentId} for ${stack} (read ${result.pagesRead} page${result.pagesRead === 1 ? "" : "s"} of comments)`);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
    },
);

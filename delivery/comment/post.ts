/**
 * One sticky comment per stack on a pull request, through GitHub's REST API on any backend (no Pulumi Cloud):
 * found by its marker across every page of the pull request's comments (pulumi/actions reads only the first 30),
 * edited in place when it exists, created otherwise.
 */

export interface CommentTarget {
    /** `owner/name`. */
    readonly repository: string;
    readonly pullRequest: number;
    /** A token allowed to write pull-request comments (the workflow's `github.token`). */
    readonly token: string;
    /** @default "https://api.github.com" (or GITHUB_API_URL on GitHub Enterprise) */
    readonly apiUrl?: string;
}

export interface PostResult {
    readonly action: "created" | "updated";
    readonly commentId: number;
    /** Pages of comments read to find it. */
    readonly pagesRead: number;
}

interface IssueComment {
    readonly id: number;
    readonly body?: string;
}

const PAGE_SIZE = 100;

async function call(target: CommentTarget, method: string, url: string, body?: unknown): Promise<Response> {
    const response = await fetch(url, {
        method,
        headers: {
            accept: "application/vnd.github+json",
            authorization: `Bearer ${target.token}`,
            "x-github-api-version": "2022-11-28",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
        const text = await response.text().catch(() => "");
        throw new Error(`GitHub ${method} ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}. The job needs permissions: pull-requests: write.`);
    }
    return response;
}

/** The `rel="next"` URL of a Link header, if any. */
export function nextPage(link: string | null): string | undefined {
    return link?.split(",").map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1]).find((url) => url !== undefined);
}

/** Creates the stack's comment, or edits the one whose body starts with `marker`. */
export async function upsertComment(target: CommentTarget, marker: string, body: string): Promise<PostResult> {
    const api = (target.apiUrl ?? "https://api.github.com").replace(/\/$/, "");
    const base = `${api}/repos/${target.repository}/issues`;
    let url: string | undefined = `${base}/${target.pullRequest}/comments?per_page=${PAGE_SIZE}`;
    let pagesRead = 0;
    let found: IssueComment | undefined;
    while (url && !found) {
        const response = await call(target, "GET", url);
        pagesRead++;
        const comments = (await response.json()) as IssueComment[];
        found = comments.find((c) => c.body?.startsWith(marker));
        url = nextPage(response.headers.get("link"));
    }
    if (found) {
        await call(target, "PATCH", `${base}/comments/${found.id}`, { body });
        return { action: "updated", commentId: found.id, pagesRead };
    }
    const created = (await (await call(target, "POST", `${base}/${target.pullRequest}/comments`, { body })).json()) as IssueComment;
    return { action: "created", commentId: created.id, pagesRead };
}

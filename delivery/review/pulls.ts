/**
 * The pull requests review stacks belong to, read one by one from GitHub's REST API (`GET /repos/{repo}/pulls/{n}`)
 * with the workflow's token: only the few that have a stack, so no listing of every pull request ever opened.
 */
import type { PullRequestFacts } from "./sweep";

/** Where and how to read pull requests. */
export interface PullsSource {
    /** `owner/name`. */
    readonly repository: string;
    /** A token that may read pull requests (the workflow's `github.token` with `pull-requests: read`). */
    readonly token: string;
    /** @default "https://api.github.com" (GITHUB_API_URL on GitHub Enterprise) */
    readonly apiUrl?: string;
}

interface PullResponse {
    readonly number: number;
    readonly state: string;
    /** `null` once the head repository (a fork) is deleted. */
    readonly head?: { readonly repo?: { readonly full_name?: string } | null };
}

/** The pull request `number`, or undefined when GitHub has none by that number. Throws on any other failure. */
export async function readPull(source: PullsSource, number: number): Promise<PullRequestFacts | undefined> {
    const api = (source.apiUrl ?? "https://api.github.com").replace(/\/$/, "");
    const response = await fetch(`${api}/repos/${source.repository}/pulls/${number}`, {
        headers: { accept: "application/vnd.github+json", authorization: `Bearer ${source.token}`, "x-github-api-version": "2022-11-28" },
        signal: AbortSignal.timeout(30_000),
    });
    // An issue's number is no pull request's: GitHub answers 404 for it too.
    if (response.status === 404) return undefined;
    if (!response.ok) {
        const text = await response.text().catch(() => "");
        throw new Error(`GitHub GET /repos/${source.repository}/pulls/${number} answered ${response.status}: ${text.slice(0, 300)}. The job needs permissions: pull-requests: read.`);
    }
    const pull = (await response.json()) as PullResponse;
    const head = pull.head?.repo?.full_name;
    return { number, state: pull.state === "open" ? "open" : "closed", fork: head === undefined || head.toLowerCase() !== source.repository.toLowerCase() };
}

/** The pull requests with these numbers that exist. */
export async function readPulls(source: PullsSource, numbers: readonly number[]): Promise<PullRequestFacts[]> {
    const pulls: PullRequestFacts[] = [];
    for (const number of numbers) {
        const pull = await readPull(source, number);
        if (pull) pulls.push(pull);
    }
    return pulls;
}

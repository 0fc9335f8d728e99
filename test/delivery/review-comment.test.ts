/**
 * The review stack's sticky comment (delivery/comment/review.ts) and the pull requests the sweeper reads
 * (delivery/review/pulls.ts, against a local server that answers as GitHub's REST API does).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { commentMarker } from "../../delivery/comment/render";
import { renderReviewComment } from "../../delivery/comment/review";
import { readPull, readPulls } from "../../delivery/review/pulls";
import { ROOT } from "../harness/stack";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("the review stack's comment", () => {
    it("puts the URL first, under the stack's marker, with the commit it runs", () => {
        const text = renderReviewComment({ stack: "pr-7", sha: SHA, result: "success", url: "https://api-pr-7-app.fly.dev", runUrl: "https://github.com/acme/api/actions/runs/1" });
        const [marker, heading] = text.split("\n");
        assert.equal(marker, commentMarker("pr-7"));
        assert.equal(heading, "### 🚀 Review environment `pr-7`: https://api-pr-7-app.fly.dev");
        assert.match(text, /Runs `0123456` \(\[run log\]\(https:\/\/github\.com\/acme\/api\/actions\/runs\/1\)\)/);
    });

    it("says the up failed, or was cancelled, without a URL", () => {
        const failed = renderReviewComment({ stack: "pr-7", sha: SHA, result: "failure" });
        assert.match(failed, /^### ❌ Review environment `pr-7`: the up of `0123456` failed$/m);
        assert.doesNotMatch(failed, /🚀|https:/);
        assert.match(renderReviewComment({ stack: "pr-7", sha: SHA, result: "cancelled", url: "https://x.fly.dev" }), /was cancelled/);
        assert.match(renderReviewComment({ stack: "pr-7", sha: SHA, result: "success" }), /came up without a URL/);
    });
});

describe("the comment's entry, as review.yml runs it before scripts/comment.ts posts the file", () => {
    const render = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "delivery", "review", "comment.ts"), ...args], { encoding: "utf8" });

    it("prints the comment under the marker scripts/comment.ts finds for --stack pr-<n>", () => {
        const r = render(["--pr", "7", "--sha", SHA, "--result", "success", "--url", "https://api-pr-7-app.fly.dev", "--run-url", ""]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `${renderReviewComment({ stack: "pr-7", sha: SHA, result: "success", url: "https://api-pr-7-app.fly.dev", runUrl: "" })}\n`);
        assert.ok(r.stdout.startsWith(`${commentMarker("pr-7")}\n`));
        const failed = render(["--pr", "7", "--sha", SHA, "--result", "failure", "--url", ""]);
        assert.match(failed.stdout, /the up of `0123456` failed/);
    });

    it("refuses a number that names no review stack", () => {
        const r = render(["--pr", "07", "--sha", SHA, "--result", "success"]);
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /usage:/);
    });
});

describe("the pull requests the sweeper reads", () => {
    let server: Server;
    let apiUrl: string;
    const seen: { path: string; auth?: string }[] = [];
    const PULLS: Record<string, unknown> = {
        "/repos/acme/api/pulls/7": { number: 7, state: "open", head: { repo: { full_name: "acme/api" } } },
        "/repos/acme/api/pulls/8": { number: 8, state: "closed", head: { repo: { full_name: "Acme/API" } } },
        "/repos/acme/api/pulls/9": { number: 9, state: "open", head: { repo: { full_name: "outsider/api" } } },
        "/repos/acme/api/pulls/10": { number: 10, state: "closed", head: { repo: null } },
    };
    before(async () => {
        server = createServer((req, res) => {
            seen.push({ path: req.url ?? "", auth: req.headers.authorization });
            if (req.url === "/repos/acme/api/pulls/500") {
                res.writeHead(500).end("boom");
                return;
            }
            const pull = PULLS[req.url ?? ""];
            res.writeHead(pull ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(pull ?? { message: "Not Found" }));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it("reads state and fork from GitHub's answer: open, closed, a fork, a deleted fork; a missing one is left out", async () => {
        const source = { repository: "acme/api", token: "test-token", apiUrl };
        assert.deepEqual(await readPulls(source, [7, 8, 9, 10, 11]), [
            { number: 7, state: "open", fork: false },
            { number: 8, state: "closed", fork: false },
            { number: 9, state: "open", fork: true },
            { number: 10, state: "closed", fork: true },
        ]);
        assert.deepEqual(seen.at(-1), { path: "/repos/acme/api/pulls/11", auth: "Bearer test-token" });
    });

    it("fails on any other answer, naming the permission it needs", async () => {
        await assert.rejects(readPull({ repository: "acme/api", token: "t", apiUrl }, 500), /answered 500: boom\. The job needs permissions: pull-requests: read/);
    });
});

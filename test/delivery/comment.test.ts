/**
 * The PR comment: verdict first (policies, guard, cost before → after), then the changes by operation, then the
 * whole diff collapsed; posted as one sticky comment per stack, found across every page of comments (a local
 * stand-in of GitHub's REST API serves them), edited in place, created when missing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { commentMarker, renderComment } from "../../delivery/comment/render";
import { nextPage, upsertComment } from "../../delivery/comment/post";
import { fromCli } from "../../delivery/preview/model";
import { previewReport } from "../../delivery/preview/report";

const model = fromCli("prod", JSON.parse(readFileSync(join(__dirname, "fixtures", "cli-preview-prod-stateful.json"), "utf8")));

describe("the preview comment", () => {
    const text = renderComment(previewReport(model, { statefulChanges: "block", allow: [] }, [], 400), "https://github.com/acme/api/actions/runs/1");
    const at = (needle: string) => {
        const index = text.indexOf(needle);
        assert.ok(index >= 0, `the comment has ${needle}`);
        return index;
    };

    it("starts with the stack's marker and the verdict: policies, guard findings, cost before → after", () => {
        assert.ok(text.startsWith(`${commentMarker("prod")}\n### ❌ \`prod\`: this change would be blocked`));
        assert.ok(at("**Policies**") < at("**Guard**") && at("**Guard**") < at("**Cost**"));
        assert.match(text, /- ❌ `database-cluster`: .*forced by a change to region/);
        assert.match(text, /- ❌ `app-data`: .*would be deleted/);
        assert.match(text, /\*\*Cost\*\*: \$320\.22 → \$318\.72 a month \(−\$1\.50\), budget \$400\.00/);
    });

    it("then groups the changes by operation, then the whole diff collapsed", () => {
        assert.ok(at("**Cost**") < at("**Replaced (1)**") && at("**Replaced (1)**") < at("**Deleted (1)**"));
        assert.ok(at("**Deleted (1)**") < at("<details><summary>The whole diff</summary>"));
        assert.match(text, /- `database-cluster` pulumi-nodejs:dynamic\/fly:ManagedPostgres: forced by `region` ⚠️ holds data or identity/);
        assert.match(text, /~ region: "ams" → "fra" {2}\(forces replacement\)/);
        assert.match(text, /- sizeGb: 10/);
        assert.doesNotMatch(text, /app-machines/, "unchanged resources are not listed");
    });

    it("puts a soak override in the verdict, where other advisory findings stay collapsed below", () => {
        const violation = (policyName: string, message: string) => ({ policyName, message, enforcementLevel: "advisory" as const, urn: undefined });
        const withOverride = { ...model, violations: [...model.violations, violation("promotion-soak-override", "soak overridden: hotfix for the login outage"), violation("https-only", "plain http allowed")] };
        const rendered = renderComment(previewReport(withOverride, { statefulChanges: "block", allow: [] }, [], 400));
        const verdictEnd = rendered.indexOf("**Guard**");
        assert.match(rendered.slice(0, verdictEnd), /- ⚠️ `promotion-soak-override`: soak overridden: hotfix for the login outage/);
        // Control: an ordinary advisory finding stays out of the verdict.
        assert.doesNotMatch(rendered.slice(0, verdictEnd), /https-only/);
        assert.match(rendered, /Advisory policy findings \(2\)/);
    });

    it("passes with a green verdict and no changes for a no-op preview", () => {
        const noop = fromCli("prod", { steps: [] });
        const ok = renderComment(previewReport(noop, { statefulChanges: "block", allow: [] }));
        assert.match(ok, /### ✅ `prod`: the preview passes/);
        assert.match(ok, /\*\*Cost\*\*: \$0\.00 → \$0\.00 a month \(±\$0\.00\)/);
        assert.match(ok, /No resource changes\./);
    });
});

interface Seen {
    readonly method: string;
    readonly url: string;
    readonly auth?: string;
    readonly body?: string;
}

/** A stand-in of GitHub's issue-comments API: `count` comments, pages of `per_page` linked by `Link: rel="next"`. */
function fakeGitHub(comments: { id: number; body: string }[], failWith?: number): Promise<{ server: Server; url: string; seen: Seen[] }> {
    const seen: Seen[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
        let body = "";
        for await (const chunk of req) body += chunk;
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: body || undefined });
        if (failWith) {
            res.writeHead(failWith, { "content-type": "application/json" }).end(JSON.stringify({ message: "Resource not accessible by integration" }));
            return;
        }
        const url = new URL(req.url!, "http://x");
        if (req.method === "GET") {
            const perPage = Number(url.searchParams.get("per_page") ?? 30);
            const page = Number(url.searchParams.get("page") ?? 1);
            const slice = comments.slice((page - 1) * perPage, page * perPage);
            const headers: Record<string, string> = { "content-type": "application/json" };
            if (page * perPage < comments.length) headers.link = `<http://${req.headers.host}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <http://${req.headers.host}${url.pathname}?page=9>; rel="last"`;
            res.writeHead(200, headers).end(JSON.stringify(slice));
        } else {
            res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" }).end(JSON.stringify({ id: req.method === "POST" ? 9001 : Number(url.pathname.split("/").pop()), body: JSON.parse(body).body }));
        }
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

describe("the sticky comment", () => {
    const marker = commentMarker("prod");
    const others = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, body: i === 229 ? `${marker}\nold verdict` : `comment ${i + 1}` }));
    let gh: Awaited<ReturnType<typeof fakeGitHub>>;
    before(async () => {
        gh = await fakeGitHub(others);
    });
    after(() => gh.server.close());

    it("finds its comment on the third page of 250 and edits it in place", async () => {
        gh.seen.length = 0;
        const result = await upsertComment({ repository: "acme/api", pullRequest: 7, token: "ghs_test-token", apiUrl: gh.url }, marker, `${marker}\nnew verdict`);
        assert.deepEqual(result, { action: "updated", commentId: 230, pagesRead: 3 });
        assert.deepEqual(gh.seen.map((s) => `${s.method} ${s.url.split("?")[0]}`), ["GET /repos/acme/api/issues/7/comments", "GET /repos/acme/api/issues/7/comments", "GET /repos/acme/api/issues/7/comments", "PATCH /repos/acme/api/issues/comments/230"]);
        assert.deepEqual(JSON.parse(gh.seen[3].body!), { body: `${marker}\nnew verdict` });
        assert.ok(gh.seen.every((s) => s.auth === "Bearer ghs_test-token"));
    });

    it("creates the comment when no page has it (another stack's marker is not its own)", async () => {
        gh.seen.length = 0;
        const result = await upsertComment({ repository: "acme/api", pullRequest: 7, token: "ghs_test-token", apiUrl: gh.url }, commentMarker("staging"), "body");
        assert.deepEqual(result, { action: "created", commentId: 9001, pagesRead: 3 });
        assert.equal(gh.seen.at(-1)!.method, "POST");
    });

    it("says which permission is missing when GitHub refuses, without the token", async () => {
        const refusing = await fakeGitHub([], 403);
        try {
            await assert.rejects(upsertComment({ repository: "acme/api", pullRequest: 7, token: "ghs_secret-value", apiUrl: refusing.url }, marker, "b"), (error: Error) => {
                assert.match(error.message, /answered 403.*pull-requests: write/);
                assert.doesNotMatch(error.message, /ghs_secret-value/);
                return true;
            });
        } finally {
            refusing.server.close();
        }
    });

    it("reads the next page from a Link header with several relations", () => {
        assert.equal(nextPage('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'), "https://api.github.com/x?page=2");
        assert.equal(nextPage('<https://api.github.com/x?page=1>; rel="prev"'), undefined);
        assert.equal(nextPage(null), undefined);
    });
});

/**
 * The sweeper entry (delivery/review/sweeper.ts) as the workflows run it, in a copy of the repository: the backend's
 * stacks come from the stand-in CLI's `stack ls --json` (fakeRepo.ts), the pull requests from a local server that
 * answers as GitHub's REST API does, and what it destroyed is what the stand-in recorded.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { allCredentials, FakeRepo } from "./fakeRepo";

const NOW = Date.now();
const daysAgo = (days: number) => new Date(NOW - days * 24 * 60 * 60 * 1000).toISOString();
const STACKS = [
    { name: "pr-7", lastUpdate: daysAgo(1), updateInProgress: false },
    { name: "pr-8", lastUpdate: daysAgo(1), updateInProgress: false },
    { name: "pr-9", lastUpdate: daysAgo(10), updateInProgress: false },
    { name: "pr-10", lastUpdate: daysAgo(1), updateInProgress: false },
    { name: "staging", lastUpdate: daysAgo(400), updateInProgress: false },
    { name: "prod", lastUpdate: daysAgo(400), updateInProgress: false },
];
const PULLS: Record<number, { state: string; head: { repo: { full_name: string } } }> = {
    7: { state: "open", head: { repo: { full_name: "acme/api" } } },
    8: { state: "closed", head: { repo: { full_name: "acme/api" } } },
    9: { state: "open", head: { repo: { full_name: "acme/api" } } },
};

describe("the sweeper entry", () => {
    let repo: FakeRepo;
    let server: Server;
    let api: string;
    before(async () => {
        repo = new FakeRepo(true);
        server = createServer((req, res) => {
            const number = Number(/^\/repos\/acme\/api\/pulls\/(\d+)$/.exec(req.url ?? "")?.[1]);
            const pull = PULLS[number];
            res.writeHead(pull ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(pull ? { number, ...pull } : { message: "Not Found" }));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
        server.close();
        repo.remove();
    });

    /** Runs the entry; its exit code, output and the CLI operations it ran (destroy and stack rm). */
    async function sweep(args: string[], extra: Record<string, string> = {}) {
        const before = repo.recorded().calls.length;
        const env = repo.env({ ...allCredentials(), CI: "true", FAKE_STACK_LS: JSON.stringify(STACKS), GITHUB_REPOSITORY: "acme/api", PULLS_TOKEN: "test-token", GITHUB_API_URL: api, ...extra });
        const child = spawn(process.execPath, ["--import", "tsx", repo.path("delivery/review/sweeper.ts"), ...args], { cwd: repo.root, env });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.stderr.on("data", (c: Buffer) => (out += c.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        const ops = repo
            .recorded()
            .calls.slice(before)
            .map((c) => c.args.join(" "))
            .filter((a) => /^(destroy|stack rm|up)\b/.test(a));
        return { code, out, ops };
    }

    const destroyed = (stack: string) => [`destroy --stack ${stack} --config-file Pulumi.review.yaml --yes`, `stack rm ${stack} --yes --preserve-config`];

    it("destroys the closed, the missing and the stale review stacks, and nothing else", async () => {
        const r = await sweep([]);
        assert.equal(r.code, 0, r.out);
        assert.deepEqual(r.ops, [...destroyed("pr-8"), ...destroyed("pr-9"), ...destroyed("pr-10")]);
        assert.match(r.out, /keep {4}pr-7 {2}\(pull request #7: fresh; idle 1\.0 days\)/);
        assert.match(r.out, /TTL 7 days \(Pulumi\.review\.yaml review\.ttlDays\)/);
    });

    it("takes the TTL from the template: with review.ttlDays 30 the 10-day-old stack stays", async () => {
        const file = repo.path("Pulumi.review.yaml");
        const original = readFileSync(file, "utf8");
        assert.match(original, /ttlDays: 7/);
        writeFileSync(file, original.replace("ttlDays: 7", "ttlDays: 30"));
        try {
            const r = await sweep([]);
            assert.equal(r.code, 0, r.out);
            assert.deepEqual(r.ops, [...destroyed("pr-8"), ...destroyed("pr-10")]);
        } finally {
            writeFileSync(file, original);
        }
    });

    it("--dry-run says what it would destroy and destroys nothing", async () => {
        const r = await sweep(["--dry-run"]);
        assert.equal(r.code, 0, r.out);
        assert.deepEqual(r.ops, []);
        assert.match(r.out, /would destroy pr-8 pr-9 pr-10/);
    });

    it("--pull-request <n> destroys that review stack when the backend has it, and does nothing otherwise", async () => {
        const r = await sweep(["--pull-request", "7"], { PULLS_TOKEN: "" });
        assert.equal(r.code, 0, r.out);
        assert.deepEqual(r.ops, destroyed("pr-7"));
        const none = await sweep(["--pull-request", "12"]);
        assert.equal(none.code, 0, none.out);
        assert.deepEqual(none.ops, []);
        assert.match(none.out, /no stack pr-12 in the backend; nothing to destroy/);
        const bad = await sweep(["--pull-request", "07"]);
        assert.equal(bad.code, 2);
        assert.match(bad.out, /--pull-request must be a pull request's number/);
    });

    it("tries every chosen stack, and fails when one could not be destroyed", async () => {
        const r = await sweep([], { FAKE_ERROR_IN: "destroy" });
        assert.equal(r.code, 1);
        assert.deepEqual(r.ops, ["pr-8", "pr-9", "pr-10"].map((s) => destroyed(s)[0]), "no stack rm after a failed destroy");
        assert.match(r.out, /could not destroy pr-8 pr-9 pr-10/);
    });
});

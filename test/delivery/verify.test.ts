/**
 * A deploy's verification (delivery/release/verify.ts): the verdict on each answer, the schedule of the checks, and
 * the whole loop against the Fly emulator's edge, which routes `GET <app>.fly.dev/health` to a serving machine as
 * Fly's proxy does and answers with that machine's image digest, as the sample API does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { judgeAnswer, REAL_IO, verifyRelease, type VerifyIo } from "../../delivery/release/verify";
import { seedApp, TEST_TOKEN, useEmulator } from "../fly/support";
import { digestFor } from "./releaseRecords";

const A = digestFor("A");
const B = digestFor("B");
const image = (app: string, digest: string) => `registry.fly.io/${app}@${digest}`;

describe("the verdict on one answer", () => {
    it("accepts 200 reporting the deployed digest, and nothing else", () => {
        assert.equal(judgeAnswer(200, { status: "ok", release: { digest: A } }, A), undefined);
        assert.match(judgeAnswer(503, { status: "ok", release: { digest: A } }, A)!, /answered HTTP 503/);
        assert.match(judgeAnswer(200, { release: { digest: B } }, A)!, /answered from sha256:.*, not the deployed sha256:.* \(a machine of another release is serving\)/);
        assert.match(judgeAnswer(200, { status: "ok" }, A)!, /without release\.digest/);
        assert.match(judgeAnswer(200, undefined, A)!, /without release\.digest/);
    });
});

describe("the schedule of the checks", () => {
    /** A clock that moves only when the loop sleeps, and a health URL that answers `answers` in turn. */
    function io(answers: { status: number; digest: string }[]): VerifyIo & { asked: number[] } {
        let now = 0;
        const asked: number[] = [];
        return {
            asked,
            now: () => now,
            sleep: async (ms) => {
                now += ms;
            },
            fetch: async () => {
                asked.push(now);
                const a = answers[Math.min(asked.length - 1, answers.length - 1)];
                return new Response(JSON.stringify({ status: "ok", release: { digest: a.digest } }), { status: a.status });
            },
        };
    }

    it("checks at once, then every interval to the end of the window", async () => {
        const clock = io([{ status: 200, digest: A }]);
        const verdict = await verifyRelease("https://x.fly.dev/health", A, { windowSeconds: 60, intervalSeconds: 15 }, clock);
        assert.equal(verdict.ok, true, verdict.summary);
        assert.deepEqual(clock.asked, [0, 15_000, 30_000, 45_000, 60_000]);
        assert.match(verdict.summary, /answered 200 for sha256:[0-9a-f]{64} 5 times over 60 s/);
    });

    it("stops at the first bad answer and says when and what", async () => {
        const clock = io([{ status: 200, digest: A }, { status: 200, digest: A }, { status: 503, digest: A }]);
        const verdict = await verifyRelease("https://x.fly.dev/health", A, { windowSeconds: 60, intervalSeconds: 10 }, clock);
        assert.equal(verdict.ok, false);
        assert.deepEqual(clock.asked, [0, 10_000, 20_000]);
        assert.match(verdict.summary, /^FAILED after 20\.0 s \(3 checks\): https:\/\/x\.fly\.dev\/health answered HTTP 503$/);
    });

    it("counts no answer as a failure", async () => {
        const refused: VerifyIo = { now: () => 0, sleep: async () => undefined, fetch: async () => Promise.reject(new Error("connect ECONNREFUSED")) };
        const verdict = await verifyRelease("https://x.fly.dev/health", A, { windowSeconds: 10, intervalSeconds: 5 }, refused);
        assert.equal(verdict.ok, false);
        assert.match(verdict.summary, /no answer: connect ECONNREFUSED/);
    });
});

describe("verification through the Fly emulator's edge", () => {
    const env = useEmulator();
    const AUTH = { authorization: `FlyV1 ${TEST_TOKEN}`, "content-type": "application/json" };
    const window = { windowSeconds: 1, intervalSeconds: 0.1 };

    /** Starts `count` machines of `app` on `img` and waits until they pass their checks. */
    async function machines(app: string, img: string, count: number): Promise<void> {
        for (let i = 0; i < count; i++) {
            const config = { image: img, env: { RELEASE_COMMIT: "c0ffee" }, services: [{ internal_port: 8080, protocol: "tcp", ports: [{ port: 443, handlers: ["tls", "http"] }], checks: [{ type: "http", path: "/health", port: 8080 }] }] };
            const res = await fetch(`${env.fly.url}/v1/apps/${app}/machines`, { method: "POST", headers: AUTH, body: JSON.stringify({ region: "ams", config }) });
            assert.equal(res.status, 200, await res.text());
        }
        while (env.fly.servingMachines(app).length < count) await new Promise((r) => setTimeout(r, 5));
    }
    const io = (): VerifyIo => ({ ...REAL_IO, fetch: env.fly.edgeFetch });

    it("passes a good release: every answer 200 from its digest", async () => {
        seedApp(env.fly, "verify-good");
        await machines("verify-good", image("verify-good", A), 2);
        const verdict = await verifyRelease("https://verify-good.fly.dev/health", A, window, io());
        assert.equal(verdict.ok, true, verdict.summary);
        assert.ok(verdict.probes.length >= 10, `${verdict.probes.length} checks`);
        assert.ok(verdict.probes.every((p) => p.status === 200 && p.digest === A));
        const edge = env.fly.requests.filter((r) => r.edge);
        assert.equal(edge.length, verdict.probes.length, "every check reached the edge");
    });

    it("fails a release that passes Fly's checks at first and degrades within the window", async () => {
        const degrading = image("verify-bad", B);
        env.fly.options.degradingImages = [{ image: degrading, afterMs: 400 }];
        seedApp(env.fly, "verify-bad");
        await machines("verify-bad", degrading, 2);
        const started = Date.now();
        const verdict = await verifyRelease("https://verify-bad.fly.dev/health", B, window, io());
        assert.equal(verdict.ok, false);
        assert.match(verdict.summary, /answered HTTP 503/);
        const failedAt = verdict.probes.at(-1)!.at;
        assert.ok(failedAt >= 200 && Date.now() - started < 1500, `failed at ${failedAt} ms: after the first good answers, within the window`);
        assert.ok(verdict.probes[0].status === 200, "it was healthy at first");
    });

    it("fails when a machine of another release answers", async () => {
        seedApp(env.fly, "verify-stale");
        await machines("verify-stale", image("verify-stale", B), 1);
        await machines("verify-stale", image("verify-stale", A), 2);
        const verdict = await verifyRelease("https://verify-stale.fly.dev/health", B, window, io());
        assert.equal(verdict.ok, false);
        assert.match(verdict.summary, new RegExp(`answered from ${A}, not the deployed ${B}`));
    });

    it("the edge answers 503 for an app with no serving machine, and only for its own hostnames", async () => {
        seedApp(env.fly, "verify-none");
        const none = await env.fly.edgeFetch("https://verify-none.fly.dev/health");
        assert.equal(none.status, 503);
        const other = await env.fly.edgeFetch("https://nobody-here.fly.dev/health");
        assert.equal(other.status, 401, "an unknown hostname is not the edge: the API refuses it without a token");
    });
});

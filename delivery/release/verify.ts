/**
 * A deploy's verification: repeated GETs of the stack's health URL over a window. Every answer must be 200 and
 * report the digest the stack's `release` output says was deployed; the first that is not ends the verification
 * failed (a release that stops answering, or a machine still running another release, is caught within the window).
 */

/** How long to watch and how often to ask (`app.deploy.verify` in config). */
export interface VerifyWindow {
    readonly windowSeconds: number;
    readonly intervalSeconds: number;
}

/** One answer of the health URL, as judged. */
export interface Probe {
    /** Milliseconds since the verification started. */
    readonly at: number;
    /** The HTTP status, when there was an answer. */
    readonly status?: number;
    /** The digest the answer reported, when it reported one. */
    readonly digest?: string;
    /** What is wrong with the answer; undefined when it is good. */
    readonly problem?: string;
}

/** How a verification ended. */
export interface Verdict {
    readonly ok: boolean;
    readonly probes: readonly Probe[];
    /** One line: what was checked and how it ended. */
    readonly summary: string;
}

/** The outside world of a verification, replaceable in tests and benchmarks. */
export interface VerifyIo {
    readonly fetch: typeof fetch;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
}

/** The real clock, timers and fetch; tests and benchmarks swap `fetch` for the emulator's edge. */
export const REAL_IO: VerifyIo = { fetch: globalThis.fetch, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => Date.now() };

/** Seconds each request may take before it counts as no answer. */
const REQUEST_TIMEOUT_MS = 10_000;

/** The problem with one answer (status and parsed body) for a release of `digest`; undefined when it is good. */
export function judgeAnswer(status: number, body: unknown, digest: string): string | undefined {
    if (status !== 200) return `answered HTTP ${status}`;
    const reported = (body as { release?: { digest?: unknown } } | null)?.release?.digest;
    if (typeof reported !== "string") return "answered 200 without release.digest: the image running is not one that reports its release";
    if (reported !== digest) return `answered from ${reported}, not the deployed ${digest} (a machine of another release is serving)`;
    return undefined;
}

async function probe(url: string, digest: string, io: VerifyIo, at: number): Promise<Probe> {
    try {
        const res = await io.fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), headers: { accept: "application/json" } });
        const text = await res.text();
        let body: unknown;
        try {
            body = JSON.parse(text);
        } catch {
            body = undefined;
        }
        const reported = (body as { release?: { digest?: unknown } } | undefined)?.release?.digest;
        const problem = judgeAnswer(res.status, body, digest);
        return { at, status: res.status, ...(typeof reported === "string" ? { digest: reported } : {}), ...(problem ? { problem } : {}) };
    } catch (err) {
        return { at, problem: `no answer: ${(err as Error).message}` };
    }
}

/**
 * Verifies that `url` answers for the release `digest` throughout the window: a probe at once, then every
 * `intervalSeconds` until `windowSeconds` have passed. Ends at the first bad answer.
 */
export async function verifyRelease(url: string, digest: string, window: VerifyWindow, io: VerifyIo = REAL_IO): Promise<Verdict> {
    const start = io.now();
    const end = start + window.windowSeconds * 1000;
    const probes: Probe[] = [];
    // A fixed schedule from the start, so slow answers do not stretch the window or drop its last check.
    for (let due = start; due <= end; due += window.intervalSeconds * 1000) {
        const wait = due - io.now();
        if (wait > 0) await io.sleep(wait);
        const p = await probe(url, digest, io, io.now() - start);
        probes.push(p);
        if (p.problem) {
            const seconds = (p.at / 1000).toFixed(1);
            return { ok: false, probes, summary: `FAILED after ${seconds} s (${probes.length} checks): ${url} ${p.problem}` };
        }
    }
    return { ok: true, probes, summary: `ok: ${url} answered 200 for ${digest} ${probes.length} times over ${window.windowSeconds} s` };
}

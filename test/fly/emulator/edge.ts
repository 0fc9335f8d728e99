/**
 * Fly's edge for the sample API: an HTTP request to an app's hostname (`<app>.fly.dev`, or a hostname it has a
 * certificate for) is routed like Fly's proxy, to a machine that is serving (started, every check passing,
 * registered, not cordoned), round robin, and answered as the sample API's `/health` would answer from that machine:
 * the digest of the image the machine runs and the commit it was given (`RELEASE_COMMIT`). With no serving machine
 * the edge answers 503, as Fly's proxy does when it has nowhere to send the request.
 */
import { request } from "node:http";
import { imageRefOf, isServing } from "./machines";
import type { AppRecord, EmulatorState } from "./types";

const FLY_DEV = /^([a-z0-9-]+)\.fly\.dev$/;

/** The app a hostname belongs to, or undefined when it is none of the emulator's. */
export function appOfHost(state: EmulatorState, host: string): AppRecord | undefined {
    const name = host.toLowerCase().replace(/:\d+$/, "");
    const flyDev = FLY_DEV.exec(name)?.[1];
    if (flyDev) return state.apps.get(flyDev);
    return [...state.apps.values()].find((app) => app.certificates.has(name));
}

const turns = new WeakMap<AppRecord, number>();

/** The edge's answer to `GET <path>` on `app`: status and JSON body. */
export function edgeAnswer(app: AppRecord, path: string): { status: number; body: unknown } {
    const serving = [...app.machines.values()].filter(isServing);
    if (serving.length === 0) return { status: 503, body: { error: `no healthy machines of ${app.name} to route the request to` } };
    const turn = turns.get(app) ?? 0;
    turns.set(app, turn + 1);
    const machine = serving[turn % serving.length];
    if (path !== "/health") return { status: 404, body: { error: "not found" } };
    const env = (machine.config.env ?? {}) as Record<string, string>;
    return {
        status: 200,
        body: {
            status: "ok",
            database: "ok",
            release: { digest: imageRefOf(machine.config.image ?? "").digest, commit: env.RELEASE_COMMIT ?? "unknown" },
            machine: machine.id,
        },
    };
}

/**
 * A `fetch` whose requests go to the emulator's edge at `base` with the URL's hostname as the Host header, as if
 * the app's DNS pointed at it: `https://api-staging-app.fly.dev/health` is answered by the emulator.
 */
export function edgeFetch(base: string): typeof fetch {
    const { hostname, port } = new URL(base);
    return (input, init) =>
        new Promise<Response>((resolve, reject) => {
            const url = new URL(input instanceof Request ? input.url : String(input));
            const req = request({ hostname, port, path: `${url.pathname}${url.search}`, method: init?.method ?? "GET", headers: { host: url.host }, signal: init?.signal ?? undefined }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers: { "content-type": String(res.headers["content-type"] ?? "") } })));
                res.on("error", reject);
            });
            req.on("error", reject);
            req.end();
        });
}

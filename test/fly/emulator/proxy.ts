/**
 * Fly's proxy as a rollout sees it: edge proxies learn of a machine's registration, cordon and uncordon through
 * state propagation that takes up to `lagMs`, so for that long some proxies still route by the old state. The
 * watcher records every machine change of one app and reports, at every moment (every change and every change plus
 * the lag), two worst-case counts:
 *
 * - `routable`: machines every proxy routes to and that answer: open (registered, not cordoned) throughout the last
 *   `lagMs`, and started with every check passing now.
 * - `misrouted`: machines some proxy may still route to (open at some point in the last `lagMs`) that are not
 *   running now (stopping, stopped, replacing, destroyed): requests sent there fail.
 *
 * A blue-green rollout is zero-downtime when `routable` never drops below the group's count and `misrouted` stays 0;
 * that holds only if blue is cordoned at least `lagMs` after green's uncordon and stopped at least `lagMs` after its
 * cordon. A rolling update keeps `routable` at `count - maxUnavailable` (it does not drain: flyctl's doesn't either).
 */
import type { MachineRecord } from "./types";

/** The counts at one moment (ms since the watch started). */
export interface ProxySample {
    at: number;
    routable: number;
    misrouted: number;
}

/** A running watch; `stop()` ends it and returns every sample. */
export interface ProxyWatch {
    readonly lagMs: number;
    stop(): ProxySample[];
    /** Fewest routable machines at any moment (after `stop()`). */
    readonly minRoutable: number;
    /** Most misrouted machines at any moment (after `stop()`). */
    readonly maxMisrouted: number;
    /** Every sample (after `stop()`). */
    readonly samples: ProxySample[];
}

interface Snapshot {
    at: number;
    open: boolean;
    up: boolean;
    running: boolean;
}

function snapshot(machine: MachineRecord, at: number): Snapshot {
    const running = machine.state === "started";
    return {
        at,
        open: machine.registered && !machine.cordoned && machine.state !== "destroyed",
        up: running && machine.checks.every((c) => c.status === "passing"),
        running,
    };
}

/** The snapshot in effect at `t` (the last one at or before it). */
function at(history: readonly Snapshot[], t: number): Snapshot | undefined {
    let found: Snapshot | undefined;
    for (const s of history) {
        if (s.at > t) break;
        found = s;
    }
    return found;
}

/** Open at every moment of [from, to] (false when nothing was known at `from`). */
function openThroughout(history: readonly Snapshot[], from: number, to: number): boolean {
    const first = at(history, from);
    if (!first?.open) return false;
    return history.every((s) => s.at <= from || s.at > to || s.open);
}

/** Open at some moment of [from, to]. */
function openSometime(history: readonly Snapshot[], from: number, to: number): boolean {
    if (at(history, from)?.open) return true;
    return history.some((s) => s.at > from && s.at <= to && s.open);
}

/**
 * Watches `app`'s machines from now. `machines()` lists the app's machines now; `subscribe` delivers every machine
 * change (the emulator's `onMachineChange`).
 */
export function watchProxy(
    app: string,
    lagMs: number,
    machines: () => readonly MachineRecord[],
    subscribe: (listener: (app: string, machine: MachineRecord) => void) => () => void,
): ProxyWatch {
    const start = Date.now();
    const histories = new Map<string, Snapshot[]>();
    // What was true before the watch is taken as having been true for at least the lag.
    for (const machine of machines()) histories.set(machine.id, [snapshot(machine, -lagMs)]);
    const unsubscribe = subscribe((changed, machine) => {
        if (changed !== app) return;
        const list = histories.get(machine.id) ?? [];
        list.push(snapshot(machine, Date.now() - start));
        histories.set(machine.id, list);
    });
    let result: ProxySample[] | undefined;
    const evaluate = (end: number): ProxySample[] => {
        const moments = new Set<number>([0, end]);
        for (const list of histories.values()) for (const s of list) for (const t of [s.at, s.at + lagMs]) if (t >= 0 && t <= end) moments.add(t);
        return [...moments]
            .sort((a, b) => a - b)
            .map((t) => {
                let routable = 0;
                let misrouted = 0;
                for (const list of histories.values()) {
                    const now = at(list, t);
                    if (!now) continue;
                    if (now.up && openThroughout(list, t - lagMs, t)) routable++;
                    if (!now.running && openSometime(list, t - lagMs, t)) misrouted++;
                }
                return { at: t, routable, misrouted };
            });
    };
    return {
        lagMs,
        stop() {
            if (!result) {
                unsubscribe();
                // Run past the last change by the lag, so the proxies' catching up is counted too.
                const last = Math.max(0, ...[...histories.values()].flatMap((list) => list.map((s) => s.at)));
                result = evaluate(Math.max(Date.now() - start, last + lagMs));
            }
            return result;
        },
        get samples() {
            return result ?? [];
        },
        get minRoutable() {
            return Math.min(...(result ?? []).map((s) => s.routable));
        },
        get maxMisrouted() {
            return Math.max(0, ...(result ?? []).map((s) => s.misrouted));
        },
    };
}

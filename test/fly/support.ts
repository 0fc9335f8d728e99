/**
 * Shared setup for the Fly provider tests: an emulator per suite, the environment the client reads, fast retries.
 */
import { after, afterEach, before, beforeEach } from "node:test";
import { flyRequest } from "../../providers/fly/client";
import type { RolloutTiming } from "../../providers/fly/rollout/timing";
import { contractReport, type Emulator, type EmulatorOptions, newAppRecord, startEmulator, TEST_TOKEN } from "./emulator";

export { TEST_TOKEN } from "./emulator";

/**
 * Fails with every request since the last call that broke Fly's contract (see `Emulator.takeViolations`), so that
 * every request a provider sends exists in the project's copies of Fly's specs and validates against them.
 */
export function assertContractKept(fly: Emulator): void {
    const broken = fly.takeViolations();
    if (broken.length > 0) throw new Error(contractReport(broken));
}

/** Checks the contract after every test of the suite (the emulator's `close()` checks once more at the end). */
function guardContract(holder: { fly?: Emulator }): void {
    afterEach(() => {
        if (holder.fly) assertContractKept(holder.fly);
    });
}

/**
 * Starts an emulator for the suite and points the client at it, with backoff and `Retry-After` waits capped at
 * 20 ms (`FLY_API_MAX_BACKOFF_MS`; a test about the waits raises it, see `realWaits`). Requests and faults are cleared
 * before each test; a test fails if a request broke Fly's contract.
 */
export function useEmulator(options: EmulatorOptions = {}): { readonly fly: Emulator } {
    const holder = {} as { fly: Emulator };
    before(async () => {
        holder.fly = await startEmulator({ startDelayMs: 5, stopDelayMs: 5, healthDelayMs: 10, postgresReadyDelayMs: 30, ...options });
        Object.assign(process.env, { FLY_API_HOSTNAME: holder.fly.url, FLY_API_TOKEN: TEST_TOKEN, ...FAST_CLIENT });
    });
    guardContract(holder);
    beforeEach(() => {
        holder.fly.faults.clear();
        holder.fly.clearRequests();
        process.env.FLY_API_MAX_BACKOFF_MS = FAST_CLIENT.FLY_API_MAX_BACKOFF_MS;
    });
    after(async () => {
        await holder.fly.close();
    });
    return holder;
}

/** The client's tuning in the provider suites (environment variables, as the host reads them): short waits. */
export const FAST_CLIENT = { FLY_POLL_INTERVAL_MS: "5", FLY_API_BACKOFF_MS: "1", FLY_API_MAX_BACKOFF_MS: "20" };

/** Lets the client wait as long as Fly asks (`Retry-After`), for a test about those waits; `useEmulator` restores the cap. */
export function realWaits(): void {
    process.env.FLY_API_MAX_BACKOFF_MS = "30000";
}

/**
 * Rollout timing for tests, a MachineGroup's `rolloutTiming`: flyctl's delays scaled down (drains 20 ms instead of
 * 10 s, checks read every 20 ms at most), never zero. Suites about draining set their own, longer than the
 * emulator's proxy lag.
 */
export const FAST_ROLLOUTS: Partial<RolloutTiming> = {
    waitBeforeCordonMs: 20,
    waitBeforeStopMs: 20,
    healthPollMs: 20,
    smokeCheckMs: 100,
    secretsWaitMs: 5000,
};

/**
 * The emulator for MachineGroup suites. Like `useEmulator`, the client's backoff is short (at most 10 ms), and
 * nothing is cleared between tests, because rollouts wait on the emulator's real-time health delays. `newApp`
 * creates a fresh app through the API for each test.
 */
export function useMachineGroupEmulator(appPrefix: string, options: EmulatorOptions = {}): { readonly fly: Emulator; newApp(): Promise<string> } {
    const holder = {} as { fly: Emulator };
    let apps = 0;
    before(async () => {
        holder.fly = await startEmulator({ startDelayMs: 10, stopDelayMs: 10, healthDelayMs: 30, secretsPropagationMs: 40, ...options });
        Object.assign(process.env, { FLY_API_HOSTNAME: holder.fly.url, FLY_API_TOKEN: TEST_TOKEN, FLY_API_BACKOFF_MS: "1", FLY_API_MAX_BACKOFF_MS: "10" });
    });
    guardContract(holder);
    after(async () => {
        await holder.fly.close();
    });
    return {
        get fly() {
            return holder.fly;
        },
        async newApp() {
            const name = `${appPrefix}-${++apps}`;
            await flyRequest({ method: "POST", path: "/apps", body: { name, org_slug: "personal" }, resource: "test setup" });
            return name;
        },
    };
}

/** Creates an app directly through the emulator's API state (setup that is not under test). */
export function seedApp(fly: Emulator, name: string, orgSlug = "personal"): void {
    fly.state.apps.set(name, newAppRecord(name, orgSlug, "", `id-${name}`));
}

/** Mutating requests as `METHOD path` lines, for readable assertions. */
export function mutations(fly: Emulator): string[] {
    return fly.mutating().map((r) => `${r.method} ${r.path}`);
}

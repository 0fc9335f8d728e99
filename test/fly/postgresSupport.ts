/**
 * Shared setup of the Managed Postgres provider suites: the emulator with short lifecycle delays, and a check after
 * every test that each request the providers sent is an operation of Fly's `/v1/postgres` spec.
 */
import assert from "node:assert/strict";
import { afterEach } from "node:test";
import type { Emulator, EmulatorOptions } from "./emulator";
import { mpgOperation } from "./emulator/postgres";
import { useEmulator } from "./support";

/** `useEmulator` for the Managed Postgres suites, plus the spec check of every request after each test. */
export function usePostgresEmulator(options: EmulatorOptions = {}): { readonly fly: Emulator } {
    const env = useEmulator({ postgresReadyDelayMs: 20, postgresDeleteDelayMs: 10, ...options });
    afterEach(() => {
        const outside = env.fly.requests.filter((r) => !mpgOperation(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
        assert.deepEqual(outside, [], "every request is an operation of contracts/fly/managed-postgres-openapi.json");
    });
    return env;
}

/** The requests sent, as `METHOD path`, with a query string when there was one. */
export function sent(fly: Emulator): string[] {
    return fly.requests.map((r) => {
        const query = new URLSearchParams(r.query).toString();
        return `${r.method} ${r.path}${query ? `?${query}` : ""}`;
    });
}

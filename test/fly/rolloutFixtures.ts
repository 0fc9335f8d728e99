/**
 * Inputs and lookups shared by the MachineGroup rollout suites: a 3-machine group in iad with a service and an
 * HTTP check, and the machines of an app that are not on their way out.
 */
import type { MachineGroupInputs } from "../../providers/fly/machineGroupTypes";
import type { Emulator } from "./emulator";
import { FAST_ROLLOUTS } from "./support";

/** A rolling 3-machine group of `app` with one check; `overrides` replace top-level inputs. */
export function rolloutInputs(app: string, overrides: Partial<MachineGroupInputs> = {}): MachineGroupInputs {
    return {
        app,
        group: "web",
        regions: { iad: 3 },
        config: {
            image: "registry.fly.io/api:1.0",
            env: { LOG_LEVEL: "INFO" },
            services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }] }],
            checks: { health: { type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" } },
        },
        strategy: "rolling",
        healthTimeoutSeconds: 1,
        rolloutTiming: FAST_ROLLOUTS,
        ...overrides,
    };
}

export function withImage(inputs: MachineGroupInputs, image: string, overrides: Partial<MachineGroupInputs> = {}): MachineGroupInputs {
    return { ...inputs, ...overrides, config: { ...inputs.config, image } };
}

/** The app's machines that are neither destroyed nor being destroyed. */
export function liveMachines(fly: Emulator, app: string) {
    return [...fly.state.apps.get(app)!.machines.values()].filter((m) => m.state !== "destroyed" && m.state !== "destroying");
}

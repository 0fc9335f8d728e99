/**
 * Plain (resolved) shapes shared by the MachineGroup resource, its provider and its rollouts. Machine config keys are
 * Fly's own snake_case (`fly.MachineConfig` in the Machines API spec), so a config goes to the API unchanged.
 */
import type { RolloutTiming } from "./rollout/timing";

/** A port a service listens on at Fly's edge (`fly.MachinePort`). */
export interface FlyMachinePort {
    port?: number;
    start_port?: number;
    end_port?: number;
    handlers?: string[];
    force_https?: boolean;
}

/** A health check (`fly.MachineCheck` top level, `fly.MachineServiceCheck` inside a service). */
export interface FlyMachineCheck {
    type?: string;
    port?: number;
    interval?: string;
    timeout?: string;
    grace_period?: string;
    method?: string;
    path?: string;
    protocol?: string;
    kind?: "informational" | "readiness";
}

/** A service exposed through Fly's proxy (`fly.MachineService`). */
export interface FlyMachineService {
    protocol?: string;
    internal_port?: number;
    ports?: FlyMachinePort[];
    checks?: FlyMachineCheck[];
    concurrency?: { type?: string; soft_limit?: number; hard_limit?: number };
    autostop?: "off" | "stop" | "suspend";
    autostart?: boolean;
    min_machines_running?: number;
}

/** The subset of `fly.MachineConfig` the program uses (see docs/fly-provider-contract.md). */
export interface FlyMachineConfig {
    /** Image to run. Pinned by digest after the first machine is created when it has no `@sha256:` digest. */
    image: string;
    env?: Record<string, string>;
    guest?: { cpu_kind?: string; cpus?: number; memory_mb?: number };
    services?: FlyMachineService[];
    checks?: Record<string, FlyMachineCheck>;
    restart?: { policy?: "no" | "always" | "on-failure" | "spot-price"; max_retries?: number };
    metadata?: Record<string, string>;
    mounts?: { volume?: string; path?: string; name?: string; size_gb?: number; encrypted?: boolean }[];
}

/** How a config change reaches the machines. */
export type RolloutStrategy = "rolling" | "bluegreen" | "immediate";

/** Inputs of the MachineGroup provider once Pulumi has resolved them. */
export interface MachineGroupInputs {
    app: string;
    /** Logical group name (the Pulumi resource name); tags the machines so `read` can find them. */
    group: string;
    regions: Record<string, number>;
    config: FlyMachineConfig;
    strategy: RolloutStrategy;
    maxUnavailable?: number;
    healthTimeoutSeconds?: number;
    minSecretsVersion?: number;
    /** Delays of the rollouts (drains, lease TTL, health polling); unset keys keep flyctl's values. */
    rolloutTiming?: Partial<RolloutTiming>;
}

/** What the provider knows about one machine of the group, as last observed. */
export interface MachineRecord {
    id: string;
    region: string;
    /** Hash of the machine's actual config, projected onto the keys the group manages (see `observedHash`). */
    configHash: string;
}

/** Provider state (outputs). Never holds a credential. */
export interface MachineGroupState extends MachineGroupInputs {
    machineIds: string[];
    /** The image pinned by digest (`repo@sha256:...`), or the input image when Fly reported no digest. */
    imageRef: string;
    /** Hash of the config the machines should run (see `desiredHash`). */
    configHash: string;
    machines: MachineRecord[];
}

/** A machine as the Machines API returns it (the fields the provider reads). */
export interface FlyMachine {
    id: string;
    name?: string;
    state?: string;
    region?: string;
    instance_id?: string;
    config?: FlyMachineConfig & Record<string, unknown>;
    image_ref?: { registry?: string; repository?: string; tag?: string; digest?: string };
    checks?: { name?: string; status?: string; output?: string; updated_at?: string }[];
    /** Newest first. */
    events?: FlyMachineEvent[];
}

/** One machine event (`MachineEvent`); an `exit` event tells a crash from a requested stop. */
export interface FlyMachineEvent {
    type?: string;
    status?: string;
    timestamp?: number;
    request?: {
        exit_event?: { exit_code?: number; requested_stop?: boolean; restarting?: boolean; oom_killed?: boolean };
        restart_count?: number;
    };
}

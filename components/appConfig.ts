/**
 * What the app is told, as plain data: its environment contract (the variables every runtime sets) and the Fly
 * machine config. Pure functions, so the values a policy judges are known at preview and easy to test.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { FlyMachineConfig } from "../providers/fly";
import { PLAIN_ENV_KEYS } from "../config";
import { SETTINGS_DEFAULTS } from "../config/defaults";

/** Plain settings the app reads from its environment. None of them is secret. */
export interface AppSettings {
    /** `ENVIRONMENT`: the name the app reports, e.g. `production`. */
    readonly environment: string;
    /**
     * `DEBUG`.
     * @default SETTINGS_DEFAULTS.debug
     */
    readonly debug?: boolean;
    /**
     * `LOG_LEVEL`.
     * @default SETTINGS_DEFAULTS.logLevel
     */
    readonly logLevel?: string;
    /**
     * `CORS_ORIGINS`, comma-separated.
     * @default SETTINGS_DEFAULTS.corsOrigins (none)
     */
    readonly corsOrigins?: readonly string[];
    /**
     * `ALLOWED_HOSTS`, comma-separated.
     * @default the app's own public hostnames
     */
    readonly allowedHosts?: readonly string[];
    /**
     * `JWT_EXPIRY_MINUTES`.
     * @default SETTINGS_DEFAULTS.jwtExpiryMinutes
     */
    readonly jwtExpiryMinutes?: number;
    /**
     * `SENTRY_ENVIRONMENT`.
     * @default the value of `environment`
     */
    readonly sentryEnvironment?: string;
    /**
     * `SENTRY_TRACES_SAMPLE_RATE`, from 0 to 1.
     * @default SETTINGS_DEFAULTS.sentryTracesSampleRate
     */
    readonly sentryTracesSampleRate?: number;
}

export { PLAIN_ENV_KEYS };

/** The app's plain environment. An empty `allowedHosts` means `ownHosts` (the hostnames the app is served on). */
export function appEnv(settings: AppSettings, port: number, ownHosts: readonly string[]): Record<(typeof PLAIN_ENV_KEYS)[number], string> {
    const allowedHosts = settings.allowedHosts && settings.allowedHosts.length > 0 ? settings.allowedHosts : ownHosts;
    return {
        ENVIRONMENT: settings.environment,
        DEBUG: String(settings.debug ?? SETTINGS_DEFAULTS.debug),
        LOG_LEVEL: settings.logLevel ?? SETTINGS_DEFAULTS.logLevel,
        CORS_ORIGINS: (settings.corsOrigins ?? SETTINGS_DEFAULTS.corsOrigins).join(","),
        ALLOWED_HOSTS: allowedHosts.join(","),
        SENTRY_ENVIRONMENT: settings.sentryEnvironment ?? settings.environment,
        SENTRY_TRACES_SAMPLE_RATE: String(settings.sentryTracesSampleRate ?? SETTINGS_DEFAULTS.sentryTracesSampleRate),
        JWT_EXPIRY_MINUTES: String(settings.jwtExpiryMinutes ?? SETTINGS_DEFAULTS.jwtExpiryMinutes),
        PORT: String(port),
    };
}

/**
 * What the app is told about its release (`RELEASE_IMAGE`: the reference by digest it runs; `RELEASE_COMMIT`), so
 * its health answer names the release and a deploy can check that the release answering is the one it deployed.
 * The image may be known only after a build.
 */
export function releaseEnv(image: pulumi.Input<string>, commit: string): { RELEASE_IMAGE: pulumi.Input<string>; RELEASE_COMMIT: string } {
    return { RELEASE_IMAGE: image, RELEASE_COMMIT: commit };
}

/** The runtime shape of the Fly machines, defaults already resolved. */
export interface FlyMachineShape {
    readonly port: number;
    readonly healthPath: string;
    readonly env: Record<string, string>;
    readonly cpuKind: "shared" | "performance";
    readonly cpus: number;
    readonly memoryMb: number;
    readonly autostop: "off" | "stop" | "suspend";
    readonly minRunning: number;
    readonly concurrency: { readonly soft: number; readonly hard: number };
}

/**
 * The machine config: one HTTP service that redirects port 80 to HTTPS and terminates TLS on 443, health-checked on
 * the health path, with the proxy's concurrency limits and autostop settings.
 */
export function flyMachineConfig(image: string, shape: FlyMachineShape): FlyMachineConfig {
    return {
        image,
        env: shape.env,
        guest: { cpu_kind: shape.cpuKind, cpus: shape.cpus, memory_mb: shape.memoryMb },
        services: [
            {
                protocol: "tcp",
                internal_port: shape.port,
                ports: [
                    { port: 80, handlers: ["http"], force_https: true },
                    { port: 443, handlers: ["tls", "http"] },
                ],
                checks: [{ type: "http", port: shape.port, method: "GET", path: shape.healthPath, interval: "15s", timeout: "5s", grace_period: "10s" }],
                concurrency: { type: "requests", soft_limit: shape.concurrency.soft, hard_limit: shape.concurrency.hard },
                autostop: shape.autostop,
                // The proxy must be able to wake stopped machines, or autostop would be a one-way switch.
                autostart: true,
                min_machines_running: shape.minRunning,
            },
        ],
        restart: { policy: "on-failure", max_retries: 10 },
    };
}

/** Machines per region, the same count everywhere. */
export function machinesPerRegion(regions: readonly string[], count: number): Record<string, number> {
    return Object.fromEntries(regions.map((region) => [region, count]));
}

/**
 * The local container's health check. Images differ in what they ship, so it tries `wget` (busybox, alpine) and
 * then `curl` (debian-based images).
 */
export function localHealthCheck(port: number, healthPath: string): string[] {
    const url = `http://127.0.0.1:${port}${healthPath}`;
    return ["CMD-SHELL", `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`];
}

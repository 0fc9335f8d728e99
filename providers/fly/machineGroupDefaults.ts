/**
 * The MachineGroup's defaults, owned by the provider package: what a group does when its inputs leave a setting out.
 * The program's config (config/defaults.ts) takes the same values from here; this package never reads config.
 */

/** Rolling: machines updated at once. */
export const DEFAULT_MAX_UNAVAILABLE = 1;
/** Seconds a new machine may take to pass its checks before the rollout is rolled back. */
export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;

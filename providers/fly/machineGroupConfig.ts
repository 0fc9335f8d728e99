/**
 * Pure helpers of the MachineGroup provider: defaults, validation, the tags that identify a group's machines, image
 * pinning, and the config hashes that drive drift detection and resumable rollouts. No I/O here.
 */
import { createHash } from "node:crypto";
import { UNKNOWN } from "./providerInputs";
import { flyRegionProblem } from "./regions";
import { DEFAULT_HEALTH_TIMEOUT_SECONDS, DEFAULT_MAX_UNAVAILABLE } from "./machineGroupDefaults";
import { rolloutTimingProblems } from "./rollout/timing";
import type { FlyMachine, FlyMachineConfig, MachineGroupInputs, RolloutStrategy } from "./machineGroupTypes";

/** Metadata keys the provider sets on every machine it manages. */
export const TAG_GROUP = "pulumi_machine_group";
export const TAG_HASH = "pulumi_config_hash";
export const TAG_SECRETS = "pulumi_min_secrets_version";
/**
 * Set on green machines at create and removed once they are promoted: a machine that still carries it was left by a
 * blue-green rollout that failed (and whose rollback could not destroy it), is not registered for service, and is
 * destroyed by the next rollout. The value is the rollout's id.
 */
export const TAG_CANDIDATE = "pulumi_bluegreen_candidate";
/** Fly's own process-group tag; flyctl and the proxy read it, so it is always present. */
export const TAG_PROCESS_GROUP = "fly_process_group";

const STRATEGIES: readonly RolloutStrategy[] = ["rolling", "bluegreen", "immediate"];

/** Inputs with every default resolved. */
export interface ResolvedInputs extends MachineGroupInputs {
    maxUnavailable: number;
    healthTimeoutSeconds: number;
}

export function resolveInputs(inputs: MachineGroupInputs): ResolvedInputs {
    return {
        ...inputs,
        maxUnavailable: inputs.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE,
        healthTimeoutSeconds: inputs.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS,
    };
}


/** Copy of `value` with every unknown (preview) value, at any depth, removed, so validation only sees known values. */
function knownOnly(value: unknown): unknown {
    if (value === UNKNOWN) return undefined;
    if (Array.isArray(value)) return value.map(knownOnly);
    if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (v !== UNKNOWN) out[k] = knownOnly(v);
        return out;
    }
    return value;
}

/**
 * Every problem with a MachineGroup's inputs, each naming the key, what is wrong and how to fix it. Empty when valid.
 * Unknown values (preview) are skipped.
 */
export function validateMachineGroupInputs(name: string, given: Partial<MachineGroupInputs>): string[] {
    const inputs = knownOnly(given) as Partial<MachineGroupInputs>;
    const problems: string[] = [];
    const where = `MachineGroup "${name}"`;
    if (inputs.app !== undefined && (typeof inputs.app !== "string" || inputs.app.length === 0)) {
        problems.push(`${where}: app must be a non-empty Fly app name.`);
    }
    if (inputs.regions !== undefined) {
        if (typeof inputs.regions !== "object" || inputs.regions === null) {
            problems.push(`${where}: regions must map a region code to a machine count, e.g. { iad: 2 }.`);
        } else {
            for (const [region, count] of Object.entries(inputs.regions)) {
                const problem = flyRegionProblem(region);
                if (problem) problems.push(`${where}: regions.${region} ${problem}.`);
                if (!Number.isInteger(count) || count < 0 || count > 100) {
                    problems.push(`${where}: regions.${region} must be a whole number of machines from 0 to 100, got ${String(count)}.`);
                }
            }
        }
    }
    if (inputs.strategy !== undefined && !STRATEGIES.includes(inputs.strategy)) {
        problems.push(`${where}: strategy must be one of ${STRATEGIES.join(", ")}, got ${JSON.stringify(inputs.strategy)}.`);
    }
    if (inputs.maxUnavailable !== undefined && (!Number.isInteger(inputs.maxUnavailable) || inputs.maxUnavailable < 1)) {
        problems.push(`${where}: maxUnavailable must be a whole number of at least 1, got ${String(inputs.maxUnavailable)}.`);
    }
    if (inputs.healthTimeoutSeconds !== undefined && (typeof inputs.healthTimeoutSeconds !== "number" || !(inputs.healthTimeoutSeconds > 0) || inputs.healthTimeoutSeconds > 3600)) {
        problems.push(`${where}: healthTimeoutSeconds must be more than 0 and at most 3600, got ${String(inputs.healthTimeoutSeconds)}.`);
    }
    if (inputs.minSecretsVersion !== undefined && (!Number.isInteger(inputs.minSecretsVersion) || inputs.minSecretsVersion < 0)) {
        problems.push(`${where}: minSecretsVersion must be a whole number (the Secrets resource's version output), got ${String(inputs.minSecretsVersion)}.`);
    }
    problems.push(...rolloutTimingProblems(where, inputs.rolloutTiming));
    if (inputs.strategy === "bluegreen" && isPlainObject(given.config) && !containsUnknown(given.config.checks) && !containsUnknown(given.config.services) && !configHasChecks(inputs.config)) {
        problems.push(
            `${where}: strategy "bluegreen" needs at least one health check, because green machines take traffic only once their checks pass ` +
                '(flyctl refuses too). Add config.checks (e.g. { health: { type: "http", port: 8080, path: "/health", interval: "10s", timeout: "2s" } }) ' +
                'or checks on a service, or use strategy "rolling".',
        );
    }
    if (inputs.config !== undefined) {
        const imageUnknown = isPlainObject(given.config) && given.config.image === UNKNOWN;
        if (!imageUnknown && (typeof inputs.config?.image !== "string" || inputs.config.image.length === 0)) {
            problems.push(`${where}: config.image must name the image to run, e.g. "registry.fly.io/my-app:1.2.3".`);
        }
        for (const key of Object.keys(inputs.config?.metadata ?? {})) {
            if (key.startsWith("pulumi_")) {
                problems.push(`${where}: config.metadata.${key} is reserved for the provider's own tags; rename the key.`);
            }
        }
    }
    return problems;
}

/** True when the config defines a check, top-level or on a service (what blue-green waits on). */
export function configHasChecks(config: Partial<FlyMachineConfig> | undefined): boolean {
    if (!config) return false;
    if (Object.keys(config.checks ?? {}).length > 0) return true;
    return (config.services ?? []).some((service) => (service.checks ?? []).length > 0);
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
    return false;
}

/** Total number of machines the regions ask for. */
export function machineCount(regions: Record<string, number>): number {
    return Object.values(regions).reduce((sum, n) => sum + n, 0);
}

/** True when the image reference already names a content digest. */
export function hasDigest(image: string): boolean {
    return /@sha256:[0-9a-f]{64}$/.test(image);
}

/** The repository part of an image reference: the tag and any digest removed (a registry port is kept). */
export function imageRepository(image: string): string {
    const withoutDigest = image.split("@")[0];
    const slash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.lastIndexOf(":");
    return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `repo@sha256:...` for a machine whose image Fly resolved, or undefined when Fly reported no digest. */
export function pinnedImageOf(machine: FlyMachine): string | undefined {
    const image = machine.config?.image;
    const digest = machine.image_ref?.digest;
    if (!image) return undefined;
    if (hasDigest(image)) return image;
    return digest && digest.startsWith("sha256:") ? `${imageRepository(image)}@${digest}` : undefined;
}

/**
 * The image the group's machines should run: the input image when it carries a digest; the previously pinned
 * reference when the input image did not change; otherwise undefined (resolve it from the first machine created).
 */
export function targetImage(newImage: string, old?: { image: string; imageRef: string }): string | undefined {
    if (hasDigest(newImage)) return newImage;
    if (old && old.image === newImage && hasDigest(old.imageRef)) return old.imageRef;
    return undefined;
}

/** A machine config as sent to Fly, its hash, and the shape drift is compared on. */
export interface DesiredConfig {
    /** Config with every tag, including the hash tag: the body's `config`. */
    config: FlyMachineConfig;
    /** Hash of the config without the hash tag. */
    hash: string;
}

/** The config every machine of the group should run, tagged so `read` can find the machine and judge it. */
export function desiredConfig(inputs: MachineGroupInputs, image: string): DesiredConfig {
    const metadata: Record<string, string> = {
        [TAG_PROCESS_GROUP]: "app",
        ...(inputs.config.metadata ?? {}),
        [TAG_GROUP]: inputs.group,
    };
    if (inputs.minSecretsVersion !== undefined) metadata[TAG_SECRETS] = String(inputs.minSecretsVersion);
    const untagged = dropUndefined({ ...inputs.config, image, metadata }) as FlyMachineConfig;
    const hash = hashOf(untagged);
    return { config: { ...untagged, metadata: { ...metadata, [TAG_HASH]: hash } }, hash };
}

/**
 * Hash of a machine's actual config as it compares to `desired`: the image is read as its pinned digest, the hash tag
 * is ignored, and objects are projected onto the keys the provider sets, because Fly fills in defaults of its own.
 * Whole maps the user owns (`env`, top-level `checks`) are compared in full, so an added variable is drift too.
 */
export function observedHash(machine: FlyMachine, desired: FlyMachineConfig): string {
    const actual = { ...(machine.config ?? {}) } as Record<string, unknown>;
    const pinned = pinnedImageOf(machine);
    if (pinned && hasDigest(desired.image)) actual.image = pinned;
    const metadata = { ...((actual.metadata as Record<string, string> | undefined) ?? {}) };
    delete metadata[TAG_HASH];
    actual.metadata = metadata;
    const shape = { ...desired, metadata: { ...(desired.metadata ?? {}) } } as Record<string, unknown>;
    delete (shape.metadata as Record<string, string>)[TAG_HASH];
    const projected: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
        projected[key] = key === "env" || key === "checks" ? actual[key] : project(actual[key], shape[key]);
    }
    return hashOf(dropUndefined(projected));
}

/** The value of `actual` restricted to the keys present in `shape` (arrays element by element). */
export function project(actual: unknown, shape: unknown): unknown {
    if (Array.isArray(shape)) {
        if (!Array.isArray(actual)) return actual;
        return actual.map((item, i) => (i < shape.length ? project(item, shape[i]) : item));
    }
    if (isPlainObject(shape)) {
        if (!isPlainObject(actual)) return actual;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(shape)) out[key] = project(actual[key], shape[key]);
        return out;
    }
    return actual;
}

/** A short, stable hash of a JSON value (object keys sorted). */
export function hashOf(value: unknown): string {
    return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}

export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (isPlainObject(value)) {
        const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value ?? null);
}

function dropUndefined<T>(value: T): T {
    if (Array.isArray(value)) return value.map(dropUndefined) as T;
    if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
        return out as T;
    }
    return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A machine's name for one create attempt: unique, so a create whose answer was lost can be found again. */
export function machineName(group: string, region: string): string {
    const slug = group.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "group";
    const token = Math.random().toString(36).slice(2, 10).padEnd(8, "0");
    return `${slug}-${region}-${token}`;
}

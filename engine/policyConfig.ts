/**
 * A stack's policy enforcement file (`policies/<stack>.json`, what `--policy-pack-config` names), validated and
 * reconciled with the pack's own policies as the CLI does it (pkg/resource/analyzer/config.go): each policy starts at
 * its own level and schema defaults, `all` sets every level, a policy's own entry overrides both.
 *
 * Validation is the pack's own (policies/enforcement.ts), stricter than the CLI on purpose, because a typo here
 * silently weakens production: a mistyped level, a key that names no policy and a setting the policy's schema does
 * not declare are errors that name the file, the key and the allowed values. Nothing ever falls back to advisory.
 */
import type { SettingSchema } from "../policies/lib/schema";
import { ALL, levelIn, readEnforcement, type EnforcementLevel } from "../policies/enforcement";

export { ENFORCEMENT_LEVELS, EnforcementError, EnforcementError as PolicyConfigError } from "../policies/enforcement";
export type { EnforcementLevel } from "../policies/enforcement";

/** A policy as the analyzer describes it (GetAnalyzerInfo). */
export interface PolicyDescription {
    readonly name: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly configSchema?: { readonly properties: Record<string, SettingSchema>; readonly required: readonly string[] };
}

/** What the analyzer is configured with for one policy. */
export interface PolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/**
 * Reads the file at `path`, validates it against the analyzer's policies and reconciles it; throws
 * `EnforcementError`. `file` names the file in messages.
 * @param file How messages name the file. @default path
 */
export function readPolicyConfig(path: string, policies: readonly PolicyDescription[], file: string = path): Record<string, PolicyConfig> {
    const config = readEnforcement(path, file, policies);
    const all = levelIn(config[ALL]);
    const result: Record<string, PolicyConfig> = {};
    for (const policy of policies) {
        const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).filter(([, s]) => s.default !== undefined).map(([k, s]) => [k, s.default]));
        const entry = config[policy.name];
        const { enforcementLevel: _level, ...settings } = typeof entry === "object" && entry !== null ? entry : {};
        result[policy.name] = { enforcementLevel: levelIn(entry) ?? all ?? policy.enforcementLevel, properties: { ...defaults, ...settings } };
    }
    return result;
}

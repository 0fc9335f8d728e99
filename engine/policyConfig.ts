/**
 * A stack's policy enforcement file (`policies/<stack>.json`, what `--policy-pack-config` names), parsed and
 * reconciled with the pack's own policies as the CLI does it (pkg/resource/analyzer/config.go): each policy starts at
 * its own level and schema defaults, `all` sets every level, a policy's own entry overrides both, and settings are
 * validated against the policy's config schema.
 *
 * Stricter than the CLI on purpose, because a typo here silently weakens production: a key that names no policy of
 * the pack, and a setting the policy's schema does not declare, are errors too. Every error names the file, the key
 * and the allowed values. Nothing ever falls back to advisory.
 */
import { readFileSync } from "node:fs";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** A policy as the analyzer describes it (GetAnalyzerInfo). */
export interface PolicyDescription {
    readonly name: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly configSchema?: { readonly properties: Record<string, JsonSchema>; readonly required: readonly string[] };
}

/** The subset of JSON schema that policy config schemas use. */
export interface JsonSchema {
    type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    items?: JsonSchema;
    default?: unknown;
}

export interface PolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/** An enforcement file that cannot be used; `problems` lists each key that is wrong and what it may be. */
export class PolicyConfigError extends Error {
    constructor(
        readonly file: string,
        readonly problems: readonly string[],
    ) {
        super(`Invalid policy enforcement file ${file} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "PolicyConfigError";
    }
}

const isLevel = (value: unknown): value is EnforcementLevel => typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
const levels = ENFORCEMENT_LEVELS.map((l) => `"${l}"`).join(", ");

function schemaProblems(key: string, schema: JsonSchema, value: unknown): string[] {
    const where = `"${key}"`;
    if (schema.enum && !schema.enum.some((e) => e === value)) return [`${where} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, not ${JSON.stringify(value)}`];
    switch (schema.type) {
        case "integer":
        case "number": {
            if (typeof value !== "number" || !Number.isFinite(value) || (schema.type === "integer" && !Number.isInteger(value))) return [`${where} must be ${schema.type === "integer" ? "an integer" : "a number"}, not ${JSON.stringify(value)}`];
            const range = `${schema.minimum ?? "-∞"}–${schema.maximum ?? "∞"}`;
            if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) return [`${where} must be within ${range}, not ${value}`];
            return [];
        }
        case "string":
            return typeof value === "string" ? [] : [`${where} must be a string, not ${JSON.stringify(value)}`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${where} must be true or false, not ${JSON.stringify(value)}`];
        case "array":
            if (!Array.isArray(value)) return [`${where} must be a list, not ${JSON.stringify(value)}`];
            return schema.items ? value.flatMap((item, i) => schemaProblems(`${key}[${i}]`, schema.items!, item)) : [];
        default:
            return [];
    }
}

/** Parses and reconciles `json` (the file's content) with the pack's policies; throws {@link PolicyConfigError}. */
export function reconcilePolicyConfig(file: string, json: unknown, policies: readonly PolicyDescription[]): Record<string, PolicyConfig> {
    const problems: string[] = [];
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new PolicyConfigError(file, ["the file must hold a JSON object of policy name -> level or settings"]);
    const byName = new Map(policies.map((p) => [p.name, p]));
    const result: Record<string, PolicyConfig> = {};
    for (const policy of policies) {
        const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).filter(([, s]) => s.default !== undefined).map(([k, s]) => [k, s.default]));
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties: defaults };
    }
    const entries = Object.entries(json as Record<string, unknown>);
    const all = (json as Record<string, unknown>).all;
    if (all !== undefined) {
        if (!isLevel(all)) problems.push(`"all": ${JSON.stringify(all)} is not a valid enforcement level; allowed: ${levels}`);
        else for (const name of Object.keys(result)) result[name] = { ...result[name], enforcementLevel: all };
    }
    for (const [key, value] of entries) {
        if (key === "all") continue;
        const policy = byName.get(key);
        if (!policy) {
            problems.push(`"${key}" is not a policy of this pack; allowed: "all", ${[...byName.keys()].map((n) => `"${n}"`).join(", ")}`);
            continue;
        }
        if (typeof value === "string") {
            if (isLevel(value)) result[key] = { ...result[key], enforcementLevel: value };
            else problems.push(`"${key}": ${JSON.stringify(value)} is not a valid enforcement level; allowed: ${levels}`);
            continue;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            problems.push(`"${key}": ${JSON.stringify(value)} is not a valid value; must be an enforcement level (${levels}) or an object of settings`);
            continue;
        }
        const { enforcementLevel, ...settings } = value as Record<string, unknown>;
        if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) problems.push(`"${key}.enforcementLevel": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; allowed: ${levels}`);
        const declared = policy.configSchema?.properties ?? {};
        for (const [setting, settingValue] of Object.entries(settings)) {
            const schema = declared[setting];
            if (!schema) {
                const allowed = Object.keys(declared);
                problems.push(`"${key}.${setting}" is not a setting of ${key}; allowed: ${allowed.length > 0 ? allowed.map((s) => `"${s}"`).join(", ") : "none (only enforcementLevel)"}`);
                continue;
            }
            problems.push(...schemaProblems(`${key}.${setting}`, schema, settingValue));
        }
        result[key] = {
            enforcementLevel: isLevel(enforcementLevel) ? enforcementLevel : result[key].enforcementLevel,
            properties: { ...result[key].properties, ...settings },
        };
    }
    for (const policy of policies) {
        for (const required of policy.configSchema?.required ?? []) {
            if (result[policy.name].properties[required] === undefined) problems.push(`"${policy.name}.${required}" is required`);
        }
    }
    if (problems.length > 0) throw new PolicyConfigError(file, problems);
    return result;
}

/** Reads `file` and reconciles it; a file that is not JSON is an error naming it. */
export function readPolicyConfig(file: string, policies: readonly PolicyDescription[]): Record<string, PolicyConfig> {
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new PolicyConfigError(file, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
    }
    return reconcilePolicyConfig(file, json, policies);
}

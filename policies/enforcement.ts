/**
 * Per-stack enforcement files (`policies/<stack>.json`), validated before any policy runs, and failing closed. The
 * one validator of the file: the pack runs it on its own rules as it starts (`checkStackEnforcement`, so a slip
 * stops `pulumi preview`/`up` wherever they run, not only `npm run plan`), the offline engine (engine/policyConfig.ts)
 * on the policies the real analyzer describes; both have the fields it reads.
 *
 * The Pulumi CLI reads a policy's level from the file as a plain string: a level it does not know ("Mandatory",
 * "enforced") or a key naming no policy would leave the rule at its default, advisory, and nothing would say so.
 * Here every such slip is an error that names the file, the key and what is allowed, and nothing runs.
 *
 * Shape (as `pulumi preview --policy-pack-config` takes it):
 *   { "all": <level>, "<rule>": <level> | { "enforcementLevel"?: <level>, "<setting>": <value>, ... } }
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import { enforcementFileName } from "../config/stackFile";
import { checkStackName } from "../config/stackNameError";
import { schemaProblems, SettingSchema } from "./lib/schema";

export type { EnforcementLevel } from "@pulumi/policy";

/** The levels the Pulumi CLI accepts, exactly as it spells them. */
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** What validation reads of a policy: a rule object of the pack, or the analyzer's description of one. */
export interface PolicyLike {
    readonly name: string;
    /** The policy's own level, if it sets one. */
    readonly enforcementLevel?: EnforcementLevel;
    readonly configSchema?: { readonly properties?: Readonly<Record<string, unknown>>; readonly required?: readonly string[] };
}

/** The key that sets every policy's level at once. */
export const ALL = "all";

/**
 * An enforcement file that cannot be used; `problems` has one line per wrong key. A `RunError`: the policy host and
 * the CLI print its message alone, without a stack trace.
 */
export class EnforcementError extends pulumi.RunError {
    constructor(
        readonly file: string,
        readonly problems: readonly string[],
    ) {
        super(`${file} is not a valid enforcement file (${problems.length} problem${problems.length === 1 ? "" : "s"}); no policy was run:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "EnforcementError";
    }
}

const LEVELS_TEXT = ENFORCEMENT_LEVELS.map((l) => `"${l}"`).join(", ");

function levelProblem(file: string, key: string, value: unknown): string | undefined {
    if (typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value)) return undefined;
    const hint = typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value.toLowerCase()) ? ` (levels are lowercase: "${value.toLowerCase()}")` : "";
    return `${file}: "${key}" has enforcement level ${JSON.stringify(value)}, which is not one of ${LEVELS_TEXT}${hint}`;
}

function settingsProblems(file: string, policy: PolicyLike, entry: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const schema = policy.configSchema;
    const properties = (schema?.properties ?? {}) as Record<string, SettingSchema>;
    const known = Object.keys(properties);
    for (const [key, value] of Object.entries(entry)) {
        if (key === "enforcementLevel") {
            const problem = levelProblem(file, `${policy.name}.enforcementLevel`, value);
            if (problem) problems.push(problem);
        } else if (!(key in properties)) {
            const allowed = known.length > 0 ? `its settings are ${known.map((k) => `"${k}"`).join(", ")}` : "it has no settings";
            problems.push(`${file}: "${policy.name}" has no setting "${key}"; ${allowed} (and "enforcementLevel")`);
        } else {
            problems.push(...schemaProblems(value, properties[key], `${policy.name}.${key}`).map((p) => `${file}: ${p}`));
        }
    }
    for (const key of schema?.required ?? []) {
        if (!(key in entry)) problems.push(`${file}: "${policy.name}" needs the setting "${key}"`);
    }
    return problems;
}

/** The level an entry of a validated file sets: a bare level or `{enforcementLevel}`. */
export function levelIn(entry: PolicyPackConfig[string] | undefined): EnforcementLevel | undefined {
    return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

/** The level a policy runs at under a validated config: its own entry, else `all`, else its own level, else the pack's. */
export function levelOf(policy: PolicyLike, config: PolicyPackConfig, packLevel: EnforcementLevel = "advisory"): EnforcementLevel {
    return levelIn(config[policy.name]) ?? levelIn(config[ALL]) ?? policy.enforcementLevel ?? packLevel;
}

/**
 * Checks a parsed enforcement file against the pack's policies and returns it typed. Throws `EnforcementError`
 * listing every problem at once: a level that is not exactly one of `ENFORCEMENT_LEVELS`, a key that names no
 * policy, a setting the policy's `configSchema` does not declare, or a setting value it refuses.
 */
export function validateEnforcement(file: string, json: unknown, policies: readonly PolicyLike[]): PolicyPackConfig {
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
        throw new EnforcementError(file, [`${file} must hold a JSON object such as {"all": "advisory"}, got ${Array.isArray(json) ? "an array" : JSON.stringify(json)}`]);
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
        if (key === ALL) {
            const level = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
            const extra = level ? Object.keys(level).filter((k) => k !== "enforcementLevel") : [];
            if (extra.length > 0) problems.push(`${file}: "all" takes only a level (or {"enforcementLevel": ...}); settings belong to a rule's own entry, got ${extra.map((k) => `"${k}"`).join(", ")}`);
            const problem = levelProblem(file, key, level ? level.enforcementLevel : value);
            if (problem) problems.push(problem);
            continue;
        }
        const policy = byName.get(key);
        if (!policy) {
            problems.push(`${file}: "${key}" is not a policy of this pack; the policies are ${[...byName.keys()].map((n) => `"${n}"`).join(", ")} (or "all")`);
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            problems.push(...settingsProblems(file, policy, value as Record<string, unknown>));
        } else {
            const problem = levelProblem(file, key, value);
            if (problem) problems.push(`${problem}, or an object {"enforcementLevel": ..., <settings>}`);
        }
    }
    if (problems.length > 0) throw new EnforcementError(file, problems);
    return json as PolicyPackConfig;
}

/** Reads and validates the enforcement file at `path`; `file` names it in every message. */
export function readEnforcement(path: string, file: string, policies: readonly PolicyLike[]): PolicyPackConfig {
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
        throw new EnforcementError(file, [`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it, e.g. {"all": "advisory"}`]);
    }
    return validateEnforcement(file, json, policies);
}

/**
 * The enforcement file of `stack` in the pack's directory (`<packDir>/<stack>.json`, or `review.json` for a review
 * stack: config/stackFile.ts; what `--policy-pack-config` names in every command of this project), validated against `policies`; `undefined` when the stack has none. The
 * name is checked first (config/stackName.ts), so `../x` reads nothing. Throws `EnforcementError` naming the file.
 */
export function checkStackEnforcement(packDir: string, stack: string, policies: readonly PolicyLike[]): PolicyPackConfig | undefined {
    checkStackName(stack);
    const name = enforcementFileName(packDir, stack);
    const path = join(packDir, name);
    if (!existsSync(path)) return undefined;
    return readEnforcement(path, `${basename(packDir)}/${name}`, policies);
}

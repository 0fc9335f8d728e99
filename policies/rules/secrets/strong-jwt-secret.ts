/**
 * Rule 2: the JWT signing secret is strong. Generated: at least `minLength` characters from the full character
 * set. Supplied: at least `minLength` characters, not a placeholder, and at least `minEntropyBits` of estimated
 * entropy (zxcvbn-ts, `lib/entropy.ts`: a long value built from repeats, words or keyboard walks is weak however
 * long it is). Never in plain env.
 *
 * A stack rule, because a generated secret is unknown during preview: what proves it strong is that the Fly
 * secrets depend on a strong generator (`<component>-jwt` RandomPassword), whose inputs are known.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { entropyBits } from "../../lib/entropy";
import { envOf } from "../../lib/env";
import { isUnknown, Plain } from "../../lib/known";
import { secretEntry } from "../../lib/secrets";
import { configRm, configSet, dependsOnAny, ofType, settings, StackNode, stackNodes, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY, RANDOM_PASSWORD } from "../../lib/types";

/** Settings of `strong-jwt-secret`. */
export interface JwtSettings {
    /**
     * Minimum length, generated or supplied.
     * @default 64
     */
    minLength: number;
    /**
     * Words that mark a value as a placeholder (matched as a whole word, or anywhere for the longer ones).
     * @default ["change", "changeme", "dev", "development", "secret", "example", "placeholder", "password", "test", "dummy", "sample", "insecure", "todo", "default", "local"]
     */
    placeholders: string[];
    /**
     * Least estimated entropy of a supplied secret, in bits (zxcvbn-ts guesses, log2).
     * @default 128
     */
    minEntropyBits: number;
}

const DEFAULTS: JwtSettings = {
    minLength: 64,
    placeholders: ["change", "changeme", "dev", "development", "secret", "example", "placeholder", "password", "test", "dummy", "sample", "insecure", "todo", "default", "local"],
    minEntropyBits: 128,
};

const KEY = "JWT_SECRET";
const LENGTH_FIX = (min: number) => configSet("secrets.jwtLength", String(min));
const SUPPLIED_FIX = `${configSet(KEY, '"$(openssl rand -base64 48)"', { secret: true })} (or ${configRm(KEY)} to have one generated)`;

/** Whether a RandomPassword is the JWT generator (`<component>-jwt`). */
export function isJwtGenerator(n: StackNode): boolean {
    return n.type === RANDOM_PASSWORD && /(^|[-_])jwt([-_]|$)/i.test(n.name);
}

/** Problems with a generator's inputs, in words; empty when strong. */
function generatorProblems(n: StackNode, minLength: number): string[] {
    const problems: string[] = [];
    const length = n.props.length;
    if (isUnknown(length)) problems.push(`its length ${UNPROVEN}`);
    else if (typeof length !== "number" || length < minLength) problems.push(`it is ${String(length ?? "unset")} characters, below ${minLength} (${LENGTH_FIX(minLength)})`);
    for (const set of ["special", "upper", "lower", "numeric"]) {
        const enabled = n.props[set];
        if (isUnknown(enabled)) problems.push(`its "${set}" setting ${UNPROVEN}`);
        else if (enabled === false) problems.push(`it leaves out ${set} characters (the program's generator, components/appSecrets.ts, must use the full character set)`);
    }
    return problems;
}

/** Why a supplied value is weak, without ever including the value; `undefined` when it is acceptable. */
export function weakness(value: string, settings: JwtSettings): string | undefined {
    if (value.length < settings.minLength) return `is ${value.length} characters, below ${settings.minLength}`;
    const lower = value.toLowerCase();
    const words = lower.split(/[^a-z0-9]+/).filter(Boolean);
    const long = settings.placeholders.filter((p) => p.length >= 6);
    if (words.some((w) => settings.placeholders.includes(w)) || long.some((p) => lower.includes(p))) return "looks like a placeholder";
    if (new Set(value).size < 16) return "repeats too few distinct characters to be random";
    if (entropyBits(value) < settings.minEntropyBits) return `has less than ${settings.minEntropyBits} bits of estimated entropy (it is built from repeats, words, sequences or keyboard patterns)`;
    return undefined;
}

export const strongJwtSecret: StackValidationPolicy = {
    name: "strong-jwt-secret",
    description: "The JWT secret is generated (≥ 64 characters, full character set) or supplied (≥ 64 characters, not a placeholder, ≥ 128 bits of estimated entropy), and never in plain env.",
    severity: "critical",
    configSchema: {
        properties: {
            minLength: { type: "integer", minimum: 16, default: DEFAULTS.minLength },
            placeholders: { type: "array", items: { type: "string" }, default: DEFAULTS.placeholders },
            minEntropyBits: { type: "integer", minimum: 64, default: DEFAULTS.minEntropyBits },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = settings(args, DEFAULTS);
        const nodes = stackNodes(args);
        const strongGenerator = (n: StackNode) => isJwtGenerator(n) && generatorProblems(n, config.minLength).length === 0;

        for (const generator of nodes.filter(isJwtGenerator)) {
            const problems = generatorProblems(generator, config.minLength);
            if (problems.length > 0) reportViolation(`The generated JWT secret "${generator.name}" is weak: ${problems.join("; ")}.`, generator.urn);
        }

        const judge = (holder: StackNode, where: string, value: Plain | undefined) => {
            if (value === undefined) return;
            if (isUnknown(value)) {
                if (!dependsOnAny(holder, nodes, strongGenerator)) {
                    reportViolation(`${KEY} in ${where} ${UNPROVEN}: it does not come from a strong generated secret (a "<component>-jwt" RandomPassword). Generate it (${configRm(KEY)}) or supply one: ${SUPPLIED_FIX}`, holder.urn);
                }
                return;
            }
            const reason = typeof value === "string" ? weakness(value, config) : "is not a string";
            if (reason) reportViolation(`The ${KEY} in ${where} ${reason}. Fix: ${SUPPLIED_FIX}`, holder.urn);
        };

        for (const secrets of ofType(nodes, FLY.secrets)) judge(secrets, "the Fly secrets", secretEntry(secrets, KEY));
        for (const workload of ofType(nodes, FLY.machineGroup, DOCKER.container)) {
            const env = envOf(workload.type, workload.props);
            if (!env) continue;
            if (workload.type === FLY.machineGroup && env.vars.has(KEY)) {
                reportViolation(`${KEY} is in plain ${env.path}; it must only reach the app through the Fly Secrets resource (components/).`, workload.urn);
            } else if (workload.type === DOCKER.container) {
                // Docker has no secret store: env is the only channel, so judge the value there.
                if (env.vars.has(KEY)) judge(workload, env.path, env.vars.get(KEY));
            }
        }
    },
};

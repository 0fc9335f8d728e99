/**
 * Turns a stack's raw config map (as the Pulumi engine hands it to the program) into a validated `StackConfig`,
 * or a `ConfigError` that lists every problem at once. Pure: no Pulumi runtime, so tests and commands call it too.
 */
import { z } from "zod";
import { ConfigError, ConfigIssue, removeCommand, setCommand } from "./errors";
import { StackConfig, stackConfigSchema } from "./schema";

/** The project's config namespace (`<namespace>:<key>`). */
export const PROJECT = "api-environments";

/** Config keys in UPPER_SNAKE_CASE are secret values: extra app secrets, GitHub environment secrets, `JWT_SECRET`. */
const SECRET_KEY = /^[A-Z][A-Z0-9_]*$/;

/** A supplied JWT signing secret replaces the generated (and rotated) one. */
export const SUPPLIED_JWT_SECRET = "JWT_SECRET";

/** The raw configuration of one stack. */
export interface RawStackConfig {
    readonly stack: string;
    /** Every config value, keyed `namespace:key`, as strings (structured values JSON-encoded), like the engine's. */
    readonly values: Readonly<Record<string, string>>;
    /** Keys (`namespace:key`) whose value was written with `--secret`. */
    readonly secretKeys: ReadonlySet<string>;
}

/** A validated stack: its settings and the names of the secret values it supplies. */
export interface ParsedStackConfig {
    readonly stack: string;
    readonly config: StackConfig;
    /** Names of secret config values (`STRIPE_API_KEY`, ...), each present and written with `--secret`. */
    readonly secretNames: readonly string[];
}

/** Validates a stack's raw configuration; throws `ConfigError` with every problem found. */
export function parseStackConfig(raw: RawStackConfig): ParsedStackConfig {
    const { stack } = raw;
    const issues: ConfigIssue[] = [];
    const settings: Record<string, unknown> = {};
    const supplied = new Set<string>();

    for (const [fullKey, value] of Object.entries(raw.values)) {
        const separator = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, separator);
        const key = fullKey.slice(separator + 1);
        if (namespace !== PROJECT) continue; // provider settings (docker:host, github:owner, ...) are not ours
        if (SECRET_KEY.test(key)) {
            supplied.add(key);
            if (!raw.secretKeys.has(fullKey)) {
                issues.push({
                    key,
                    problem: "is a secret but is stored in plaintext in the stack file",
                    fix: `${removeCommand(stack, key)} && ${setCommand(stack, key, "<value>", { secret: true })}`,
                });
            }
            continue;
        }
        settings[key] = decode(value);
    }

    const result = stackConfigSchema.safeParse(settings);
    if (!result.success) {
        issues.push(...result.error.issues.flatMap((issue) => describeIssue(stack, issue, settings)));
    }

    const secretNames = [...supplied].sort();
    if (result.success) {
        const config = result.data;
        const wanted = new Map<string, string>();
        config.secrets.extra.forEach((name, i) => wanted.set(name, `secrets.extra[${i}]`));
        config.github?.secrets.forEach((name, i) => wanted.set(name, `github.secrets[${i}]`));
        for (const [name, listedAt] of wanted) {
            if (!supplied.has(name)) {
                issues.push({
                    key: name,
                    problem: `is listed in ${listedAt} but has no value`,
                    fix: setCommand(stack, name, "<value>", { secret: true }),
                });
            }
        }
        for (const name of secretNames) {
            if (!wanted.has(name) && name !== SUPPLIED_JWT_SECRET) {
                issues.push({
                    key: name,
                    problem: "is a secret value that nothing uses: list it in secrets.extra (for the app) or github.secrets (for the workflows)",
                    fix: `${setCommand(stack, `secrets.extra[${config.secrets.extra.length}]`, name)}   (or: ${removeCommand(stack, name)})`,
                });
            }
        }
        const jwt = raw.values[`${PROJECT}:${SUPPLIED_JWT_SECRET}`];
        if (jwt !== undefined && jwt.length < config.secrets.jwtLength) {
            issues.push({
                key: SUPPLIED_JWT_SECRET,
                problem: `must be at least secrets.jwtLength (${config.secrets.jwtLength}) characters, received ${jwt.length} characters`,
                fix: `${setCommand(stack, SUPPLIED_JWT_SECRET, "\"$(openssl rand -base64 48)\"", { secret: true })}   (or remove it to have one generated)`,
            });
        }
        if (issues.length === 0) return { stack, config, secretNames };
    }
    throw new ConfigError(stack, issues);
}

/** Structured values reach the program JSON-encoded; top-level scalars are plain strings. */
function decode(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}

type Path = readonly PropertyKey[];

/** `app.regions[0]` from `["app", "regions", 0]`. */
export function formatPath(path: Path): string {
    return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}

function valueAt(root: unknown, path: Path): unknown {
    return path.reduce<unknown>((node, part) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[part] : undefined), root);
}

function received(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Unwraps defaults, optionals and pipes to the schema that validates values at `path`. */
function schemaAt(path: Path): z.ZodType | undefined {
    let node: z.ZodType | undefined = stackConfigSchema;
    for (const part of path) {
        node = unwrap(node);
        if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(part)];
        else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
        else return undefined;
    }
    return unwrap(node);
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
    while (node instanceof z.ZodDefault || node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    return node;
}

/** Bounds of a number schema, as `1–20`. */
function range(schema: z.ZodType | undefined): string | undefined {
    if (!(schema instanceof z.ZodNumber)) return undefined;
    const min = schema.minValue;
    const max = schema.maxValue;
    const show = (n: number | null) => (n === null || !Number.isFinite(n) || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : String(n));
    const lo = show(min);
    const hi = show(max);
    if (lo && hi) return `${lo}–${hi}`;
    if (lo) return `≥ ${lo}`;
    if (hi) return `≤ ${hi}`;
    return undefined;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

/** A value to put in the fix command: a valid example where one can be derived, else a placeholder. */
function example(schema: z.ZodType | undefined, issue: z.core.$ZodIssue): string {
    if (issue.code === "too_small" && issue.origin === "number") return String(issue.minimum);
    if (issue.code === "too_big" && issue.origin === "number") return String(issue.maximum);
    if (issue.code === "invalid_value") return String(issue.values[0]);
    if (schema instanceof z.ZodBoolean) return "<true|false>";
    if (schema instanceof z.ZodNumber) return `<${range(schema) ?? "number"}>`;
    if (schema instanceof z.ZodEnum) return String(schema.options[0]);
    return "<value>";
}

/** A size or range problem: `must list at least 1 item(s)`, `must be at most 20 (allowed 1–20)`, with the value. */
function bound(limit: "at least" | "at most", n: number | bigint, origin: string, bounds: string | undefined, value: unknown): string {
    const shown = received(value);
    if (origin === "array") return `must list ${limit} ${n} item(s), received ${shown}`;
    if (origin === "string") return `must be ${limit} ${n} characters, received ${shown}`;
    return `must be ${limit} ${n}${bounds ? ` (allowed ${bounds})` : ""}, received ${shown}`;
}

/** How zod's type names read in a message. */
const TYPE_NAMES: Record<string, string> = { int: "a whole number", array: "a list", object: "a map of settings", number: "a number", boolean: "a boolean", string: "a string" };

function describeIssue(stack: string, issue: z.core.$ZodIssue, settings: unknown): ConfigIssue[] {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
        const parent = schemaAt(path);
        const known = parent instanceof z.ZodObject ? Object.keys(parent.shape) : [];
        return issue.keys.map((name) => {
            const keyPath = [...path, name];
            const suggestion = closest(name, known);
            const hint = suggestion ? ` (did you mean ${formatPath([...path, suggestion])}?)` : ` (known keys here: ${known.join(", ")})`;
            return { key: formatPath(keyPath), problem: `is not a known key${hint}`, fix: removeCommand(stack, formatPath(keyPath)) };
        });
    }

    const key = formatPath(path);
    const value = valueAt(settings, path);
    const schema = schemaAt(path);
    const bounds = range(schema);
    let problem: string;
    switch (issue.code) {
        case "invalid_type": {
            const expected = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
            problem = value === undefined ? `is required (${expected})` : `must be ${expected}${bounds ? ` (allowed ${bounds})` : ""}, received ${received(value)}`;
            break;
        }
        case "too_small":
            problem = bound("at least", issue.minimum, issue.origin, bounds, value);
            break;
        case "too_big":
            problem = bound("at most", issue.maximum, issue.origin, bounds, value);
            break;
        case "invalid_value":
            problem = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, received ${received(value)}`;
            break;
        case "not_multiple_of":
            problem = `must be a multiple of ${issue.divisor}, received ${received(value)}`;
            break;
        default:
            problem = value === undefined || (value !== null && typeof value === "object") ? issue.message : `${issue.message}, received ${received(value)}`;
    }
    return [{ key, problem, fix: setCommand(stack, key, example(schema, issue)) }];
}

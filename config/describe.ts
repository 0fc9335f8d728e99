/**
 * Zod issues as `ConfigIssue`s a user can act on: the key path, what is wrong with the allowed range and the value
 * received, and the `pulumi config set` that fixes it. A value under a key written with `--secret` is never quoted:
 * it prints as `[secret]`; nor is a plain value that looks like a credential.
 */
import { z } from "zod";
import { CREDENTIAL_MASK, looksLikeCredential } from "./credentials";
import { ConfigIssue, MASKED, removeCommand, setCommand } from "./errors";
import { stackConfigSchema, ValueFreeParams } from "./schema";

type Path = readonly PropertyKey[];

/** `app.regions[0]` from `["app", "regions", 0]`. */
export function formatPath(path: Path): string {
    return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}

/** The value at `path` of `root`, or undefined. */
export function valueAt(root: unknown, path: Path): unknown {
    return path.reduce<unknown>((node, part) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[part] : undefined), root);
}

/**
 * A value as the message quotes it; numbers JSON cannot write (overflowed, NaN) by name rather than as `null`, and
 * a value that looks like a credential (even in a plain key) not at all.
 */
function received(value: unknown): string {
    if (value === undefined) return "nothing";
    if (typeof value === "string" && looksLikeCredential(value)) return CREDENTIAL_MASK;
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
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

/** The top-level keys of the schema (`app`, `database`, ...). */
export const TOP_LEVEL_KEYS: readonly string[] = Object.keys(stackConfigSchema.shape);

interface Limit {
    readonly value: number;
    readonly inclusive: boolean;
}

/** A number schema's bounds, read from its checks so exclusive ones (`.positive()`) stay exclusive. */
function limits(schema: z.ZodType | undefined): { lo?: Limit; hi?: Limit; integer: boolean } {
    if (!(schema instanceof z.ZodNumber)) return { integer: false };
    let lo: Limit | undefined;
    let hi: Limit | undefined;
    let integer = false;
    for (const check of schema._zod.def.checks ?? []) {
        const def = check._zod.def as { check: string; value?: unknown; inclusive?: boolean; format?: string };
        const shown = typeof def.value === "number" && Math.abs(def.value) < Number.MAX_SAFE_INTEGER;
        if (def.check === "greater_than" && shown) lo = { value: def.value as number, inclusive: def.inclusive !== false };
        if (def.check === "less_than" && shown) hi = { value: def.value as number, inclusive: def.inclusive !== false };
        if (def.check === "number_format" && def.format === "safeint") integer = true;
    }
    return { lo, hi, integer };
}

/** Bounds of a number schema, as `1–20`, `≥ 0`, or `> 0 and ≤ 6`. */
function range(schema: z.ZodType | undefined): string | undefined {
    const { lo, hi } = limits(schema);
    if (lo?.inclusive && hi?.inclusive) return `${lo.value}–${hi.value}`;
    const parts = [lo ? `${lo.inclusive ? "≥" : ">"} ${lo.value}` : "", hi ? `${hi.inclusive ? "≤" : "<"} ${hi.value}` : ""].filter(Boolean);
    return parts.length ? parts.join(" and ") : undefined;
}

/** The closest of `candidates` to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
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
    const { integer } = limits(schema);
    if ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number") {
        const n = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
        if (issue.inclusive !== false) return String(n);
        if (integer) return String(issue.code === "too_small" ? n + 1 : n - 1);
        return `<${range(schema)}>`;
    }
    if (issue.code === "invalid_value") return String(issue.values[0]);
    if (schema instanceof z.ZodBoolean) return "<true|false>";
    if (schema instanceof z.ZodNumber) return `<${range(schema) ?? "number"}>`;
    if (schema instanceof z.ZodEnum) return String(schema.options[0]);
    return "<value>";
}

/** A size or range problem (`must list at least 1 item(s)`, `must be greater than 0 (allowed > 0)`), with the value. */
function bound(side: "lower" | "upper", n: number | bigint, inclusive: boolean, origin: string, bounds: string | undefined, shown: string): string {
    const limit = side === "lower" ? (inclusive ? "at least" : "greater than") : inclusive ? "at most" : "less than";
    if (origin === "array") return `must list ${limit} ${n} item(s), received ${shown}`;
    if (origin === "string") return `must be ${limit} ${n} characters, received ${shown}`;
    return `must be ${limit} ${n}${bounds ? ` (allowed ${bounds})` : ""}, received ${shown}`;
}

/** How zod's type names read in a message. */
const TYPE_NAMES: Record<string, string> = { int: "a whole number", array: "a list", object: "a map of settings", number: "a number", boolean: "a boolean", string: "a string" };

/** A wrong type; a number JSON could not carry (overflowed, NaN) is named as such, never as `null`. */
function wrongType(issue: z.core.$ZodIssue & { code: "invalid_type" }, value: unknown, bounds: string | undefined, shown: string): string {
    const expected = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
    if (value === undefined) return `is required (${expected})`;
    const allowed = bounds ? ` (allowed ${bounds})` : "";
    if (typeof value === "number" && Number.isNaN(value)) return `must be ${expected}${allowed}, received ${shown} (not a number)`;
    if (typeof value === "number" && !Number.isFinite(value)) return `must be a finite number${allowed}, received ${shown} (the number written is too large to represent)`;
    return `must be ${expected}${allowed}, received ${shown}`;
}

/**
 * Whether an issue is the safe-integer check zod adds to `.int()`, repeated by the schema's own bound for the same
 * key: the schema's bound is the one a user acts on.
 */
export function isRedundantSafeIntIssue(issue: z.core.$ZodIssue, all: readonly z.core.$ZodIssue[]): boolean {
    if ((issue.code !== "too_big" && issue.code !== "too_small") || issue.origin !== "int") return false;
    const key = formatPath(issue.path);
    return all.some((other) => other !== issue && formatPath(other.path) === key && (other.code === "too_big" || other.code === "too_small") && other.origin === "number");
}

/**
 * One zod issue as `ConfigIssue`s. `secret` says the issue's top-level key was written with `--secret`: values are
 * then masked, including those a cross-key rule quotes in its message.
 */
export function describeIssue(stack: string, issue: z.core.$ZodIssue, settings: unknown, secret: boolean): ConfigIssue[] {
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
    const shown = secret && value !== undefined ? MASKED : received(value);
    const schema = schemaAt(path);
    const bounds = range(schema);
    let problem: string;
    switch (issue.code) {
        case "invalid_type":
            problem = wrongType(issue, value, bounds, shown);
            break;
        case "too_small":
        case "too_big": {
            const side = issue.code === "too_small" ? "lower" : "upper";
            const n = issue.code === "too_small" ? issue.minimum : issue.maximum;
            problem =
                issue.origin === "int"
                    ? `must be a whole number small enough to be exact (at most ${Number.MAX_SAFE_INTEGER} in size), received ${shown}`
                    : bound(side, n, issue.inclusive !== false, issue.origin, bounds, shown);
            break;
        }
        case "invalid_value":
            problem = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, received ${shown}`;
            break;
        case "not_multiple_of":
            problem = `must be a multiple of ${issue.divisor}, received ${shown}`;
            break;
        default: {
            const params = (issue as { params?: Partial<ValueFreeParams> }).params;
            const credential = typeof value === "string" && looksLikeCredential(value);
            const message = (secret || credential) && params?.withoutValues ? params.withoutValues : issue.message;
            problem = value === undefined || (value !== null && typeof value === "object") ? message : `${message}, received ${shown}`;
        }
    }
    // A custom issue may know its fix (IssueFix in schema.ts: `database.backups true`, or removing the key); others
    // get one from the schema.
    const known = issue.code === "custom" ? (issue.params as { fixValue?: string; removeKey?: boolean } | undefined) : undefined;
    const fix = known?.removeKey ? removeCommand(stack, key) : setCommand(stack, key, known?.fixValue ?? example(schema, issue));
    return [{ key, problem, fix }];
}

/**
 * The part of JSON Schema the rules' `configSchema`s use, checked the way the Pulumi CLI checks a policy's config
 * before the pack runs. A schema keyword outside this subset is a programming error (thrown), never ignored, so a
 * setting can never pass unchecked because its schema says something this checker does not understand.
 */

/** One property schema, as rules write them. */
export interface SettingSchema {
    readonly type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
    readonly enum?: readonly unknown[];
    readonly minimum?: number;
    readonly maximum?: number;
    readonly minLength?: number;
    readonly minItems?: number;
    readonly items?: SettingSchema;
    readonly default?: unknown;
    readonly description?: string;
}

const KNOWN = new Set(["type", "enum", "minimum", "maximum", "minLength", "minItems", "items", "default", "description"]);

const describe = (value: unknown): string => (Array.isArray(value) ? "an array" : value === null ? "null" : typeof value === "object" ? "an object" : JSON.stringify(value));

/** Why `value` does not satisfy `schema`, one sentence per problem; empty when it does. `path` names the value. */
export function schemaProblems(value: unknown, schema: SettingSchema, path: string): string[] {
    for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`schema of ${path} uses "${key}", which policies/lib/schema.ts does not check; extend it`);
    const problems: string[] = [];
    const { type } = schema;
    const typeOk =
        type === undefined ||
        (type === "integer" ? Number.isInteger(value) : type === "number" ? typeof value === "number" && Number.isFinite(value) : type === "array" ? Array.isArray(value) : type === "object" ? typeof value === "object" && value !== null && !Array.isArray(value) : typeof value === type);
    if (!typeOk) return [`"${path}" must be ${type === "integer" ? "a whole number" : type === "array" || type === "object" ? `an ${type}` : `a ${type}`}, got ${describe(value)}`];
    if (schema.enum && !schema.enum.some((allowed) => allowed === value)) problems.push(`"${path}" must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(value)}`);
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) problems.push(`"${path}" must be at least ${schema.minimum}, got ${value}`);
        if (schema.maximum !== undefined && value > schema.maximum) problems.push(`"${path}" must be at most ${schema.maximum}, got ${value}`);
    }
    if (typeof value === "string" && schema.minLength !== undefined && value.length < schema.minLength) problems.push(`"${path}" must have at least ${schema.minLength} character(s)`);
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`"${path}" must list at least ${schema.minItems} item(s), got ${value.length}`);
        if (schema.items) value.forEach((item, i) => problems.push(...schemaProblems(item, schema.items!, `${path}[${i}]`)));
    }
    return problems;
}

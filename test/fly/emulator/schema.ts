/**
 * Request-body validation against Fly's OpenAPI spec. Loads the spec once, resolves `$ref` and `allOf`, and checks
 * types, enums, required fields, and unknown fields: a field the schema does not list is an error, so a typo in a
 * provider (`internalPort` for `internal_port`) fails here instead of being silently dropped by the real API.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The JSON-schema subset the spec uses. */
export interface Schema {
    $ref?: string;
    type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
    properties?: Record<string, Schema>;
    additionalProperties?: Schema | boolean;
    items?: Schema;
    allOf?: Schema[];
    enum?: unknown[];
    required?: string[];
    nullable?: boolean;
    minimum?: number;
    maximum?: number;
}

interface OpenApiSpec {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
    components: { schemas: Record<string, Schema> };
}

/** Default location of the spec in this workspace. */
export const DEFAULT_SPEC_PATH = join(__dirname, "..", "..", "..", "contracts", "fly", "machines-openapi.json");

const cache = new Map<string, OpenApiSpec>();

export class SpecValidator {
    private readonly spec: OpenApiSpec;

    constructor(specPath: string = DEFAULT_SPEC_PATH) {
        let spec = cache.get(specPath);
        if (!spec) {
            spec = JSON.parse(readFileSync(specPath, "utf8")) as OpenApiSpec;
            cache.set(specPath, spec);
        }
        this.spec = spec;
    }

    /** The request-body schema of `method` on the spec path template (e.g. `/apps/{app_name}/machines`), if any. */
    requestSchema(method: string, template: string): Schema | undefined {
        return this.spec.paths[template]?.[method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
    }

    /** A named component schema (e.g. `fly.MachineConfig`). */
    component(name: string): Schema {
        const schema = this.spec.components.schemas[name];
        if (!schema) throw new Error(`emulator: the spec has no schema named ${name}`);
        return schema;
    }

    /** Validates `value`; returns one message per problem, each naming the JSON path (empty when valid). */
    validate(schema: Schema, value: unknown, path = "body"): string[] {
        const errors: string[] = [];
        this.check(schema, value, path, errors, 0);
        return errors;
    }

    private resolve(schema: Schema): Schema {
        let current = schema;
        for (let hops = 0; current.$ref; hops++) {
            if (hops > 20) throw new Error(`emulator: $ref cycle at ${schema.$ref}`);
            const name = current.$ref.replace(/^#\/components\/schemas\//, "");
            const { $ref: _ref, ...rest } = current;
            current = { ...this.component(name), ...rest };
        }
        if (!current.allOf) return current;
        // allOf merges: the property sets and required lists of every part apply together.
        const merged: Schema = { ...current, allOf: undefined, properties: { ...current.properties }, required: [...(current.required ?? [])] };
        for (const part of current.allOf.map((p) => this.resolve(p))) {
            merged.type ??= part.type;
            Object.assign(merged.properties!, part.properties);
            merged.required!.push(...(part.required ?? []));
            if (part.additionalProperties !== undefined) merged.additionalProperties = part.additionalProperties;
            if (part.items) merged.items = part.items;
            if (part.enum) merged.enum = part.enum;
        }
        if (Object.keys(merged.properties!).length === 0) delete merged.properties;
        return merged;
    }

    private check(raw: Schema, value: unknown, path: string, errors: string[], depth: number): void {
        if (depth > 40) return;
        const schema = this.resolve(raw);
        if (value === null) {
            if (!schema.nullable) errors.push(`${path}: null is not allowed`);
            return;
        }
        if (schema.enum && !schema.enum.includes(value)) {
            errors.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
            return;
        }
        const type = schema.type ?? (schema.properties || schema.additionalProperties ? "object" : undefined);
        switch (type) {
            case "string":
                if (typeof value !== "string") errors.push(`${path}: expected a string, got ${describe(value)}`);
                return;
            case "boolean":
                if (typeof value !== "boolean") errors.push(`${path}: expected a boolean, got ${describe(value)}`);
                return;
            case "integer":
            case "number":
                if (typeof value !== "number" || (type === "integer" && !Number.isInteger(value))) {
                    errors.push(`${path}: expected ${type === "integer" ? "an integer" : "a number"}, got ${describe(value)}`);
                } else if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
                    errors.push(`${path}: ${value} is outside ${schema.minimum ?? "-inf"}..${schema.maximum ?? "inf"}`);
                }
                return;
            case "array":
                if (!Array.isArray(value)) {
                    errors.push(`${path}: expected an array, got ${describe(value)}`);
                    return;
                }
                if (schema.items) value.forEach((item, i) => this.check(schema.items!, item, `${path}[${i}]`, errors, depth + 1));
                return;
            case "object": {
                if (typeof value !== "object" || Array.isArray(value)) {
                    errors.push(`${path}: expected an object, got ${describe(value)}`);
                    return;
                }
                const record = value as Record<string, unknown>;
                for (const key of schema.required ?? []) {
                    if (record[key] === undefined) errors.push(`${path}.${key}: is required`);
                }
                for (const [key, child] of Object.entries(record)) {
                    const known = schema.properties?.[key];
                    if (known) this.check(known, child, `${path}.${key}`, errors, depth + 1);
                    else if (typeof schema.additionalProperties === "object") this.check(schema.additionalProperties, child, `${path}.${key}`, errors, depth + 1);
                    else if (schema.additionalProperties !== true && schema.properties) errors.push(`${path}.${key}: unknown field`);
                }
                return;
            }
            default:
                // A schema with no type (e.g. `details: {type: object}` without properties, or free-form) accepts anything.
                return;
        }
    }
}

function describe(value: unknown): string {
    if (Array.isArray(value)) return "an array";
    if (value === null) return "null";
    return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

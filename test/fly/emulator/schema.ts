/**
 * Fly's contracts as the emulator enforces them: the repository's copies of the Machines API spec (OpenAPI 3.0.1,
 * served under `/v1`) and the Managed Postgres spec (OpenAPI 3.1, paths already under `/v1`). A request must name an
 * operation of one of them (method and path), send only the query parameters that operation declares, typed as
 * declared, and a body that validates against its request schema: a field the schema does not list is an error, so
 * a typo in a provider (`internalPort` for `internal_port`) fails here instead of being silently dropped by Fly.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";

type SchemaType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";

/** The JSON-schema subset the two specs use (3.0's `nullable`, 3.1's type arrays and `null`). */
export interface Schema {
    $ref?: string;
    type?: SchemaType | SchemaType[];
    properties?: Record<string, Schema>;
    additionalProperties?: Schema | boolean;
    items?: Schema;
    allOf?: Schema[];
    anyOf?: Schema[];
    oneOf?: Schema[];
    enum?: unknown[];
    const?: unknown;
    required?: string[];
    nullable?: boolean;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number | boolean;
    exclusiveMaximum?: number | boolean;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    minItems?: number;
    maxItems?: number;
    description?: string;
}

interface Parameter {
    $ref?: string;
    name: string;
    in: "query" | "path" | "header" | "cookie";
    required?: boolean;
    description?: string;
    schema?: Schema;
}

interface Operation {
    operationId?: string;
    parameters?: Parameter[];
    requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

type PathItem = Record<string, Operation> & { parameters?: Parameter[] };

interface OpenApiDocument {
    openapi: string;
    servers?: { url: string }[];
    paths: Record<string, PathItem>;
    components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> };
}

const REPO_ROOT = join(__dirname, "..", "..", "..");

/** The repository's copies of Fly's specs, in the order they are searched. */
export const DEFAULT_SPEC_PATHS = [join(REPO_ROOT, "contracts", "fly", "machines-openapi.json"), join(REPO_ROOT, "contracts", "fly", "managed-postgres-openapi.json")];

/** Backwards-compatible name: the Machines API spec. */
export const DEFAULT_SPEC_PATH = DEFAULT_SPEC_PATHS[0];

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** One operation of a spec, as a request is matched against it. */
export interface SpecOperation {
    /** `GET`, `POST`, ... */
    method: string;
    /** The path template as requested, with the server's base path, e.g. `/v1/apps/{app_name}/machines`. */
    template: string;
    /** The template as the spec writes it (without the server's base path). */
    specTemplate: string;
    operationId?: string;
    /** The spec file, relative to the repository. */
    spec: string;
    /** Declared query parameters by name. */
    query: Map<string, Parameter>;
    body?: { required: boolean; schema?: Schema };
    document: SpecDocument;
}

/** What {@link SpecValidator.match} finds for a method and a path. */
export type SpecMatch = { operation: SpecOperation } | { operation?: undefined; problem: string; /** The path exists, for other methods. */ pathExists: boolean };

interface CompiledTemplate {
    template: string;
    regex: RegExp;
    /** Literal segments count: `/apps/{a}/certificates/acme` wins over `/apps/{a}/certificates/{hostname}`. */
    literals: number;
    operations: Map<string, SpecOperation>;
}

/** One spec file: its operations, and validation of values against its schemas (its own `$ref`s). */
class SpecDocument {
    readonly templates: CompiledTemplate[] = [];

    constructor(
        readonly file: string,
        private readonly doc: OpenApiDocument,
    ) {
        const base = new URL(doc.servers?.[0]?.url ?? "/", "http://base").pathname.replace(/\/$/, "");
        for (const [specTemplate, item] of Object.entries(doc.paths)) {
            const template = `${base}${specTemplate}`;
            const compiled: CompiledTemplate = {
                template,
                regex: new RegExp(`^${template.split("/").map((part) => (/^\{.+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}/?$`),
                literals: template.split("/").filter((part) => part && !part.startsWith("{")).length,
                operations: new Map(),
            };
            for (const method of METHODS) {
                const operation = item[method] as Operation | undefined;
                if (!operation) continue;
                const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => this.parameter(p));
                const content = operation.requestBody?.content;
                compiled.operations.set(method.toUpperCase(), {
                    method: method.toUpperCase(),
                    template,
                    specTemplate,
                    operationId: operation.operationId,
                    spec: file,
                    query: new Map(parameters.filter((p) => p.in === "query").map((p) => [p.name, p])),
                    body: operation.requestBody ? { required: operation.requestBody.required === true, schema: content?.["application/json"]?.schema } : undefined,
                    document: this,
                });
            }
            this.templates.push(compiled);
        }
    }

    component(name: string): Schema | undefined {
        return this.doc.components?.schemas?.[name];
    }

    private parameter(p: Parameter): Parameter {
        if (!p.$ref) return p;
        const found = this.doc.components?.parameters?.[p.$ref.replace(/^#\/components\/parameters\//, "")];
        if (!found) throw new Error(`emulator: ${this.file} has no parameter ${p.$ref}`);
        return found;
    }

    validate(schema: Schema, value: unknown, path: string): string[] {
        const errors: string[] = [];
        this.check(schema, value, path, errors, 0);
        return errors;
    }

    private resolve(schema: Schema): Schema {
        let current = schema;
        for (let hops = 0; current.$ref; hops++) {
            if (hops > 20) throw new Error(`emulator: $ref cycle at ${schema.$ref} in ${this.file}`);
            const name = current.$ref.replace(/^#\/components\/schemas\//, "");
            const target = this.component(name);
            if (!target) throw new Error(`emulator: ${this.file} has no schema named ${name}`);
            const { $ref: _ref, ...rest } = current;
            current = { ...target, ...rest };
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
            if (part.nullable) merged.nullable = true;
        }
        if (Object.keys(merged.properties!).length === 0) delete merged.properties;
        return merged;
    }

    private check(raw: Schema, value: unknown, path: string, errors: string[], depth: number): void {
        if (depth > 40) return;
        const schema = this.resolve(raw);
        const alternatives = schema.oneOf ?? schema.anyOf;
        if (alternatives) {
            const results = alternatives.map((alt) => this.validate(alt, value, path));
            const passing = results.filter((r) => r.length === 0).length;
            if (schema.oneOf && passing > 1) errors.push(`${path}: matches more than one of the schemas oneOf allows`);
            if (passing === 0) errors.push(`${path}: matches none of the allowed schemas (${results.map((r) => r[0]).join(" | ")})`);
            if (passing === 0 || !schema.type) return;
        }
        const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
        if (value === null) {
            if (!schema.nullable && !types.includes("null") && !(schema.enum?.includes(null) ?? false)) errors.push(`${path}: null is not allowed`);
            return;
        }
        if (schema.const !== undefined && value !== schema.const) {
            errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
            return;
        }
        if (schema.enum && !schema.enum.includes(value)) {
            errors.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
            return;
        }
        const concrete = types.filter((t) => t !== "null");
        if (concrete.length === 0 && (schema.properties || schema.additionalProperties)) concrete.push("object");
        if (concrete.length === 0) return; // No type: free-form (e.g. `details: {}`) accepts anything.
        const type = concrete.find((t) => matchesType(t, value));
        if (!type) {
            errors.push(`${path}: expected ${concrete.map(article).join(" or ")}, got ${describe(value)}`);
            return;
        }
        if (type === "string") this.checkString(schema, value as string, path, errors);
        else if (type === "integer" || type === "number") this.checkNumber(schema, value as number, path, errors);
        else if (type === "array") this.checkArray(schema, value as unknown[], path, errors, depth);
        else if (type === "object") this.checkObject(schema, value as Record<string, unknown>, path, errors, depth);
    }

    private checkString(schema: Schema, value: string, path: string, errors: string[]): void {
        if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: must be at least ${schema.minLength} characters, got ${value.length}`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: must be at most ${schema.maxLength} characters, got ${value.length}`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }

    private checkNumber(schema: Schema, value: number, path: string, errors: string[]): void {
        // 3.0 writes exclusive bounds as booleans beside minimum/maximum; 3.1 writes them as the bound itself.
        const low = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : schema.minimum;
        const high = typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : schema.maximum;
        const lowOpen = typeof schema.exclusiveMinimum === "number" || schema.exclusiveMinimum === true;
        const highOpen = typeof schema.exclusiveMaximum === "number" || schema.exclusiveMaximum === true;
        const tooLow = low !== undefined && (lowOpen ? value <= low : value < low);
        const tooHigh = high !== undefined && (highOpen ? value >= high : value > high);
        if (tooLow || tooHigh) errors.push(`${path}: ${value} is outside ${lowOpen ? "(" : "["}${low ?? "-inf"}, ${high ?? "inf"}${highOpen ? ")" : "]"}`);
    }

    private checkArray(schema: Schema, value: unknown[], path: string, errors: string[], depth: number): void {
        if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: needs at least ${schema.minItems} items, got ${value.length}`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: takes at most ${schema.maxItems} items, got ${value.length}`);
        if (schema.items) value.forEach((item, i) => this.check(schema.items!, item, `${path}[${i}]`, errors, depth + 1));
    }

    private checkObject(schema: Schema, record: Record<string, unknown>, path: string, errors: string[], depth: number): void {
        for (const key of schema.required ?? []) {
            if (record[key] === undefined) errors.push(`${path}.${key}: is required`);
        }
        for (const [key, child] of Object.entries(record)) {
            const known = schema.properties?.[key];
            if (known) this.check(known, child, `${path}.${key}`, errors, depth + 1);
            else if (typeof schema.additionalProperties === "object") this.check(schema.additionalProperties, child, `${path}.${key}`, errors, depth + 1);
            else if (schema.additionalProperties !== true && schema.properties) errors.push(`${path}.${key}: unknown field`);
        }
    }
}

function matchesType(type: SchemaType, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "boolean":
            return typeof value === "boolean";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        case "array":
            return Array.isArray(value);
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        case "null":
            return value === null;
    }
}

const article = (type: SchemaType): string => (type === "integer" || type === "array" || type === "object" ? `an ${type}` : `a ${type}`);

// Go's strconv.ParseBool, which Fly's handlers use for boolean query parameters.
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** A query string value as the parameter's type reads it, or a message saying why it cannot be read so. */
function coerce(schema: Schema, raw: string): { value: unknown } | { problem: string } {
    const types = schema.type === undefined ? ["string"] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.includes("string")) return { value: raw };
    if (types.includes("integer")) return /^-?\d+$/.test(raw) ? { value: Number(raw) } : { problem: `${JSON.stringify(raw)} is not an integer` };
    if (types.includes("number")) return raw.trim() !== "" && Number.isFinite(Number(raw)) ? { value: Number(raw) } : { problem: `${JSON.stringify(raw)} is not a number` };
    if (types.includes("boolean")) {
        if (TRUE.has(raw)) return { value: true };
        if (FALSE.has(raw)) return { value: false };
        return { problem: `${JSON.stringify(raw)} is not a boolean (true or false)` };
    }
    return { value: raw };
}

const cache = new Map<string, SpecDocument>();

function load(file: string): SpecDocument {
    let doc = cache.get(file);
    if (!doc) {
        doc = new SpecDocument(relative(REPO_ROOT, file), JSON.parse(readFileSync(file, "utf8")) as OpenApiDocument);
        cache.set(file, doc);
    }
    return doc;
}

export class SpecValidator {
    private readonly documents: SpecDocument[];
    private readonly templates: CompiledTemplate[];

    /** `specPaths`: the spec files to enforce; a single path is the Machines API spec alone. */
    constructor(specPaths: string | readonly string[] = DEFAULT_SPEC_PATHS) {
        this.documents = (typeof specPaths === "string" ? [specPaths] : specPaths).map(load);
        this.templates = this.documents.flatMap((d) => d.templates).sort((a, b) => b.literals - a.literals);
    }

    /** The spec operation for `method` on a requested path (e.g. `/v1/apps/a/machines`), or why there is none. */
    match(method: string, path: string): SpecMatch {
        const candidates = this.templates.filter((t) => t.regex.test(path));
        const upper = method.toUpperCase();
        const operation = candidates.map((t) => t.operations.get(upper)).find((op) => op !== undefined);
        if (operation) return { operation };
        if (candidates.length > 0) {
            const allowed = [...new Set(candidates.flatMap((t) => [...t.operations.keys()]))].join(", ");
            return { problem: `${upper} ${path} is not an operation of Fly's API (${candidates[0].template} allows ${allowed})`, pathExists: true };
        }
        return { problem: `${upper} ${path} is not an operation of Fly's API: no path of ${this.documents.map((d) => d.file).join(" or ")} matches it`, pathExists: false };
    }

    /** Problems with the query string of a request for `operation` (empty when valid). */
    checkQuery(operation: SpecOperation, query: URLSearchParams): string[] {
        const problems: string[] = [];
        for (const name of new Set(query.keys())) {
            const parameter = operation.query.get(name);
            if (!parameter) {
                const allowed = [...operation.query.keys()];
                problems.push(`unknown query parameter ${JSON.stringify(name)} (${operation.method} ${operation.template} takes ${allowed.length > 0 ? allowed.join(", ") : "none"})`);
                continue;
            }
            // The spec types a few parameters as one value but describes them as "repeated or comma-separated"
            // (`state` of wait): each item is checked.
            const listed = /comma-separated/i.test(parameter.description ?? "");
            const values = query.getAll(name).flatMap((v) => (listed ? v.split(",") : [v]));
            for (const raw of values) {
                const read = coerce(parameter.schema ?? {}, raw);
                if ("problem" in read) problems.push(`query parameter ${name}: ${read.problem}`);
                else problems.push(...operation.document.validate(parameter.schema ?? {}, read.value, `query parameter ${name}`));
            }
        }
        for (const parameter of operation.query.values()) {
            if (parameter.required && !query.has(parameter.name)) problems.push(`query parameter ${parameter.name} is required`);
        }
        return problems;
    }

    /** Problems with the body (parsed JSON, `undefined` when none was sent) of a request for `operation`. */
    checkBody(operation: SpecOperation, body: unknown): string[] {
        if (!operation.body) return body === undefined ? [] : [`${operation.method} ${operation.template} takes no request body`];
        if (body === undefined) return operation.body.required ? ["request body is required"] : [];
        return operation.body.schema ? operation.document.validate(operation.body.schema, body, "body") : [];
    }

    /** The request-body schema of `method` on a spec's own path template (e.g. `/apps/{app_name}/machines`), if any. */
    requestSchema(method: string, specTemplate: string): Schema | undefined {
        for (const doc of this.documents) {
            const found = doc.templates.flatMap((t) => [...t.operations.values()]).find((op) => op.specTemplate === specTemplate && op.method === method.toUpperCase());
            if (found) return found.body?.schema;
        }
        return undefined;
    }

    /** A named component schema (e.g. `fly.MachineConfig`), from the first spec that has it. */
    component(name: string): Schema {
        for (const doc of this.documents) {
            const schema = doc.component(name);
            if (schema) return schema;
        }
        throw new Error(`emulator: no spec has a schema named ${name}`);
    }

    /** Validates `value` against the named component schema, within the spec that defines it (its `$ref`s). */
    validateComponent(name: string, value: unknown, path = "value"): string[] {
        const doc = this.documents.find((d) => d.component(name));
        if (!doc) throw new Error(`emulator: no spec has a schema named ${name}`);
        return doc.validate(doc.component(name)!, value, path);
    }

    /** Validates `value` against a schema of the first spec; one message per problem, each naming the JSON path. */
    validate(schema: Schema, value: unknown, path = "body"): string[] {
        return this.documents[0].validate(schema, value, path);
    }
}

function describe(value: unknown): string {
    if (Array.isArray(value)) return "an array";
    if (value === null) return "null";
    return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

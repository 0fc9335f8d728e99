/**
 * The published Pulumi package schemas of the plugin-backed providers this program pins (subsets kept in
 * contracts/pulumi-schemas/), and the input check a real provider's `check` would start with: every input is one
 * the schema declares, of its type (enums included), every required input is given, and every input the schema
 * marks secret arrives as a secret. Values unknown at preview pass: the provider would check them once known.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isSecret, UNKNOWN, type Wire } from "../rpc";
import type { CheckFailure } from "./types";

/** One property in the package-schema format. */
export interface PropertySpec {
    type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    $ref?: string;
    secret?: boolean;
    enum?: { value: unknown }[];
    oneOf?: PropertySpec[];
    properties?: Record<string, PropertySpec>;
    required?: string[];
}

export interface ResourceSpec {
    inputProperties?: Record<string, PropertySpec>;
    requiredInputs?: string[];
    properties?: Record<string, PropertySpec>;
    required?: string[];
}

/** A package's schema with the version it was published as. */
export interface PackageSchema {
    readonly name: string;
    /** The version of the file (named `<package>-<version>.json`). */
    readonly version: string;
    readonly file: string;
    readonly provider: ResourceSpec;
    readonly resources: Record<string, ResourceSpec>;
    readonly types: Record<string, PropertySpec & { enum?: { value: unknown }[] }>;
}

/** Loads every schema in `dir`, keyed by package name. */
export function loadSchemas(dir: string): Map<string, PackageSchema> {
    const schemas = new Map<string, PackageSchema>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const match = /^(.+)-(\d+\.\d+\.\d+)\.json$/.exec(file);
        if (!match) continue;
        const json = JSON.parse(readFileSync(join(dir, file), "utf8"));
        schemas.set(json.name ?? match[1], {
            name: json.name ?? match[1],
            version: match[2],
            file: `contracts/pulumi-schemas/${file}`,
            provider: json.provider ?? {},
            resources: json.resources ?? {},
            types: json.types ?? {},
        });
    }
    return schemas;
}

/** Inputs the SDK adds to every provider resource, which no schema lists. */
const PROVIDER_SDK_INPUTS = new Set(["version", "pluginDownloadURL"]);

function resolve(schema: PackageSchema, spec: PropertySpec): PropertySpec | undefined {
    if (!spec.$ref) return spec;
    if (spec.$ref.startsWith("pulumi.json#/")) return undefined; // Any, Asset, Archive, Json: anything goes.
    const token = decodeURIComponent(spec.$ref.replace(/^#\/types\//, ""));
    return schema.types[token];
}

function checkValue(schema: PackageSchema, spec: PropertySpec, value: Wire, path: string, failures: CheckFailure[]): void {
    if (value === UNKNOWN || value === null || value === undefined) return;
    if (isSecret(value)) return checkValue(schema, spec, value.value, path, failures);
    const resolved = resolve(schema, spec);
    if (!resolved) return;
    const fail = (reason: string): void => void failures.push({ property: path, reason });
    if (resolved.enum && !resolved.enum.some((e) => e.value === value)) {
        return fail(`must be one of ${resolved.enum.map((e) => JSON.stringify(e.value)).join(", ")}, not ${JSON.stringify(value)}`);
    }
    switch (resolved.type) {
        case "string":
            if (typeof value !== "string") fail(`must be a string, not ${typeof value}`);
            return;
        case "integer":
            if (!Number.isInteger(value)) fail(`must be an integer, not ${JSON.stringify(value)}`);
            return;
        case "number":
            if (typeof value !== "number") fail(`must be a number, not ${typeof value}`);
            return;
        case "boolean":
            if (typeof value !== "boolean") fail(`must be a boolean, not ${typeof value}`);
            return;
        case "array":
            if (!Array.isArray(value)) return fail("must be a list");
            value.forEach((item, i) => resolved.items && checkValue(schema, resolved.items, item, `${path}[${i}]`, failures));
            return;
        case "object":
        case undefined: {
            if (typeof value !== "object" || Array.isArray(value)) return fail("must be an object");
            if (resolved.properties) return checkObject(schema, resolved, value, `${path}.`, failures);
            const itemSpec = resolved.additionalProperties;
            if (itemSpec) for (const [k, v] of Object.entries(value)) checkValue(schema, itemSpec, v, `${path}.${k}`, failures);
            return;
        }
    }
}

function checkObject(schema: PackageSchema, spec: PropertySpec, value: Record<string, Wire>, prefix: string, failures: CheckFailure[]): void {
    for (const [key, item] of Object.entries(value)) {
        const property = spec.properties?.[key];
        if (!property) failures.push({ property: `${prefix}${key}`, reason: `is not a property of this type in ${schema.name} ${schema.version}` });
        else checkValue(schema, property, item, `${prefix}${key}`, failures);
    }
    for (const key of spec.required ?? []) {
        if (value[key] === undefined || value[key] === null) failures.push({ property: `${prefix}${key}`, reason: "is required" });
    }
}

/** Checks a resource's (or, with `token` `pulumi:providers:<pkg>`, a provider's) inputs against its schema. */
export function checkInputs(schema: PackageSchema, token: string, inputs: Record<string, Wire>): CheckFailure[] {
    const isProvider = token === `pulumi:providers:${schema.name}`;
    const spec = isProvider ? schema.provider : schema.resources[token];
    if (!spec) return [{ property: "", reason: `${token} is not a resource of ${schema.name} ${schema.version} (${schema.file}); the offline engine knows only the resources kept there` }];
    const failures: CheckFailure[] = [];
    const properties = spec.inputProperties ?? {};
    for (const [key, value] of Object.entries(inputs)) {
        if (value === undefined || value === null || (isProvider && PROVIDER_SDK_INPUTS.has(key))) continue;
        const property = properties[key];
        if (!property) {
            failures.push({ property: key, reason: `is not an input of ${token} in ${schema.name} ${schema.version}` });
            continue;
        }
        checkValue(schema, property, value, key, failures);
        if (property.secret && value !== UNKNOWN && !isSecret(value)) {
            failures.push({ property: key, reason: `is a secret input of ${token} (the schema marks it secret) but was sent in plaintext: wrap it in pulumi.secret()` });
        }
    }
    for (const key of spec.requiredInputs ?? []) {
        if (inputs[key] === undefined || inputs[key] === null) failures.push({ property: key, reason: `is a required input of ${token}` });
    }
    return failures;
}

/**
 * The Managed Postgres contract as the emulator uses it: the project's copy of Fly's `/v1/postgres` OpenAPI spec
 * (contracts/fly/managed-postgres-openapi.json), the request schemas the routes validate bodies with, and a lookup
 * from a request (method and concrete path) to the spec operation it calls.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Schema } from "./schema";

interface MpgSpec {
    paths: Record<string, Record<string, { operationId?: string }>>;
    components: { schemas: Record<string, Schema> };
}

/** Where the project keeps Fly's Managed Postgres spec. */
export const MPG_SPEC_PATH = join(__dirname, "..", "..", "..", "contracts", "fly", "managed-postgres-openapi.json");

const spec = JSON.parse(readFileSync(MPG_SPEC_PATH, "utf8")) as MpgSpec;

/** A request schema of the spec by component name (none of them holds a `$ref`, so the machines validator checks them as they are). */
export function mpgSchema(name: string): Schema {
    const schema = spec.components.schemas[name];
    if (!schema) throw new Error(`emulator: the Managed Postgres spec has no schema named ${name}`);
    return schema;
}

const operations = Object.entries(spec.paths).flatMap(([template, methods]) => {
    const source = template
        .split("/")
        .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
    return Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), operationId: op.operationId ?? `${method} ${template}` }));
});

/** The spec's operationId for `METHOD path` (a concrete path such as `/v1/postgres/abc/users`), if the spec has it. */
export function mpgOperation(method: string, path: string): string | undefined {
    return operations.find((op) => op.method === method.toUpperCase() && op.regex.test(path))?.operationId;
}

/** Whether the spec defines `method` on the path template (e.g. `/v1/postgres/{postgres_cluster_id}`). */
export function mpgHasOperation(method: string, template: string): boolean {
    return spec.paths[template]?.[method.toLowerCase()] !== undefined;
}

/** Every operation of the spec as `METHOD template`, for coverage checks. */
export function mpgOperations(): string[] {
    return operations.map((op) => `${op.method} ${op.template}`);
}

/**
 * Reading resource properties the way a mandatory rule must: without ever throwing on a value that is unknown
 * during `pulumi preview`.
 *
 * The policy runtime hands rules a proxy that throws `UnknownValueError` when an unknown value is read, and then
 * reports the policy as "can't run during preview" at advisory level: the rule silently passes. Rules here take a
 * plain snapshot first, in which every unknown is the `UNKNOWN` marker, and decide explicitly what an unknown
 * means (for a mandatory rule: "cannot be proven", a violation).
 */
import { Secret } from "@pulumi/policy";

/** Marks a value the engine cannot know until the update runs. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/** A property value after `snapshot`: plain JSON, with `UNKNOWN` where the engine had no value yet. */
export type Plain = string | number | boolean | null | undefined | Unknown | Plain[] | { [key: string]: Plain };
export type PlainObject = { [key: string]: Plain };

/**
 * The sentinels the engine uses for unknown values on the wire (`@pulumi/pulumi` `runtime/rpc` `unknownValue` for
 * all of them in the Node SDK; the policy SDK distinguishes one per type). Kept here because the policy SDK does
 * not export them; `test/policies/known.test.ts` checks they match the installed SDK.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (and the Node SDK's generic unknown)
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Whether a snapshot value is unknown. */
export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

/**
 * A deep plain copy of a property value, read through property descriptors so the runtime's unknown-checking
 * proxy never sees a `get` (which would throw). Unknown sentinels become `UNKNOWN`; `Secret` wrappers are opened.
 */
export function snapshot(value: unknown): Plain {
    if (typeof value === "string") return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return value;
    if (value instanceof Secret) return snapshot(value.value);
    if (typeof value !== "object") return undefined;
    const field = (key: string) => Object.getOwnPropertyDescriptor(value, key)?.value;
    if (Array.isArray(value)) {
        const length = Number(field("length") ?? 0);
        return Array.from({ length }, (_, i) => snapshot(field(String(i))));
    }
    const out: PlainObject = {};
    for (const key of Reflect.ownKeys(value)) {
        if (typeof key === "string") out[key] = snapshot(field(key));
    }
    return out;
}

/** A snapshot's object at `key`, or `undefined` when it is absent or not an object. Unknown stays `UNKNOWN`. */
export function objectAt(node: Plain, key: string): PlainObject | Unknown | undefined {
    const value = isObject(node) ? node[key] : undefined;
    if (isUnknown(value)) return UNKNOWN;
    return isObject(value) ? value : undefined;
}

/** Whether a snapshot value is a plain object (not an array, not unknown). */
export function isObject(value: Plain): value is PlainObject {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A snapshot value as a list: `UNKNOWN` when unknown, `[]` when absent. */
export function listAt(node: Plain, key: string): Plain[] | Unknown {
    const value = isObject(node) ? node[key] : undefined;
    if (isUnknown(value)) return UNKNOWN;
    return Array.isArray(value) ? value : [];
}

/** A known boolean, `UNKNOWN`, or `undefined` when absent or not a boolean. */
export function boolAt(node: Plain, key: string): boolean | Unknown | undefined {
    const value = isObject(node) ? node[key] : undefined;
    return isUnknown(value) || typeof value === "boolean" ? value : undefined;
}

/** A known number (numeric strings included), `UNKNOWN`, or `undefined`. */
export function numberAt(node: Plain, key: string): number | Unknown | undefined {
    const value = isObject(node) ? node[key] : undefined;
    if (isUnknown(value)) return UNKNOWN;
    if (typeof value === "number") return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

/** A known string, `UNKNOWN`, or `undefined`. */
export function stringAt(node: Plain, key: string): string | Unknown | undefined {
    const value = isObject(node) ? node[key] : undefined;
    return isUnknown(value) || typeof value === "string" ? value : undefined;
}

/**
 * What the Fly providers share about their inputs and answers: `check` failures, labels for errors, the engine's
 * unknown-value sentinel, changed keys, `a/b` resource ids, Fly's name rules and Managed Postgres's `data` envelopes.
 */

/** The environment variable every Fly provider reads its API token from (also the registry password of the app's repository). */
export const FLY_TOKEN_ENV = "FLY_API_TOKEN";

/** A failure to report from `check`. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/** The value Pulumi's engine sends for an input not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True unless the engine sent the unknown sentinel (preview). */
export function isKnown(value: unknown): boolean {
    return value !== UNKNOWN;
}

/** A Pulumi-safe label for errors, e.g. `fly:Volume "data" (app api-prod)`. */
export function label(kind: string, name: string, app?: string): string {
    return `fly:${kind} "${name}"${app ? ` (app ${app})` : ""}`;
}

/** Fly's Managed Postgres answers wrap results in `data`; the machines API does not. */
export function unwrap<T>(answer: T | { data: T } | undefined): T | undefined {
    if (answer && typeof answer === "object" && "data" in answer) return (answer as { data: T }).data;
    return answer as T | undefined;
}

/** Keys whose values differ between two objects (by JSON), sorted. */
export function changedKeys<T extends object>(olds: Partial<T>, news: Partial<T>, keys: readonly (keyof T)[]): string[] {
    return keys.filter((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null)).map(String);
}

/** Splits a resource id `a/b` into its parts, with an actionable error naming the expected form. */
export function splitId(kind: string, id: string, form: string): [string, string] {
    const index = id.indexOf("/");
    if (index <= 0 || index === id.length - 1) throw new Error(`fly:${kind}: cannot use id "${id}"; expected "${form}".`);
    return [id.slice(0, index), id.slice(index + 1)];
}

/** Fly app names: lowercase letters, digits and dashes, 3 to 63 characters. */
export const APP_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** Fly volume names: 1 to 30 lowercase letters, digits or underscores. */
export const VOLUME_NAME = /^[a-z0-9_]{1,30}$/;

/** Fly Managed Postgres cluster ids (`fly mpg list`): letters, digits, dashes and underscores. */
export const CLUSTER_ID = /^[A-Za-z0-9_-]+$/;

/** Fly secret names: letters, digits and underscores, not starting with a digit. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reading one entry of a Fly `Secrets` resource. Its inputs carry `values` (secret); its outputs may carry only
 * `keys` (names). A key that is listed but whose value cannot be read counts as unknown, never as absent, so a
 * rule cannot pass just because the provider kept the values out of its outputs.
 */
import { isObject, isUnknown, Plain, UNKNOWN } from "./known";
import { StackNode } from "./rule";

/** The value of `key` in a Secrets resource: the value, `UNKNOWN` when present but unreadable, `undefined` when absent. */
export function secretEntry(secrets: StackNode, key: string): Plain | undefined {
    const values = secrets.props.values;
    if (isUnknown(values)) return UNKNOWN;
    if (isObject(values)) return values[key];
    const keys = secrets.props.keys;
    if (isUnknown(keys)) return UNKNOWN;
    if (Array.isArray(keys)) return keys.some((k) => isUnknown(k) || k === key) ? UNKNOWN : undefined;
    // Neither values nor keys: nothing shows what the app receives.
    return UNKNOWN;
}

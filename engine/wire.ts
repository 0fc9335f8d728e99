/**
 * The property encoding the SDK and the plugins put on the wire: the unknown sentinel and Pulumi's secret envelope.
 * Apart from rpc.ts, so code that reads previews (delivery/, the policy pack through it) needs no gRPC.
 */
/** The value the SDK and plugins send for "not known until the resource exists". */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Key and signature of Pulumi's special objects (secrets, resource references, ...). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A property value as it travels: JSON plus the unknown sentinel and `{[SIG_KEY]: SECRET_SIG, value}` secrets. */
export type Wire = any;

export function isSecret(value: Wire): value is { value: Wire } {
    return value !== null && typeof value === "object" && !Array.isArray(value) && value[SIG_KEY] === SECRET_SIG;
}

export function secret(value: Wire): Wire {
    return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/** Whether `value` holds an unknown anywhere. */
export function containsUnknown(value: Wire): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Whether `value` holds a secret anywhere. */
export function containsSecret(value: Wire): boolean {
    if (isSecret(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
    return false;
}

/** `value` with every secret marker removed (what a provider that does not accept secrets is sent). */
export function stripSecrets(value: Wire): Wire {
    if (isSecret(value)) return stripSecrets(value.value);
    if (Array.isArray(value)) return value.map(stripSecrets);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSecrets(v)]));
    return value;
}

/**
 * Copies secretness from `inputs` to `outputs` as the engine does for a provider that was sent no secrets
 * (`annotateSecrets` in pulumi's provider_plugin.go): where both sides are objects it recurs, so one secret value of
 * a map keeps only that value secret; otherwise an output whose input contains a secret becomes secret whole. Then
 * every top-level key the resource lists in `additionalSecretOutputs` is made secret.
 */
export function annotateSecrets(outputs: Record<string, Wire>, inputs: Record<string, Wire>, additional: readonly string[] = []): Record<string, Wire> {
    const copied = copySecretness(outputs, inputs) as Record<string, Wire>;
    return Object.fromEntries(Object.entries(copied).map(([key, value]) => [key, additional.includes(key) ? secret(value) : value]));
}

const isPlainObject = (value: Wire): boolean => value !== null && typeof value === "object" && !Array.isArray(value) && !isSecret(value) && value !== UNKNOWN;

function copySecretness(outs: Record<string, Wire>, ins: Record<string, Wire>): Record<string, Wire> {
    const result: Record<string, Wire> = { ...outs };
    for (const [key, inValue] of Object.entries(ins)) {
        if (!(key in result)) continue;
        const outValue = result[key];
        if (isPlainObject(outValue) && isPlainObject(inValue)) result[key] = copySecretness(outValue, inValue);
        else if (!isSecret(outValue) && containsSecret(inValue)) result[key] = secret(outValue);
    }
    return result;
}

/** Deep equality of two wire values (secret markers compare by their contents). */
export function sameValue(a: Wire, b: Wire): boolean {
    return JSON.stringify(canonical(stripSecrets(a))) === JSON.stringify(canonical(stripSecrets(b)));
}

function canonical(value: Wire): Wire {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== null).sort().map((k) => [k, canonical(value[k])]));
    }
    return value;
}

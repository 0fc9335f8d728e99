/**
 * The canary detector: distinct known values stand in for every secret, and any place one of them shows up in
 * something meant to be public (printed text, plain inputs, recorded state, stack outputs) is a leak. Small and
 * data-only on purpose, so the same function can be pointed at any printout or state file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { RegisteredResource, ROOT, StackRun } from "../harness/stack";

/** A known value standing in for one secret. */
export interface Canary {
    /** Where the secret comes from (`config JWT_SECRET`, `env GITHUB_TOKEN`, `generated RandomPassword ...`). */
    readonly source: string;
    readonly value: string;
}

/** One canary found where it must not be. */
export interface Leak {
    readonly source: string;
    /** Path inside the searched value (`resources[3].inputs.token`), or `text` for printed output. */
    readonly where: string;
    /** Which form of the value was found: as is, or JSON-escaped, base64 or URL-encoded. */
    readonly form: string;
}

/** A canary value: recognisable in a report, unique to its label, long and random enough for any secret check. */
export function canaryValue(label: string): string {
    return `cnry${createHash("sha256").update(`canary\n${label}`).digest("hex").slice(0, 60)}`;
}

/** The encodings a secret is commonly written in when it leaks. */
function forms(value: string): [form: string, text: string][] {
    const all: [string, string][] = [
        ["plain", value],
        ["json", JSON.stringify(value).slice(1, -1)],
        ["base64", Buffer.from(value).toString("base64")],
        ["base64url", Buffer.from(value).toString("base64url")],
        ["url", encodeURIComponent(value)],
    ];
    return all.filter(([, text], i) => all.findIndex(([, other]) => other === text) === i);
}

/**
 * Every leak of `canaries` in `haystack`: a string (printed output) or any JSON-like value, walked leaf by leaf,
 * object keys included. Canaries shorter than 8 characters are refused: they would match by chance.
 */
export function findLeaks(haystack: unknown, canaries: readonly Canary[], where = "text"): Leak[] {
    for (const canary of canaries) if (canary.value.length < 8) throw new Error(`canary for ${canary.source} is too short to search for`);
    const leaks: Leak[] = [];
    const searchText = (text: string, at: string) => {
        for (const canary of canaries) {
            for (const [form, needle] of forms(canary.value)) if (text.includes(needle)) leaks.push({ source: canary.source, where: at, form });
        }
    };
    const walk = (node: unknown, at: string) => {
        if (typeof node === "string") searchText(node, at);
        else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}[${i}]`));
        else if (node !== null && typeof node === "object") {
            for (const [key, value] of Object.entries(node)) {
                searchText(key, `${at}.${key} (key)`);
                walk(value, `${at}.${key}`);
            }
        }
    };
    walk(haystack, where);
    return leaks;
}

/** A readable list of leaks for an assertion message. */
export function describeLeaks(leaks: readonly Leak[]): string {
    return leaks.map((leak) => `  ${leak.source} (${leak.form}) at ${leak.where}`).join("\n");
}

/** Output properties each provider's schema marks secret (`contracts/pulumi-schemas`), by type token. */
function schemaSecretOutputs(): ReadonlyMap<string, readonly string[]> {
    const dir = join(ROOT, "contracts", "pulumi-schemas");
    const out = new Map<string, string[]>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const schema = JSON.parse(readFileSync(join(dir, file), "utf8")) as { resources?: Record<string, { properties?: Record<string, { secret?: boolean }> }> };
        for (const [type, resource] of Object.entries(schema.resources ?? {})) {
            out.set(type, Object.entries(resource.properties ?? {}).filter(([, p]) => p.secret).map(([name]) => name));
        }
    }
    return out;
}

let secretOutputsByType: ReadonlyMap<string, readonly string[]> | undefined;

/**
 * Paths of a resource's recorded state the engine keeps secret: its secret inputs (an output of a secret input stays
 * secret), its `additionalSecretOutputs`, and the outputs its provider's schema marks secret.
 */
export function stateSecretPaths(resource: RegisteredResource): readonly string[] {
    secretOutputsByType ??= schemaSecretOutputs();
    return [...resource.secretPaths, ...resource.additionalSecretOutputs, ...(secretOutputsByType.get(resource.type) ?? [])];
}

/** `value` without the subtrees at `paths` (paths as the harness writes them: `values.JWT_SECRET`, `envs[2]`). */
export function withoutPaths(value: unknown, paths: readonly string[], at = ""): unknown {
    if (paths.includes(at || "(value)")) return undefined;
    if (Array.isArray(value)) return value.map((item, i) => withoutPaths(item, paths, `${at}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .map(([key, item]) => [key, withoutPaths(item, paths, at ? `${at}.${key}` : key)] as const)
                .filter(([, item]) => item !== undefined),
        );
    }
    return value;
}

/** What a run makes public: plain inputs, recorded state without its secret paths, non-secret stack outputs. */
export function publicView(run: StackRun): Record<string, unknown> {
    return {
        resources: run.resources.map((resource) => ({
            urn: resource.urn,
            inputs: withoutPaths(resource.inputs, resource.secretPaths),
            state: withoutPaths(resource.state, stateSecretPaths(resource)),
        })),
        outputs: Object.fromEntries(Object.entries(run.outputs).filter(([key]) => !run.secretOutputs.includes(key))),
    };
}

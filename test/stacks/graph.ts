/**
 * Reading a stack run's resource graph: children of a component, the app's plain env, and every place a secret
 * value appears outside a secret input.
 */
import type { RegisteredResource, StackRun } from "../harness/stack";
import { TEST_TOKEN } from "../harness/stack";

import { TYPES } from "../harness/types";

export { SECRET_LOOKING, TYPES } from "../harness/types";


/** The resource with this logical name. */
export function named(run: StackRun, name: string): RegisteredResource {
    const found = run.resources.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name} in ${run.stack}, found ${found.length}`);
    return found[0];
}

/** Sorted `type name` lines of the children of a component, for whole-graph assertions. */
export function childrenOf(run: StackRun, component: RegisteredResource): string[] {
    return run.resources
        .filter((r) => r.parent === component.urn)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
}

/** Docker env entries (`KEY=value`) as plain and secret maps. */
export function dockerEnv(container: RegisteredResource): { plain: Map<string, string>; secret: Map<string, string> } {
    const plain = new Map<string, string>();
    const secret = new Map<string, string>();
    (container.inputs.envs as string[]).forEach((entry, i) => {
        const at = entry.indexOf("=");
        (container.secretPaths.includes(`envs[${i}]`) ? secret : plain).set(entry.slice(0, at), entry.slice(at + 1));
    });
    return { plain, secret };
}

/** Every secret value the run produced or was given: generated passwords, DSNs, tokens, secret config values. */
export function knownSecretValues(run: StackRun, configSecrets: readonly string[] = []): string[] {
    const values = new Set<string>([TEST_TOKEN, ...configSecrets]);
    for (const r of run.resources) {
        if (r.type === TYPES.password) values.add(r.state.result);
        if (r.type === TYPES.flyUser) values.add(r.state.password);
        if (r.type === TYPES.sentryKey) values.add(r.state.dsnPublic);
    }
    for (const r of run.resources) {
        if (r.type === TYPES.flySecrets) for (const v of Object.values(r.inputs.values ?? {})) values.add(String(v));
    }
    return [...values].filter((v) => typeof v === "string" && v.length >= 8);
}

/** Places (`resource path`) where a secret value sits in an input that is not marked secret. */
export function secretLeaks(run: StackRun, secrets: readonly string[]): string[] {
    const leaks: string[] = [];
    for (const r of run.resources) {
        const isSecretPath = (path: string) => r.secretPaths.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
        const walk = (node: unknown, path: string) => {
            if (isSecretPath(path)) return;
            if (typeof node === "string") {
                if (secrets.some((s) => node.includes(s))) leaks.push(`${r.name} ${path}`);
            } else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
            else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
        };
        walk(r.inputs, "");
    }
    return leaks;
}

/** `resource path` of every input that holds `value`, secret or not (secret ones marked `(secret)`). */
export function inputsHolding(resources: readonly RegisteredResource[], value: string): string[] {
    const found: string[] = [];
    const walk = (r: RegisteredResource, node: unknown, path: string) => {
        if (typeof node === "string") {
            if (node.includes(value)) found.push(`${r.name} ${path}${r.secretPaths.includes(path) ? " (secret)" : ""}`);
        } else if (Array.isArray(node)) node.forEach((item, i) => walk(r, item, `${path}[${i}]`));
        else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(r, v, path ? `${path}.${k}` : k);
    };
    for (const r of resources) walk(r, r.inputs, "");
    return found;
}

/** Stack outputs that hold a secret value but are not secret outputs. */
export function leakedOutputs(run: StackRun, secrets: readonly string[]): string[] {
    return Object.entries(run.outputs)
        .filter(([key, value]) => !run.secretOutputs.includes(key) && secrets.some((s) => JSON.stringify(value ?? "").includes(s)))
        .map(([key]) => key);
}

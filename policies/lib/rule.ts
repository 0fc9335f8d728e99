/**
 * Small helpers every rule shares: plain snapshots of what the runtime hands a rule, the rule's settings with
 * their defaults, the stack's resources as a graph, and the `pulumi config` commands that fix a violation.
 */
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { CREDENTIAL_MASK, looksLikeCredential } from "../../config/credentials";
import { isObject, Plain, PlainObject, snapshot } from "./known";

/** A snapshot of a resource's properties (never throws on unknowns). */
export function plainProps(props: unknown): PlainObject {
    const value = snapshot(props);
    return isObject(value) ? value : {};
}

/**
 * A rule's settings: its defaults overlaid with what the enforcement file sets. The CLI fills defaults from the
 * rule's `configSchema` too; overlaying here keeps the rule correct when it runs in-process without the CLI.
 */
export function settings<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const given = (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const key of Object.keys(defaults)) if (given[key] !== undefined) out[key] = given[key];
    return out as T;
}

/** One resource of the stack, snapshotted, with the URNs it depends on (explicitly or through its inputs). */
export interface StackNode {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: PlainObject;
    readonly protect: boolean;
    readonly dependsOn: ReadonlySet<string>;
}

/** The stack's resources as plain snapshots. */
export function stackNodes(args: StackValidationArgs): StackNode[] {
    return args.resources.map(node);
}

function node(resource: PolicyResource): StackNode {
    const dependsOn = new Set<string>(resource.dependencies.map((d) => d.urn));
    for (const list of Object.values(resource.propertyDependencies ?? {})) for (const d of list) dependsOn.add(d.urn);
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: plainProps(resource.props),
        protect: resource.opts.protect === true,
        dependsOn,
    };
}

/** Nodes of one or more type tokens. */
export function ofType(nodes: readonly StackNode[], ...types: string[]): StackNode[] {
    return nodes.filter((n) => types.includes(n.type));
}

/** Whether `from` depends on any node that satisfies `test`. */
export function dependsOnAny(from: StackNode, nodes: readonly StackNode[], test: (n: StackNode) => boolean): boolean {
    return nodes.some((n) => from.dependsOn.has(n.urn) && test(n));
}

/** `pulumi config set` for a key of the project's namespace, on the currently selected stack (`-s <stack>` to pick one). */
export function configSet(key: string, value: string, options: { secret?: boolean } = {}): string {
    const nested = key.includes(".") || key.includes("[");
    const quoted = /^[A-Za-z0-9_.:\-/@]+$/.test(key) ? key : `'${key}'`;
    return ["pulumi config set", options.secret ? "--secret" : "", nested ? "--path" : "", quoted, value].filter(Boolean).join(" ");
}

/** `pulumi config rm` for a key of the project's namespace. */
export function configRm(key: string): string {
    const nested = key.includes(".") || key.includes("[");
    return `pulumi config rm ${nested ? "--path " : ""}${/^[A-Za-z0-9_.:\-/@]+$/.test(key) ? key : `'${key}'`}`;
}

/** A short, quoted rendering of a non-secret value for a message; a value that looks like a credential is not shown. */
export function show(value: Plain): string {
    const text = typeof value === "string" ? value : String(JSON.stringify(value));
    if (looksLikeCredential(text)) return CREDENTIAL_MASK;
    return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** The sentence every "cannot be proven" message shares. */
export const UNPROVEN = "is unknown during preview, so this cannot be proven";

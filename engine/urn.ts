/** URNs as the engine forms them: `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. */

export const STACK_TYPE = "pulumi:pulumi:Stack";

export function makeUrn(stack: string, project: string, type: string, name: string, parent?: string): string {
    const parentType = parent ? qualifiedType(parent) : undefined;
    const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The `parent$child` type part of a URN. */
export function qualifiedType(urn: string): string {
    return urn.split("::")[2] ?? "";
}

/** The resource's own type (last part of the qualified type). */
export function typeOf(urn: string): string {
    const qualified = qualifiedType(urn);
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

export function nameOf(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/** Splits a provider reference `urn::id`. */
export function parseProviderRef(ref: string): { urn: string; id: string } {
    const at = ref.lastIndexOf("::");
    return { urn: ref.slice(0, at), id: ref.slice(at + 2) };
}

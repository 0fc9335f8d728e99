/**
 * What the engine shows the policy analyzer of one resource, and the default providers it records on the way, in
 * one place: deployment.ts builds its Analyze and AnalyzeStack requests with these, and so does the tests' fast
 * policy judge (test/policies/analyzerVerdict.ts), so the two cannot show the analyzer different shapes.
 *
 * As the CLI does: a resource's `provider` is its explicit provider or the package's default one (named after the
 * package version it asked for), with that provider's inputs.
 */
import type { AnalyzedResource } from "./analyzer";
import type { Wire } from "./rpc";
import { makeUrn, nameOf, parseProviderRef } from "./urn";

/** The registration facts the analyzer is shown (a subset of a state entry). */
export interface Registration {
    readonly urn: string;
    readonly type: string;
    readonly parent?: string;
    readonly protect: boolean;
    readonly dependencies: readonly string[];
    /** `urn::id` of the provider that manages the resource; none for providers and components. */
    readonly provider?: string;
}

/** A provider resource as its state records it. */
export interface ProviderState {
    readonly type: string;
    readonly inputs: Record<string, Wire>;
}

const PROVIDER_PREFIX = "pulumi:providers:";

/**
 * The analyzer's view of a resource with the given properties (checked inputs for Analyze, outputs for
 * AnalyzeStack); `providers` finds a provider's state by URN.
 */
export function analyzedResource(resource: Registration, properties: Record<string, Wire>, providers: (urn: string) => ProviderState | undefined): AnalyzedResource {
    const ref = resource.provider ? parseProviderRef(resource.provider).urn : undefined;
    const provider = ref ? providers(ref) : undefined;
    return {
        urn: resource.urn,
        type: resource.type,
        name: nameOf(resource.urn),
        properties,
        protect: resource.protect,
        parent: resource.parent,
        dependencies: resource.dependencies,
        ...(ref && provider ? { provider: { urn: ref, type: provider.type, name: nameOf(ref), properties: provider.inputs } } : {}),
    };
}

/** The package that manages a resource of `type`, through an explicit provider reference if there is one. */
export function packageOf(type: string, providerRef: string | undefined): string {
    if (type.startsWith(PROVIDER_PREFIX)) return type.slice(PROVIDER_PREFIX.length);
    if (providerRef) {
        const providerType = parseProviderRef(providerRef).urn.split("::")[2] ?? "";
        return providerType.slice(providerType.lastIndexOf("$") + 1).replace(PROVIDER_PREFIX, "");
    }
    return type.split(":")[0];
}

/** The default provider the engine records for a package at a version (`default_5_2_0`), and its inputs. */
export function defaultProvider(stack: string, project: string, pkg: string, version: string): { urn: string; name: string; type: string; inputs: Record<string, Wire> } {
    const name = version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
    const type = `${PROVIDER_PREFIX}${pkg}`;
    return { urn: makeUrn(stack, project, type, name), name, type, inputs: version ? { version } : {} };
}

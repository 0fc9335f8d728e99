/**
 * The harness's resource graph (test/harness/stack.ts, the program under `setMocks`) in the shape the offline
 * engine shows the policy analyzer (engine/deployment.ts): every custom resource's inputs after its provider's
 * `check` for Analyze; for AnalyzeStack every registration, the stack's root and the default providers included,
 * with its outputs. The shape itself comes from engine/analyzedResource.ts, which the engine uses too.
 *
 * What the harness has to stand in for, and how:
 * - URNs: the mock monitor qualifies a child's type with its parent's type only, the engine (like Pulumi's) with
 *   the parent's whole chain (`A$B$C`), so every URN, parent, dependency and provider reference is re-derived;
 * - the root stack resource (`cmd/run` registers it; a program under mocks has none): `<project>-<stack>`, the
 *   parent of every top-level resource, with the program's exports as its outputs;
 * - outputs after `up`: the checked inputs plus what the mocked create computed (test/harness/outputs.ts), as a
 *   provider answers with its inputs and computed values; in a preview, as in the engine's, the inputs.
 */
import type { AnalyzedResource } from "../../engine/analyzer";
import { analyzedResource, defaultProvider, packageOf, type ProviderState, type Registration } from "../../engine/analyzedResource";
import type { CheckResult, Target } from "../../engine/providers/types";
import { secret, UNKNOWN, type Wire } from "../../engine/rpc";
import { makeUrn, parseProviderRef, STACK_TYPE } from "../../engine/urn";
import { PROJECT } from "../../config";
import type { RegisteredResource, StackRun } from "../harness/stack";

/** What the analyzer is asked: Analyze once per custom resource, in registration order, then AnalyzeStack once. */
export interface AnalyzerInput {
    readonly resources: readonly AnalyzedResource[];
    readonly stack: readonly AnalyzedResource[];
}

/** A provider's `check`, for the package that manages a resource (the engine's providers, see analyzerVerdict.ts). */
export type Check = (pkg: string, target: Target, news: Record<string, Wire>) => Promise<CheckResult>;

const PROVIDER_PREFIX = "pulumi:providers:";

/** The program's exports as the root's registered outputs: secrets marked, unknown in a preview where unresolved. */
function rootOutputs(run: StackRun, preview: boolean): Record<string, Wire> {
    return Object.fromEntries(
        Object.entries(run.outputs).map(([key, value]) => [key, preview && value === undefined ? UNKNOWN : run.secretOutputs.includes(key) ? secret(value) : value]),
    );
}

/** What the mocked create computed beyond the inputs (the inputs themselves keep their checked, wire form). */
function computed(resource: RegisteredResource, inputs: Record<string, Wire>): Record<string, Wire> {
    return Object.fromEntries(Object.entries(resource.wire.state).filter(([key]) => !(key in inputs)));
}

/** Fails as the engine fails a registration whose inputs its provider refuses. */
function refuse(resource: RegisteredResource, failures: CheckResult["failures"]): Error {
    const lines = failures.map((f) => `  - ${f.property ? `${f.property}: ` : ""}${f.reason}`);
    return new Error(`${resource.type} (${resource.name}): ${failures.length === 1 ? "a property is" : "properties are"} invalid:\n${lines.join("\n")}`);
}

/** The analyzer's input for one harness run; `check` is each resource's provider check, as the engine runs it. */
export async function analyzerInput(run: StackRun, preview: boolean, check: Check): Promise<AnalyzerInput> {
    const root = makeUrn(run.stack, PROJECT, STACK_TYPE, `${PROJECT}-${run.stack}`);
    const providers = new Map<string, ProviderState>();
    const registered: [Registration, Record<string, Wire>][] = [[{ urn: root, type: STACK_TYPE, protect: false, dependencies: [] }, rootOutputs(run, preview)]];
    const resources: AnalyzedResource[] = [];
    // Registration order puts a parent, a dependency and a provider before the resources that name them.
    const urns = new Map<string, string>();
    const engineUrn = (urn: string) => urns.get(urn) ?? urn;
    const engineRef = (ref: string | undefined) => (ref ? `${engineUrn(parseProviderRef(ref).urn)}::${parseProviderRef(ref).id}` : undefined);
    for (const resource of run.resources) {
        const urn = makeUrn(run.stack, PROJECT, resource.type, resource.name, resource.parent ? engineUrn(resource.parent) : undefined);
        urns.set(resource.urn, urn);
        const base = { urn, type: resource.type, parent: resource.parent ? engineUrn(resource.parent) : root, protect: resource.protect, dependencies: resource.dependsOn.map(engineUrn) };
        if (!resource.custom) {
            registered.push([base, resource.wire.outputs ?? {}]);
            continue;
        }
        const pkg = packageOf(resource.type, resource.provider);
        let provider = engineRef(resource.provider);
        if (!provider && !resource.type.startsWith(PROVIDER_PREFIX)) {
            const fallback = defaultProvider(run.stack, PROJECT, pkg, resource.version);
            if (!providers.has(fallback.urn)) {
                providers.set(fallback.urn, fallback);
                registered.push([{ urn: fallback.urn, type: fallback.type, protect: false, dependencies: [] }, fallback.inputs]);
            }
            provider = `${fallback.urn}::${preview ? UNKNOWN : `${pkg}-default-provider`}`;
        }
        const target: Target = { urn, type: resource.type, name: resource.name, additionalSecretOutputs: resource.additionalSecretOutputs };
        const checked = await check(pkg, target, resource.wire.inputs);
        if (checked.failures.length > 0) throw refuse(resource, checked.failures);
        const registration: Registration = { ...base, provider };
        resources.push(analyzedResource(registration, checked.inputs, (urn) => providers.get(urn)));
        if (resource.type.startsWith(PROVIDER_PREFIX)) providers.set(urn, { type: resource.type, inputs: checked.inputs });
        registered.push([registration, preview ? checked.inputs : { ...checked.inputs, ...computed(resource, checked.inputs) }]);
    }
    return { resources, stack: registered.map(([registration, properties]) => analyzedResource(registration, properties, (urn) => providers.get(urn))) };
}

/**
 * Calls the pack's rules directly on fixture resources, the way the policy runtime calls them: properties
 * deserialized by the policy SDK (secret envelopes opened) behind its unknown-checking proxy; resource rules on
 * inputs, stack rules on outputs with dependencies resolved. It reports which rules fired and what they said;
 * enforcement levels are `policies/enforcement.ts`' business and the whole-stack judge's (judge.ts).
 */
import { join } from "node:path";
import type { Policy, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { rules } from "../../policies/rules";

/** The SDK the pack itself loads (policies/node_modules), so its classes are the ones the rules see. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fromPack = (module: string) => require(require.resolve(module, { paths: [join(__dirname, "..", "..", "policies")] }));
const sdkProxy = fromPack("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T; UnknownValueError: new (...args: any[]) => Error };
const sdkDeserialize = fromPack("@pulumi/policy/deserialize") as { deserializeProperties(struct: { toJavaScript(): unknown }, proxySecrets: boolean): Record<string, any> };

/** One resource in the engine's wire shape (secrets in Pulumi's envelope, unknowns as the engine's sentinels). */
export interface RuleInput {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Inputs; resource rules see these. */
    readonly props: Record<string, unknown>;
    /** Outputs; stack rules see these. Defaults to `props`. */
    readonly outputs?: Record<string, unknown>;
    readonly opts?: { readonly protect?: boolean };
    readonly dependencies?: readonly string[];
}

/** What one rule reported. */
export interface Finding {
    readonly policy: string;
    readonly message: string;
    readonly urn?: string;
    /** The rule threw the SDK's `UnknownValueError`: the runtime would skip it, a silent advisory pass. */
    readonly couldNotRun?: boolean;
}

/** Options of {@link check}. */
export interface CheckOptions {
    /**
     * The rules to call.
     * @default every rule of the pack
     */
    readonly policies?: readonly Policy[];
    /**
     * Settings per rule name, as an enforcement file gives them.
     * @default {} (each rule's own defaults)
     */
    readonly settings?: Readonly<Record<string, Record<string, unknown>>>;
}

const runtimeProps = (wire: Record<string, unknown>) => sdkProxy.unknownCheckingProxy(sdkDeserialize.deserializeProperties({ toJavaScript: () => JSON.parse(JSON.stringify(wire ?? {})) }, false));

const opts = (input: RuleInput) => ({ protect: input.opts?.protect ?? false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] });

const notApplicable = (): never => {
    throw new Error("notApplicable");
};

function stackArgs(resources: readonly RuleInput[], getConfig: () => any): StackValidationArgs {
    const nodes = new Map<string, PolicyResource>();
    for (const r of resources) {
        nodes.set(r.urn, { type: r.type, name: r.name, urn: r.urn, props: runtimeProps(r.outputs ?? r.props), opts: opts(r), dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined });
    }
    for (const r of resources) nodes.get(r.urn)!.dependencies = (r.dependencies ?? []).flatMap((urn) => (nodes.has(urn) ? [nodes.get(urn)!] : []));
    return { resources: [...nodes.values()], stackTags: new Map(), getConfig, notApplicable };
}

/** Calls every rule on the resources and returns what each reported. */
export async function check(resources: readonly RuleInput[], options: CheckOptions = {}): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const policy of options.policies ?? rules) {
        const getConfig = () => (options.settings?.[policy.name] ?? {}) as any;
        const guard = async (urn: string | undefined, body: () => void | Promise<void>) => {
            try {
                await body();
            } catch (error) {
                if (!(error instanceof sdkProxy.UnknownValueError)) throw error;
                findings.push({ policy: policy.name, message: error.message, urn, couldNotRun: true });
            }
        };
        const stack = (policy as StackValidationPolicy).validateStack;
        if (stack) {
            await guard(undefined, () => stack(stackArgs(resources, getConfig), (message, urn) => findings.push({ policy: policy.name, message: String(message), urn })));
            continue;
        }
        const validate = (policy as ResourceValidationPolicy).validateResource;
        for (const r of resources) {
            for (const one of Array.isArray(validate) ? validate : validate ? [validate] : []) {
                const args: ResourceValidationArgs = { type: r.type, name: r.name, urn: r.urn, props: runtimeProps(r.props), opts: opts(r), stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig, notApplicable };
                await guard(r.urn, () => one(args, (message) => findings.push({ policy: policy.name, message: String(message), urn: r.urn })));
            }
        }
    }
    return findings;
}

/** The names of the rules that fired, once each, in order. */
export const fired = (findings: readonly Finding[]): string[] => [...new Set(findings.map((f) => f.policy))];

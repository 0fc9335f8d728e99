/**
 * The policy pack, run in-process: the same rule objects the Pulumi CLI serves (`pack.ts`), fed resources in the
 * shape the policy runtime gives them, with a stack's enforcement file. `npm run plan -- <stack>` and the tests
 * use it, so the offline gate needs no CLI, no plugin and no credentials.
 *
 * Fidelity with the runtime (`@pulumi/policy` 1.21 `server.js`), on purpose:
 * - properties go through the SDK's own `deserializeProperties` (secrets unwrapped) and `unknownCheckingProxy`;
 * - a rule that reads an unknown value and throws `UnknownValueError` is reported the way the runtime reports it,
 *   "can't run during preview" at advisory level, which is the silent pass the rules are written to avoid;
 * - enforcement: a policy's own entry in the file, else `all`, else the policy's level, else the pack's.
 * One deliberate extension: `opts.retainOnDelete` is passed when known, which the analyzer protocol lacks.
 */
import type {
    EnforcementLevel,
    Policy,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { RegisteredResource, StackRun } from "../test/harness/stack";
import { levelOf, readEnforcementFile } from "./enforcement";
import { PACK_NAME, packArgs } from "./pack";

// The runtime's own (internal, untyped) helpers, so the offline shape cannot drift from the real one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkProxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: any[]) => Error;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkDeserialize = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: { toJavaScript(): unknown }, proxySecrets: boolean): Record<string, any>;
};

/** One resource as the policy runtime receives it. */
export interface PolicyInput {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /**
     * Inputs in the engine's wire shape: secrets may be Pulumi secret envelopes (`{"4dabf1...": "1b4706...",
     * value}`), unknowns are the engine's sentinel strings. Resource rules see these.
     */
    readonly props: Record<string, unknown>;
    /** Outputs, in the same shape; stack rules see these. Defaults to `props`. */
    readonly outputs?: Record<string, unknown>;
    readonly opts?: Partial<PolicyResourceOptions> & { readonly retainOnDelete?: boolean };
    /** URN of the parent. */
    readonly parent?: string;
    /** URNs this resource depends on, explicitly or through its inputs. */
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One violation, as the CLI would print it. */
export interface Violation {
    /** The rule's name (`no-debug-in-production`). */
    readonly policy: string;
    readonly enforcementLevel: "advisory" | "mandatory";
    readonly severity?: string;
    /** The resource in violation; absent for a stack-wide violation. */
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    /** What is wrong and how to fix it (the rule's message; never a secret value). */
    readonly message: string;
    /** Set when the rule could not run because it read an unknown value: the runtime's silent, advisory pass. */
    readonly couldNotRun?: boolean;
}

/** Options for `evaluate`. */
export interface EvaluateOptions {
    /**
     * Enforcement and settings per policy, as in `policies/<stack>.json`.
     * @default {} (every policy at its own level, advisory)
     */
    readonly config?: PolicyPackConfig;
    /**
     * The policies to run.
     * @default the pack's rules
     */
    readonly policies?: readonly (ResourceValidationPolicy | StackValidationPolicy)[];
}

class NotApplicable extends Error {}

/** The level a policy runs at under a config (see enforcement.ts). */
export function enforcementLevelOf(policy: Policy, config: PolicyPackConfig = {}): EnforcementLevel {
    return levelOf(policy, config, packArgs.enforcementLevel);
}

/** A policy's settings: its schema defaults, overlaid with its entry in the config (what the CLI sends). */
function settingsOf(policy: Policy, config: PolicyPackConfig): Record<string, unknown> {
    const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
            .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
    );
    const entry = config[policy.name];
    const given = typeof entry === "object" && entry !== null ? { ...entry } : {};
    delete (given as { enforcementLevel?: unknown }).enforcementLevel;
    return { ...defaults, ...given };
}

/** Properties as the runtime hands them to a rule: deserialized by the SDK, behind its unknown-checking proxy. */
function runtimeProps(wire: Record<string, unknown>): Record<string, any> {
    const copy = JSON.parse(JSON.stringify(wire ?? {}));
    return sdkProxy.unknownCheckingProxy(sdkDeserialize.deserializeProperties({ toJavaScript: () => copy }, false));
}

function runtimeOpts(input: PolicyInput): PolicyResourceOptions & { retainOnDelete?: boolean } {
    const opts = input.opts ?? {};
    return {
        protect: opts.protect ?? false,
        ignoreChanges: [...(opts.ignoreChanges ?? [])],
        aliases: [...(opts.aliases ?? [])],
        customTimeouts: opts.customTimeouts ?? { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? [])],
        ...(opts.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: opts.deleteBeforeReplace } : {}),
        ...(input.parent ? { parent: input.parent } : {}),
        ...(opts.retainOnDelete !== undefined ? { retainOnDelete: opts.retainOnDelete } : {}),
    };
}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/**
 * Runs every policy over the resources with the given enforcement, the way `pulumi preview --policy-pack`
 * does: resource rules once per resource (on its inputs), stack rules once (on every resource's outputs).
 */
export async function evaluate(resources: readonly PolicyInput[], options: EvaluateOptions = {}): Promise<Violation[]> {
    const config = options.config ?? {};
    const policies = options.policies ?? (packArgs.policies as (ResourceValidationPolicy | StackValidationPolicy)[]);
    const violations: Violation[] = [];
    const stackTags: ReadonlyMap<string, string> = new Map();

    for (const policy of policies) {
        let level = enforcementLevelOf(policy, config);
        if (level === "disabled") continue;
        if (level === "remediate") level = "mandatory";
        const enforcementLevel = level;
        const settings = settingsOf(policy, config);
        const getConfig = <T extends object>() => settings as T;
        const record = (message: string, resource?: PolicyInput, couldNotRun = false) =>
            violations.push({
                policy: policy.name,
                enforcementLevel: couldNotRun ? "advisory" : enforcementLevel,
                ...(policy.severity ? { severity: policy.severity } : {}),
                ...(resource ? { urn: resource.urn, name: resource.name, type: resource.type } : {}),
                message,
                ...(couldNotRun ? { couldNotRun } : {}),
            });
        const run = async (body: () => Promise<void> | void, resource?: PolicyInput) => {
            try {
                await body();
            } catch (error) {
                if (error instanceof sdkProxy.UnknownValueError) record(`can't run policy '${policy.name}' from policy pack '${PACK_NAME}' during preview: ${error.message}`, resource, true);
                else if (!(error instanceof NotApplicable)) throw error;
            }
        };

        if (isStackPolicy(policy)) {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            await run(() => {
                const nodes = new Map<string, PolicyResource>();
                for (const input of resources) {
                    const props = runtimeProps(input.outputs ?? input.props);
                    nodes.set(input.urn, {
                        type: input.type,
                        props,
                        urn: input.urn,
                        name: input.name,
                        opts: runtimeOpts(input),
                        dependencies: [],
                        propertyDependencies: {},
                        isType: () => false,
                        asType: () => undefined,
                    });
                }
                for (const input of resources) {
                    const node = nodes.get(input.urn)!;
                    if (input.parent && nodes.has(input.parent)) node.parent = nodes.get(input.parent);
                    node.dependencies = (input.dependencies ?? []).flatMap((urn) => (nodes.has(urn) ? [nodes.get(urn)!] : []));
                    for (const [key, urns] of Object.entries(input.propertyDependencies ?? {})) {
                        node.propertyDependencies[key] = urns.flatMap((urn) => (nodes.has(urn) ? [nodes.get(urn)!] : []));
                    }
                }
                const args: StackValidationArgs = { resources: [...nodes.values()], stackTags, getConfig, notApplicable };
                return policy.validateStack(args, (message, urn) => {
                    const resource = urn ? byUrn.get(urn) : undefined;
                    record(typeof message === "string" ? message : String(message ?? policy.description), resource ?? (urn ? { type: "", name: "", urn, props: {} } : undefined));
                });
            });
            continue;
        }

        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
        for (const resource of resources) {
            for (const validate of validations) {
                await run(() => {
                    const props = runtimeProps(resource.props);
                    const args: ResourceValidationArgs = {
                        type: resource.type,
                        props,
                        urn: resource.urn,
                        name: resource.name,
                        opts: runtimeOpts(resource),
                        stackTags,
                        isType: () => false,
                        asType: () => undefined,
                        getConfig,
                        notApplicable,
                    };
                    return validate(args, (message) => record(typeof message === "string" ? message : String(message ?? policy.description), resource));
                }, resource);
            }
        }
    }
    return violations;
}

/** Pulumi's envelope for a secret value on the wire. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Wraps a value as the engine sends a secret (the runtime unwraps it before a rule sees it). */
export function wireSecret(value: unknown): Record<string, unknown> {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** Re-wraps the values the harness recorded as secret, so offline input carries the runtime's wire shape. */
function rewrapSecrets(inputs: Record<string, any>, paths: readonly string[]): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(inputs ?? {}));
    for (const path of paths) {
        const parts = path.match(/[^.[\]]+/g) ?? [];
        if (parts.length === 0) continue;
        let node: any = copy;
        for (const part of parts.slice(0, -1)) node = node?.[part];
        const last = parts[parts.length - 1];
        if (node && typeof node === "object" && last in node) node[last] = wireSecret(node[last]);
    }
    return copy;
}

/** A harness resource in the policy runtime's shape. */
export function fromRegistered(resource: RegisteredResource): PolicyInput {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: rewrapSecrets(resource.inputs, resource.secretPaths),
        outputs: { ...rewrapSecrets(resource.inputs, resource.secretPaths), ...withoutInputs(resource) },
        opts: {
            protect: resource.protect,
            retainOnDelete: resource.retainOnDelete,
            ignoreChanges: [...resource.ignoreChanges],
            additionalSecretOutputs: [...resource.additionalSecretOutputs],
            ...(resource.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        },
        parent: resource.parent,
        dependencies: [...resource.dependsOn],
    };
}

/** Computed outputs only (what the provider added to the inputs), so secret inputs keep their envelope. */
function withoutInputs(resource: RegisteredResource): Record<string, unknown> {
    return Object.fromEntries(Object.entries(resource.state ?? {}).filter(([key]) => !(key in (resource.inputs ?? {}))));
}

/** A stack's enforcement config (`policies/<stack>.json`), validated (see enforcement.ts), or the fail-closed fallback. */
export function readEnforcement(stack: string): { config: PolicyPackConfig; file?: string } {
    return readEnforcementFile(stack, packArgs.policies);
}

/** Evaluates the whole pack over an offline stack run with the stack's enforcement file. */
export async function evaluatePolicies(run: StackRun, stack: string = run.stack): Promise<Violation[]> {
    if (run.configError) throw new Error(`stack ${stack} has an invalid configuration; fix it before evaluating policies`);
    return evaluate(run.resources.map(fromRegistered), { config: readEnforcement(stack).config });
}

/** Whether any violation blocks the deployment. */
export function hasMandatory(violations: readonly Violation[]): boolean {
    return violations.some((v) => v.enforcementLevel === "mandatory");
}

/** A readable report: a headline, then each violation with its level, rule, resource and message. */
export function formatViolations(violations: readonly Violation[], stack: string): string {
    const { file } = readEnforcement(stack);
    const source = file ? `policies/${stack}.json` : `no policies/${stack}.json, so every rule is mandatory (create it to choose)`;
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    const total = packArgs.policies.length;
    if (violations.length === 0) return `Policies (${source}): no violations from ${total} rules.`;
    const lines = [`Policies (${source}): ${mandatory} mandatory, ${advisory} advisory violation(s).`];
    const order = [...violations].sort((a, b) => Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory"));
    for (const v of order) {
        const where = v.urn ? `${v.type || "resource"} "${v.name || v.urn}"` : "stack";
        lines.push(`  ${v.enforcementLevel === "mandatory" ? "✖ mandatory" : "! advisory "}  ${v.policy}  ${where}`);
        lines.push(...v.message.split("\n").map((line) => `      ${line}`));
    }
    if (mandatory > 0) lines.push(`${mandatory} mandatory violation(s): \`pulumi up\` would be blocked.`);
    return lines.join("\n");
}

/**
 * The engine's side of one operation (preview, up, refresh, destroy): serves the ResourceMonitor and Engine
 * protocols to the real program, and turns each registration into the step the CLI would take: `check` (provider),
 * `Analyze` (policy pack), `diff` against the state, then same / create / update / replace, executed on `up` and
 * only planned on preview (where what a provider computes stays unknown). After the program: `AnalyzeStack`,
 * deletes of what the program no longer registers (reverse dependency order), and the state file.
 *
 * Semantics kept from the CLI: olds given to `check` are the old inputs; replacements create before they delete
 * unless told otherwise; a protected resource is never deleted or replaced; `retainOnDelete` drops a resource from
 * the state without deleting it; `destroy` and `refresh` do not run the program.
 */
import { analyzedResource, defaultProvider, packageOf } from "./analyzedResource";
import type { Analyzer, AnalyzedResource, PolicyViolation } from "./analyzer";
import { startProvider } from "./providers";
import type { PackageSchema } from "./providers/schema";
import type { DiffResult, ResourceProvider, Target } from "./providers/types";
import { annotateSecrets, containsUnknown, engproto, emptyproto, fromStruct, resproto, sameValue, toStruct, UNKNOWN, unary, type Wire } from "./rpc";
import type { ResourceState, StackState } from "./state";
import { makeUrn, nameOf, STACK_TYPE } from "./urn";

export type Operation = "preview" | "up" | "refresh" | "destroy";
/** `delete-replaced` is the old half of a replacement, deleted after its successor exists (as the CLI names it). */
export type StepOp = "create" | "update" | "replace" | "delete" | "delete-replaced" | "same" | "read";

/** One step the engine took (or, in a preview, would take). */
export interface Step {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: StepOp;
    readonly custom: boolean;
    /** The outputs come from a stand-in, not the real provider. */
    readonly standIn: boolean;
    /** Top-level inputs (or, for refresh, outputs) that differ. */
    readonly diffs: readonly string[];
    readonly replaces: readonly string[];
    /** Inputs after `check` (for deletes: the last inputs). */
    readonly inputs: Record<string, Wire>;
    /** Outputs after the step; on preview, only what is known (the rest is unknown). */
    readonly outputs: Record<string, Wire>;
    /** The parent's URN, for a registered resource that has one (what the CLI's tree is drawn from). */
    readonly parent?: string;
    /** The resource options a reader of a plan checks, for a registered resource. */
    readonly options?: { readonly protect: boolean; readonly retainOnDelete: boolean };
}

export interface Diagnostic {
    readonly severity: "debug" | "info" | "warning" | "error";
    readonly message: string;
    readonly urn?: string;
}

/** Everything a deployment needs that is not the program. */
export interface DeploymentContext {
    readonly root: string;
    readonly project: string;
    readonly stack: string;
    readonly operation: Operation;
    readonly old: StackState;
    readonly schemas: Map<string, PackageSchema>;
    /** Environment of the provider plugins (credentials are read from it at call time). */
    readonly providerEnv: NodeJS.ProcessEnv;
    readonly now: () => Date;
}

const SEVERITY: Record<number, Diagnostic["severity"]> = { 0: "debug", 1: "info", 2: "warning", 3: "error" };
const SUPPORTED_FEATURES = new Set(["secrets", "deletedWith", "aliasSpecs"]);

class StepError extends Error {}

/** A resource as registered in this run, before it becomes state. */
interface Registered extends ResourceState {
    readonly name: string;
}

export class Deployment {
    readonly steps: Step[] = [];
    readonly diagnostics: Diagnostic[] = [];
    readonly violations: PolicyViolation[] = [];
    /** New state, in registration order (which is dependency order: the SDK registers a resource after its inputs). */
    private readonly registered = new Map<string, Registered>();
    private readonly oldByUrn: Map<string, ResourceState>;
    private readonly providers = new Map<string, Promise<ResourceProvider>>();
    /** Deletes of replaced resources, run after the program (create-before-delete). */
    private readonly pendingDeletes: ResourceState[] = [];
    private rootUrn = "";
    private engineAddress = "";
    private failed = false;
    /** Resolves once the policy pack is serving (undefined: no pack). */
    private analyzer?: Promise<Analyzer>;

    constructor(private readonly context: DeploymentContext) {
        this.oldByUrn = new Map(context.old.resources.map((r) => [r.urn, r]));
    }

    get preview(): boolean {
        return this.context.operation === "preview";
    }

    /** The policy pack every resource is shown to; it starts alongside the program. */
    attachAnalyzer(analyzer: Promise<Analyzer>): void {
        this.analyzer = analyzer;
    }

    /** Set once the engine's server is listening (the plugins are given its address). */
    setEngineAddress(address: string): void {
        this.engineAddress = address;
    }

    /** The ResourceMonitor and Engine services, for the program. */
    services(): { monitor: object; engine: object } {
        const monitor = {
            supportsFeature: unary(async (request: any) => {
                const response = new resproto.SupportsFeatureResponse();
                response.setHassupport(SUPPORTED_FEATURES.has(request.getId()));
                return response;
            }),
            registerResource: unary((request: any) => this.registerResource(request)),
            registerResourceOutputs: unary(async (request: any) => {
                const urn = request.getUrn();
                const resource = this.registered.get(urn);
                if (resource) this.registered.set(urn, { ...resource, outputs: fromStruct(request.getOutputs()) });
                return new emptyproto.Empty();
            }),
            readResource: unary((request: any) => this.readResource(request)),
            invoke: unary(async (request: any) => {
                throw new Error(`the offline engine serves no invoke (${request.getTok()}); the program must not depend on data sources`);
            }),
            call: unary(async () => {
                throw new Error("the offline engine serves no method calls");
            }),
            registerStackTransform: unary(async () => {
                throw new Error("transforms are not supported by the offline engine");
            }),
            signalAndWaitForShutdown: unary(async () => new emptyproto.Empty()),
        };
        const engine = {
            log: unary(async (request: any) => {
                this.diagnostics.push({ severity: SEVERITY[request.getSeverity()] ?? "info", message: request.getMessage(), urn: request.getUrn() || undefined });
                return new emptyproto.Empty();
            }),
            getRootResource: unary(async () => {
                const response = new engproto.GetRootResourceResponse();
                response.setUrn(this.rootUrn);
                return response;
            }),
            setRootResource: unary(async (request: any) => {
                this.rootUrn = request.getUrn();
                return new engproto.SetRootResourceResponse();
            }),
        };
        return { monitor, engine };
    }

    private error(message: string, urn?: string): StepError {
        this.diagnostics.push({ severity: "error", message, urn });
        this.failed = true;
        return new StepError(message);
    }

    /** The provider of a package: the real dynamic-provider host for `pulumi-nodejs`, else a schema-checked stand-in. */
    private providerFor(pkg: string): Promise<ResourceProvider> {
        let provider = this.providers.get(pkg);
        if (!provider) {
            const { root: cwd, providerEnv: env, schemas, now } = this.context;
            provider = startProvider(pkg, { cwd, engineAddress: this.engineAddress, env, schemas, now });
            this.providers.set(pkg, provider);
        }
        return provider;
    }

    /** The state entry of a package's default provider, as the engine records one for resources without `provider`. */
    private defaultProviderRef(pkg: string, version: string): string {
        const { urn, name, type, inputs } = defaultProvider(this.context.stack, this.context.project, pkg, version);
        const existing = this.registered.get(urn) ?? this.oldByUrn.get(urn);
        const id = existing?.id || (this.preview ? UNKNOWN : `${pkg}-default-provider`);
        if (!this.registered.has(urn)) {
            this.registered.set(urn, {
                urn, name, type, custom: true, id, inputs, outputs: inputs, protect: false, retainOnDelete: false,
                dependencies: [], propertyDependencies: {}, additionalSecretOutputs: [], deleteBeforeReplace: false, standIn: pkg !== "pulumi-nodejs",
            });
        }
        return `${urn}::${id}`;
    }

    /** A provider's state by URN, for what the analyzer is shown of a resource's provider. */
    private readonly providerState = (urn: string) => this.registered.get(urn) ?? this.oldByUrn.get(urn);

    private async registerResource(request: any): Promise<any> {
        const type: string = request.getType();
        const name: string = request.getName();
        const parent: string = request.getParent();
        const custom: boolean = request.getCustom();
        const urn = type === STACK_TYPE ? makeUrn(this.context.stack, this.context.project, type, name) : makeUrn(this.context.stack, this.context.project, type, name, parent || undefined);
        const news = fromStruct(request.getObject());
        const propertyDependencies: Record<string, string[]> = {};
        for (const [key, deps] of request.getPropertydependenciesMap().entries()) propertyDependencies[key] = deps.getUrnsList();
        const base = {
            urn, name, type, custom, parent: parent || undefined,
            protect: request.getProtect() === true,
            retainOnDelete: request.getRetainondelete?.() === true,
            dependencies: request.getDependenciesList() as string[],
            propertyDependencies,
            additionalSecretOutputs: request.getAdditionalsecretoutputsList() as string[],
            deleteBeforeReplace: request.getDeletebeforereplace() === true,
        };
        const old = this.oldByUrn.get(urn);
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        if (!custom) {
            this.registered.set(urn, { ...base, id: "", inputs: news, outputs: old?.outputs ?? {}, standIn: false });
            this.steps.push({ urn, type, name, op: old ? "same" : "create", custom, standIn: false, diffs: [], replaces: [], inputs: news, outputs: {}, parent: base.parent, options: { protect: base.protect, retainOnDelete: base.retainOnDelete } });
            response.setObject(toStruct({}));
            return response;
        }

        const pkg = packageOf(type, request.getProvider());
        const providerRef = type.startsWith("pulumi:providers:") ? undefined : request.getProvider() || this.defaultProviderRef(pkg, request.getVersion());
        const provider = await this.providerFor(pkg).catch((e: Error) => Promise.reject(this.error(`${urn}: ${e.message}`, urn)));
        const target: Target = { urn, type, name, additionalSecretOutputs: base.additionalSecretOutputs };

        const checked = await provider.check(target, old?.inputs, news).catch((e: Error) => Promise.reject(this.error(`${type} (${name}): check failed: ${e.message}`, urn)));
        if (checked.failures.length > 0) {
            const lines = checked.failures.map((f) => `  - ${f.property ? `${f.property}: ` : ""}${f.reason}`);
            throw this.error(`${type} (${name}): ${checked.failures.length === 1 ? "a property is" : "properties are"} invalid:\n${lines.join("\n")}`, urn);
        }
        const inputs = checked.inputs;
        await this.analyze(analyzedResource({ ...base, provider: providerRef }, inputs, this.providerState));

        const ignoreChanges: string[] = request.getIgnorechangesList();
        const replaceOnChanges: string[] = request.getReplaceonchangesList();
        let op: StepOp = "create";
        let diff: DiffResult = { changes: "some", replaces: [], deleteBeforeReplace: false, diffs: [] };
        if (old) {
            diff = await provider.diff(target, old.id, old.inputs, old.outputs, withIgnored(inputs, old.inputs, ignoreChanges), ignoreChanges).catch((e: Error) => Promise.reject(this.error(`${type} (${name}): diff failed: ${e.message}`, urn)));
            if (diff.changes === "unknown") diff = { ...diff, ...inputDiff(old.inputs, inputs, ignoreChanges) };
            const forced = diff.diffs.filter((k) => replaceOnChanges.includes(k) || replaceOnChanges.includes("*"));
            const replaces = [...new Set([...diff.replaces, ...forced])];
            op = diff.changes === "none" && replaces.length === 0 ? "same" : replaces.length > 0 ? "replace" : "update";
            diff = { ...diff, replaces };
            if (op === "replace" && old.protect) {
                throw this.error(`unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``, urn);
            }
        }

        let id = old?.id ?? "";
        let outputs: Record<string, Wire>;
        if (op === "same") {
            outputs = old!.outputs;
        } else if (this.preview) {
            outputs = inputs;
            if (op !== "update") id = "";
        } else {
            try {
                if (op === "update") {
                    outputs = await provider.update(target, old!.id, old!.inputs, old!.outputs, inputs);
                } else {
                    if (op === "replace" && (diff.deleteBeforeReplace || base.deleteBeforeReplace)) await this.deleteOne(old!, provider, "delete-replaced");
                    const created = await provider.create(target, inputs);
                    id = created.id;
                    outputs = created.outputs;
                    if (op === "replace" && !(diff.deleteBeforeReplace || base.deleteBeforeReplace)) this.pendingDeletes.push(old!);
                }
            } catch (e) {
                throw this.error(`${type} (${name}): ${op} failed: ${e instanceof Error ? e.message : String(e)}`, urn);
            }
        }
        // The engine, not the provider, marks what the program asked to keep secret (`additionalSecretOutputs`).
        outputs = annotateSecrets(outputs, {}, base.additionalSecretOutputs);
        this.registered.set(urn, { ...base, id, provider: providerRef, inputs, outputs, standIn: provider.standIn });
        this.steps.push({ urn, type, name, op, custom, standIn: provider.standIn, diffs: op === "create" ? [] : diff.diffs, replaces: diff.replaces, inputs, outputs, parent: base.parent, options: { protect: base.protect, retainOnDelete: base.retainOnDelete } });

        if (id === "" && this.preview) response.setId("");
        else response.setId(id || (type.startsWith("pulumi:providers:") && this.preview ? UNKNOWN : id));
        response.setObject(toStruct(outputs));
        return response;
    }

    private async readResource(request: any): Promise<any> {
        const type: string = request.getType();
        const name: string = request.getName();
        const urn = makeUrn(this.context.stack, this.context.project, type, name, request.getParent() || undefined);
        const provider = await this.providerFor(packageOf(type, request.getProvider()));
        const target: Target = { urn, type, name, additionalSecretOutputs: request.getAdditionalsecretoutputsList() };
        const read = await provider.read(target, request.getId(), {}, fromStruct(request.getProperties()));
        if (!read.id) throw this.error(`${type} (${name}): resource ${request.getId()} does not exist`, urn);
        this.registered.set(urn, {
            urn, name, type, custom: true, id: read.id, inputs: read.inputs ?? {}, outputs: read.outputs, protect: false, retainOnDelete: true,
            dependencies: request.getDependenciesList(), propertyDependencies: {}, additionalSecretOutputs: [], deleteBeforeReplace: false, standIn: provider.standIn, parent: request.getParent() || undefined,
        });
        this.steps.push({ urn, type, name, op: "read", custom: true, standIn: provider.standIn, diffs: [], replaces: [], inputs: {}, outputs: read.outputs });
        const response = new resproto.ReadResourceResponse();
        response.setUrn(urn);
        response.setProperties(toStruct(read.outputs));
        return response;
    }

    private async analyze(resource: AnalyzedResource): Promise<void> {
        if (!this.analyzer) return;
        const analyzer = await this.analyzer;
        const found = await analyzer.analyze(resource);
        this.violations.push(...found);
        const mandatory = found.filter((v) => v.enforcementLevel === "mandatory");
        // On `up` a mandatory violation stops the resource's step, as the CLI does; a preview reports them all.
        if (mandatory.length > 0 && !this.preview) {
            throw this.error(`${resource.type} (${resource.name}): mandatory policy violation${mandatory.length > 1 ? "s" : ""}: ${mandatory.map((v) => v.policyName).join(", ")}`, resource.urn);
        }
    }

    private async deleteOne(resource: ResourceState, provider?: ResourceProvider, op: "delete" | "delete-replaced" = "delete"): Promise<void> {
        if (resource.protect) {
            throw this.error(
                `unable to delete resource "${resource.urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${resource.urn}'\``,
                resource.urn,
            );
        }
        // Providers and components have nothing to delete; retainOnDelete leaves the real thing where it is.
        const callsProvider = resource.custom && !resource.type.startsWith("pulumi:providers:") && !resource.retainOnDelete;
        const standIn = resource.standIn;
        if (callsProvider && !this.preview) {
            const p = provider ?? (await this.providerFor(packageOf(resource.type, resource.provider ?? "")));
            const target: Target = { urn: resource.urn, type: resource.type, name: nameOf(resource.urn), additionalSecretOutputs: resource.additionalSecretOutputs };
            try {
                await p.delete(target, resource.id, resource.inputs, resource.outputs);
            } catch (e) {
                throw this.error(`${resource.type} (${nameOf(resource.urn)}): delete failed: ${e instanceof Error ? e.message : String(e)}`, resource.urn);
            }
        }
        this.steps.push({ urn: resource.urn, type: resource.type, name: nameOf(resource.urn), op, custom: resource.custom, standIn, diffs: [], replaces: [], inputs: resource.inputs, outputs: {} });
    }

    /** What the program's run did not register, deleted dependents first; then the old halves of replacements. */
    async finishProgram(programSucceeded: boolean): Promise<void> {
        if (!programSucceeded || this.failed) return;
        if (this.analyzer) {
            const analyzer = await this.analyzer;
            const resources = [...this.registered.values()].map((r) => this.analyzed(r));
            this.violations.push(...(await analyzer.analyzeStack(resources)));
        }
        const gone = this.context.old.resources.filter((r) => !this.registered.has(r.urn)).reverse();
        const protectedGone = gone.filter((r) => r.protect);
        if (protectedGone.length > 0) {
            for (const resource of protectedGone) await this.deleteOne(resource).catch(() => undefined);
            return;
        }
        for (const resource of gone) await this.deleteOne(resource);
        for (const resource of this.pendingDeletes) await this.deleteOne(resource, undefined, "delete-replaced");
    }

    /** Refresh: every resource read back from its provider; a difference is drift (an `update` step). */
    async refresh(): Promise<void> {
        for (const resource of this.context.old.resources) {
            if (!resource.custom || resource.type.startsWith("pulumi:providers:")) {
                this.registered.set(resource.urn, { ...resource, name: nameOf(resource.urn) });
                continue;
            }
            const provider = await this.providerFor(packageOf(resource.type, resource.provider ?? ""));
            const target: Target = { urn: resource.urn, type: resource.type, name: nameOf(resource.urn), additionalSecretOutputs: resource.additionalSecretOutputs };
            const read = await provider.read(target, resource.id, resource.inputs, resource.outputs).catch((e: Error) => Promise.reject(this.error(`${resource.type} (${target.name}): refresh failed: ${e.message}`, resource.urn)));
            const name = target.name;
            if (!read.id) {
                this.steps.push({ urn: resource.urn, type: resource.type, name, op: "delete", custom: true, standIn: provider.standIn, diffs: [], replaces: [], inputs: resource.inputs, outputs: {} });
                continue;
            }
            const keys = [...new Set([...Object.keys(resource.outputs), ...Object.keys(read.outputs)])];
            const diffs = keys.filter((k) => !sameValue(resource.outputs[k], read.outputs[k])).sort();
            const inputs = read.inputs ?? resource.inputs;
            const outputs = annotateSecrets(read.outputs, {}, resource.additionalSecretOutputs);
            this.registered.set(resource.urn, { ...resource, name, id: read.id, outputs, inputs });
            this.steps.push({ urn: resource.urn, type: resource.type, name, op: diffs.length > 0 ? "update" : "same", custom: true, standIn: provider.standIn, diffs, replaces: [], inputs, outputs });
        }
    }

    /** Destroy: nothing is deleted when any resource is protected (the CLI's preview of the destroy fails first). */
    async destroy(): Promise<void> {
        const all = [...this.context.old.resources].reverse();
        const protectedOnes = all.filter((r) => r.protect);
        if (protectedOnes.length > 0) {
            for (const resource of protectedOnes) await this.deleteOne(resource).catch(() => undefined);
            return;
        }
        // What cannot be deleted stays in the state, as the engine keeps it, and the rest goes on.
        for (const resource of all) await this.deleteOne(resource).catch(() => undefined);
    }

    private analyzed(resource: ResourceState): AnalyzedResource {
        return analyzedResource(resource, resource.outputs, this.providerState);
    }

    get ok(): boolean {
        return !this.failed;
    }

    /** The state after the operation: what was registered, plus what could not be deleted. */
    newState(): StackState {
        const deleted = new Set(this.steps.filter((s) => s.op === "delete" || s.op === "delete-replaced").map((s) => s.urn));
        const strip = ({ name: _name, ...state }: Registered): ResourceState => state;
        const old = this.context.old.resources;
        let resources: ResourceState[];
        if (this.context.operation === "destroy") resources = old.filter((r) => !deleted.has(r.urn));
        else if (this.context.operation === "refresh") resources = old.filter((r) => !deleted.has(r.urn)).map((r) => { const read = this.registered.get(r.urn); return read ? strip(read) : r; });
        // A replaced resource's old half shares its URN with the new one, which stays.
        else resources = [...old.filter((r) => !this.registered.has(r.urn) && !deleted.has(r.urn)), ...[...this.registered.values()].map(strip)];
        return { project: this.context.project, stack: this.context.stack, resources };
    }

    /** The stack's outputs (the root resource's registered outputs). */
    stackOutputs(): Record<string, Wire> {
        const root = [...this.registered.values()].find((r) => r.type === STACK_TYPE);
        return root?.outputs ?? {};
    }

    async close(): Promise<void> {
        const providers = await Promise.allSettled([...this.providers.values()]);
        await Promise.all(providers.map((p) => (p.status === "fulfilled" ? p.value.close() : undefined)));
    }
}

/** `news` with every ignored property taken from `olds` (top-level names and `a.b` paths). */
function withIgnored(news: Record<string, Wire>, olds: Record<string, Wire>, ignore: readonly string[]): Record<string, Wire> {
    if (ignore.length === 0) return news;
    const copy = structuredClone(news);
    for (const path of ignore) {
        const parts = path.split(".");
        let from: any = olds;
        let to: any = copy;
        for (const part of parts.slice(0, -1)) {
            from = from?.[part];
            to = to?.[part];
        }
        const last = parts[parts.length - 1];
        if (to && typeof to === "object") {
            if (from && last in from) to[last] = from[last];
            else delete to[last];
        }
    }
    return copy;
}

/** The engine's own diff, for a provider that answers "unknown": top-level inputs compared. */
function inputDiff(olds: Record<string, Wire>, news: Record<string, Wire>, ignore: readonly string[]): Pick<DiffResult, "changes" | "diffs"> {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !ignore.includes(k));
    const diffs = keys.filter((k) => containsUnknown(news[k]) || !sameValue(olds[k], news[k])).sort();
    return { changes: diffs.length > 0 ? "some" : "none", diffs };
}

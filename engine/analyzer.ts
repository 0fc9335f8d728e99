/**
 * The policy pack, served by `@pulumi/policy`'s own analyzer: started as the CLI starts a Node policy pack
 * (`node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> <pack dir>`, cwd the pack), described
 * (GetAnalyzerInfo), configured with the stack's reconciled enforcement file, then asked to Analyze each resource
 * and AnalyzeStack at the end, exactly the calls `pulumi preview --policy-pack` makes.
 */
import { enforcementFileName } from "../config/stackFile";
import { join } from "node:path";
import { startPlugin } from "./plugin";
import { readPolicyConfig, type EnforcementLevel, type PolicyDescription } from "./policyConfig";
import { analyzerproto, analyzerrpc, call, client, emptyproto, structproto, toStruct, type Wire } from "./rpc";

const LEVELS: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_NUMBERS: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

/** One violation, as the analyzer reported it. */
export interface PolicyViolation {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly policyPackVersion: string;
    readonly description: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn?: string;
}

/** A resource as the analyzer is shown it. */
export interface AnalyzedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly properties: Record<string, Wire>;
    readonly protect: boolean;
    readonly parent?: string;
    readonly dependencies: readonly string[];
    readonly provider?: { readonly urn: string; readonly type: string; readonly name: string; readonly properties: Record<string, Wire> };
}

export interface Analyzer {
    readonly packName: string;
    readonly policies: readonly PolicyDescription[];
    analyze(resource: AnalyzedResource): Promise<PolicyViolation[]>;
    analyzeStack(resources: readonly AnalyzedResource[]): Promise<PolicyViolation[]>;
    close(): Promise<void>;
}

export interface AnalyzerOptions {
    /** The policy pack's directory (holds PulumiPolicy.yaml and its own node_modules). */
    readonly packDir: string;
    /** The enforcement file (`--policy-pack-config`). */
    readonly configFile: string;
    /** How error messages name the enforcement file. @default configFile */
    readonly configName?: string;
    readonly engineAddress: string;
    readonly project: string;
    readonly stack: string;
    readonly dryRun: boolean;
}

function describe(info: any): PolicyDescription {
    const schema = info.getConfigschema();
    return {
        name: info.getName(),
        enforcementLevel: LEVELS[info.getEnforcementlevel()] ?? "advisory",
        configSchema: schema ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } : undefined,
    };
}

function toAnalyzerResource(resource: AnalyzedResource, full: boolean): any {
    const message = full ? new analyzerproto.AnalyzerResource() : new analyzerproto.AnalyzeRequest();
    message.setUrn(resource.urn);
    message.setType(resource.type);
    message.setName(resource.name);
    message.setProperties(toStruct(resource.properties));
    const options = new analyzerproto.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    if (resource.parent) options.setParent?.(resource.parent);
    message.setOptions(options);
    if (resource.provider) {
        const provider = new analyzerproto.AnalyzerProviderResource();
        provider.setUrn(resource.provider.urn);
        provider.setType(resource.provider.type);
        provider.setName(resource.provider.name);
        provider.setProperties(toStruct(resource.provider.properties));
        message.setProvider(provider);
    }
    if (full) {
        if (resource.parent) message.setParent(resource.parent);
        message.setDependenciesList([...resource.dependencies]);
    }
    return message;
}

function violations(response: any): PolicyViolation[] {
    return (response.getDiagnosticsList() as any[]).map((d) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        urn: d.getUrn() || undefined,
    }));
}

/** Starts the pack's analyzer and configures it for the stack; a bad enforcement file stops here, naming itself. */
export async function startAnalyzer(options: AnalyzerOptions): Promise<Analyzer> {
    const entry = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [options.packDir] });
    const plugin = await startPlugin({
        name: `policy pack ${options.packDir} (analyzer)`,
        args: [entry, options.engineAddress, options.packDir],
        cwd: options.packDir,
        env: { ...process.env, PULUMI_NODEJS_PROJECT: options.project, PULUMI_NODEJS_STACK: options.stack, PULUMI_NODEJS_DRY_RUN: String(options.dryRun) },
    });
    const rpc = client(analyzerrpc.AnalyzerClient, plugin.address);
    try {
        const info = await call<any>(rpc, "getAnalyzerInfo", new emptyproto.Empty());
        const policies = (info.getPoliciesList() as any[]).map(describe);
        const reconciled = readPolicyConfig(options.configFile, policies, options.configName);
        const configure = new analyzerproto.ConfigureAnalyzerRequest();
        const map = configure.getPolicyconfigMap();
        for (const [name, config] of Object.entries(reconciled)) {
            const policyConfig = new analyzerproto.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVEL_NUMBERS[config.enforcementLevel]);
            policyConfig.setProperties(structproto.Struct.fromJavaScript(config.properties));
            map.set(name, policyConfig);
        }
        await call(rpc, "configure", configure);
        const stackConfigure = new analyzerproto.AnalyzerStackConfigureRequest();
        stackConfigure.setStack(options.stack);
        stackConfigure.setProject(options.project);
        stackConfigure.setDryRun(options.dryRun);
        await call(rpc, "configureStack", stackConfigure).catch(() => undefined);
        return {
            packName: info.getName(),
            policies,
            // A resource policy's diagnostic belongs to the resource analyzed, as the CLI reports it.
            analyze: async (resource) => violations(await call(rpc, "analyze", toAnalyzerResource(resource, false))).map((v) => ({ ...v, urn: v.urn ?? resource.urn })),
            analyzeStack: async (resources) => {
                const request = new analyzerproto.AnalyzeStackRequest();
                request.setResourcesList(resources.map((r) => toAnalyzerResource(r, true)));
                return violations(await call(rpc, "analyzeStack", request));
            },
            close: async () => {
                rpc.close();
                await plugin.stop();
            },
        };
    } catch (error) {
        rpc.close();
        await plugin.stop();
        throw error;
    }
}

/** The enforcement file of a stack, where the CLI is told to read it from. */
export function enforcementFileOf(packDir: string, stack: string): string {
    return join(packDir, enforcementFileName(packDir, stack));
}

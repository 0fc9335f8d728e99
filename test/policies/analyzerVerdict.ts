/**
 * The one adapter between the whole-stack policy tests and the policy verdict: the real analyzer
 * (`@pulumi/policy`'s own server, started by engine/analyzer.ts with the stack's enforcement file through the
 * engine's own validation) asked Analyze per resource and AnalyzeStack at the end, over the resource graph of the
 * fast in-process harness (`runStack`) in the shape the engine sends (analyzerInput.ts). Inputs are checked by
 * the engine's own providers: the real dynamic-provider host for the Fly resources, the schema-checked stand-ins
 * for the others. engine-agreement.test.ts holds this to the engine's own preview of the real program.
 *
 * A full engine run costs seconds per stack; here the providers' host and one analyzer per (stack, enforcement,
 * preview) are started once per test process and reused, and closed when the tests end.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { enforcementFileOf, startAnalyzer, type AnalyzedResource, type Analyzer } from "../../engine/analyzer";
import { startProvider } from "../../engine/providers";
import { loadSchemas } from "../../engine/providers/schema";
import type { ResourceProvider } from "../../engine/providers/types";
import { emptyproto, engproto, engrpc, serve, unary } from "../../engine/rpc";
import { nameOf } from "../../engine/urn";
import { PROJECT } from "../../config";
import { ROOT, runStack, type StackRun } from "../harness/stack";
import { analyzerInput, type AnalyzerInput } from "./analyzerInput";

/** One hand-written resource in the engine's wire shape (secrets in Pulumi's envelope, unknowns as the engine's sentinels). */
export interface RuleInput {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Inputs; Analyze (resource rules) is shown these. */
    readonly props: Record<string, unknown>;
    /** Outputs; AnalyzeStack (stack rules) is shown these. Defaults to `props`. */
    readonly outputs?: Record<string, unknown>;
    readonly opts?: { readonly protect?: boolean };
    readonly dependencies?: readonly string[];
}

/** One policy violation, as the analyzer reports it. */
export interface JudgedViolation {
    /** The rule's name (`safe-rollout`). */
    readonly policy: string;
    /** What it does to the deployment: `mandatory` blocks it. A rule that could not run is reported advisory. */
    readonly level: "advisory" | "mandatory";
    readonly message: string;
    /** The resource in violation; absent for a stack-wide violation. */
    readonly urn?: string;
}

/** What to change before judging. */
export interface JudgeOptions {
    /** Edits the stack file's config (keys without the project namespace) before the run. */
    readonly mutate?: (config: Record<string, any>) => void;
    /** Secret config values by key (`JWT_SECRET`, names listed in `secrets.extra`), as `pulumi config set --secret`. */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Judge a preview (computed values unknown) rather than a stack whose values are all known. */
    readonly preview?: boolean;
    /**
     * The enforcement file's content to use instead of `policies/<stack>.json` (validated the same way, and named
     * `policies/<stack>.json` in errors).
     * @default the stack's own file
     */
    readonly enforcement?: unknown;
}

/** The processes every judgement shares: an engine endpoint for the plugins, the providers, the analyzers. */
class Session {
    private readonly analyzers = new Map<string, Promise<Analyzer>>();
    private readonly schemas = loadSchemas(join(ROOT, "contracts", "pulumi-schemas"));
    private readonly providers = new Map<string, Promise<ResourceProvider>>();
    private readonly dir = mkdtempSync(join(tmpdir(), "judge-"));
    private readonly engine = serve([[engrpc.EngineService, {
        // The plugins log through the engine; nothing they log changes a verdict.
        log: unary(async () => new emptyproto.Empty()),
        getRootResource: unary(async () => new engproto.GetRootResourceResponse()),
        setRootResource: unary(async () => new engproto.SetRootResourceResponse()),
    }]]);

    private async address(): Promise<string> {
        return (await this.engine).address;
    }

    /** The provider of a package, the one the engine runs (engine/providers/index.ts); started once. */
    provider(pkg: string): Promise<ResourceProvider> {
        let provider = this.providers.get(pkg);
        if (!provider) {
            provider = this.address().then((engineAddress) => startProvider(pkg, { cwd: ROOT, engineAddress, env: process.env, schemas: this.schemas, now: () => new Date() }));
            this.providers.set(pkg, provider);
        }
        return provider;
    }

    /**
     * The analyzer for a stack, enforcement file content (undefined: the stack's own file) and mode, of the project's
     * pack or another one (`packDir`); started once.
     */
    analyzer(stack: string, enforcement: unknown, preview: boolean, packDir: string = join(ROOT, "policies")): Promise<Analyzer> {
        const content = enforcement === undefined ? undefined : JSON.stringify(enforcement);
        const key = JSON.stringify([stack, content, preview, packDir]);
        let analyzer = this.analyzers.get(key);
        if (!analyzer) {
            let configFile = enforcementFileOf(join(ROOT, "policies"), stack);
            if (content !== undefined) {
                configFile = join(this.dir, `${this.analyzers.size}-${stack}.json`);
                writeFileSync(configFile, content);
            }
            analyzer = this.address().then((engineAddress) =>
                startAnalyzer({ packDir, configFile, configName: `policies/${stack}.json`, engineAddress, project: PROJECT, stack, dryRun: preview }),
            );
            this.analyzers.set(key, analyzer);
        }
        return analyzer;
    }

    async close(): Promise<void> {
        const started = await Promise.allSettled([...this.analyzers.values(), ...this.providers.values()]);
        await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.close() : undefined)));
        (await this.engine).server.forceShutdown();
        rmSync(this.dir, { recursive: true, force: true });
    }
}

let session: Session | undefined;
const shared = (): Session => (session ??= new Session());
// The plugins are child processes: a test file ends only once they are gone. Registered as the module loads, so the
// hook belongs to the whole file, not to the first test that judges.
after(() => session?.close());

/** The changed stack's run; rejects when the changed configuration is invalid (a mutation must stay valid). */
async function changedRun(stack: string, options: Omit<JudgeOptions, "enforcement">): Promise<StackRun> {
    const run = await runStack(stack, { mutate: options.mutate, secrets: options.secrets, preview: options.preview });
    if (run.configError) throw new Error(`stack ${stack}: the changed configuration is invalid, so nothing was judged:\n${run.configError.message}`);
    return run;
}

/** What the analyzer is shown of a run (a preview's if `preview`); rejects when a provider refuses an input. */
function inputOf(run: StackRun, preview: boolean): Promise<AnalyzerInput> {
    const providers = shared();
    return analyzerInput(run, preview, async (pkg, target, news) => (await providers.provider(pkg)).check(target, undefined, news));
}

/** What the analyzer is shown of `stack` after the given changes (engine-agreement.test.ts compares it). */
export async function analyzerInputOf(stack: string, options: Omit<JudgeOptions, "enforcement"> = {}): Promise<AnalyzerInput> {
    return inputOf(await changedRun(stack, options), options.preview ?? false);
}

/** Asks the analyzer as the engine does: Analyze each resource, then AnalyzeStack once. */
async function verdict(input: AnalyzerInput, analyzer: Analyzer): Promise<{ violations: JudgedViolation[] }> {
    const found = [];
    for (const resource of input.resources) found.push(...(await analyzer.analyze(resource)));
    found.push(...(await analyzer.analyzeStack(input.stack)));
    return {
        violations: found.map((v) => ({
            policy: v.policyName,
            // The runtime sends `remediate` as mandatory and never reports a disabled policy.
            level: v.enforcementLevel === "advisory" ? "advisory" : "mandatory",
            message: v.message,
            ...(v.urn ? { urn: v.urn } : {}),
        })),
    };
}

/**
 * The real analyzer's verdict on `stack` after the given changes, with the stack's enforcement. Rejects when the
 * changed configuration is invalid, when a provider refuses an input, and with `EnforcementError` when the
 * enforcement file is not valid.
 */
export async function judge(stack: string, options: JudgeOptions = {}): Promise<{ violations: JudgedViolation[] }> {
    const preview = options.preview ?? false;
    const [input, analyzer] = await Promise.all([analyzerInputOf(stack, options), shared().analyzer(stack, options.enforcement, preview)]);
    return verdict(input, analyzer);
}

/** The verdict on a run the caller made (e.g. with its own environment), as {@link judge} gives it. */
export async function judgeRun(run: StackRun, options: Pick<JudgeOptions, "preview" | "enforcement"> = {}): Promise<{ violations: JudgedViolation[] }> {
    const preview = options.preview ?? false;
    const [input, analyzer] = await Promise.all([inputOf(run, preview), shared().analyzer(run.stack, options.enforcement, preview)]);
    return verdict(input, analyzer);
}

/**
 * The real analyzer's verdict on hand-written resources in the wire shape (fixtures.ts), for a shape no stack
 * config produces (a stack with no database, one property of one resource changed), with `stack`'s enforcement or
 * the given one: Analyze is shown each one's inputs, AnalyzeStack their outputs. The analyzer opens secret
 * envelopes and puts its unknown-checking proxy before the rules, as under the CLI; a rule that trips over an
 * unknown is reported advisory ("can't run ... during preview"), whatever the enforcement says.
 * @param options.packDir Another policy pack to ask (a test's own). @default the project's pack
 */
export async function judgeResources(stack: string, written: readonly RuleInput[], options: Pick<JudgeOptions, "enforcement"> & { readonly packDir?: string } = {}): Promise<{ violations: JudgedViolation[] }> {
    const shown = (r: RuleInput, properties: Record<string, unknown>): AnalyzedResource => ({ urn: r.urn, type: r.type, name: nameOf(r.urn), properties: properties as AnalyzedResource["properties"], protect: r.opts?.protect ?? false, dependencies: r.dependencies ?? [] });
    const input = { resources: written.map((r) => shown(r, r.props)), stack: written.map((r) => shown(r, r.outputs ?? r.props)) };
    return verdict(input, await shared().analyzer(stack, options.enforcement, false, options.packDir));
}

/**
 * The offline engine: one Pulumi operation (preview, up, refresh, destroy) of one stack, with the real Node runtimes
 * on the other side of Pulumi's gRPC protocols: the program through `@pulumi/pulumi/cmd/run`, the Fly resources
 * through the dynamic-provider host, the policy pack through `@pulumi/policy`'s analyzer. Plugin-backed providers
 * (docker, random, time, github, sentry) are schema-checked stand-ins. State is kept in a file between operations.
 *
 * ```ts
 * const preview = await runOperation({ stack: "prod", operation: "preview" });
 * const up = await runOperation({ stack: "dev", operation: "up", stateFile: ".offline/dev.json" });
 * ```
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { enforcementFileOf, startAnalyzer, type Analyzer, type PolicyViolation } from "./analyzer";
import { Deployment, type Diagnostic, type Operation, type Step } from "./deployment";
import { readProjectFile, runProgram, type ProgramConfig, type ProgramExit } from "./program";
import { loadSchemas } from "./providers/schema";
import { engrpc, resrpc, serve, type Wire } from "./rpc";
import { loadState, saveState, type StackState } from "./state";
import { programConfig, readStackConfig } from "./stackConfig";

export type { Diagnostic, Operation, Step } from "./deployment";
export type { PolicyViolation } from "./analyzer";
export type { StackState, ResourceState } from "./state";
export { PolicyConfigError } from "./policyConfig";

/** The repository the engine belongs to. */
export const ROOT = join(__dirname, "..");

export interface OperationOptions {
    readonly stack: string;
    readonly operation: Operation;
    /** The project directory (Pulumi.yaml). @default the repository root */
    readonly root?: string;
    /** Where state is read from and (except for a preview) written to. Without it the stack starts empty and nothing is kept. */
    readonly stateFile?: string;
    /**
     * Edits the stack file's `config` map before the run: keys of the project's namespace without it (`app`,
     * `database`), other namespaces' keys as `:<ns>:<name>`.
     */
    readonly mutate?: (config: Record<string, any>) => void;
    /** Secret config values by name, as `pulumi config set --secret NAME` would store them. */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Environment for the program and the provider plugins, over this process's (e.g. `FLY_API_HOSTNAME`). */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** The policy pack's directory, or false for none. @default <root>/policies */
    readonly policyPack?: string | false;
    /** The enforcement file. @default <policy pack>/<stack>.json, or its review.json for a review stack (config/stackFile.ts) */
    readonly policyConfig?: string;
    /** The engine's clock (time.Rotating stand-ins compare against it). @default the real clock */
    readonly now?: () => Date;
    /** The passphrase the state's secrets are encrypted with. @default PULUMI_CONFIG_PASSPHRASE, or empty */
    readonly passphrase?: string;
}

export interface OperationResult {
    readonly stack: string;
    readonly operation: Operation;
    /** False when the operation failed: config error, check failure, policy violation that is mandatory, ... */
    readonly ok: boolean;
    readonly steps: readonly Step[];
    readonly diagnostics: readonly Diagnostic[];
    readonly violations: readonly PolicyViolation[];
    /** Stack outputs (secrets marked; unknowns on preview). */
    readonly outputs: Record<string, Wire>;
    readonly state: StackState;
    /** The program's exit, when it ran. */
    readonly program?: ProgramExit;
    /** The policy pack's name, when it ran. */
    readonly policyPack?: string;
    /** Why the operation failed, in one message, when it did. */
    readonly error?: string;
}

/** Runs one operation of one stack. */
export async function runOperation(options: OperationOptions): Promise<OperationResult> {
    const root = options.root ?? ROOT;
    const project = readProjectFile(root);
    const passphrase = options.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? "";
    const old = loadState(options.stateFile, project.name, options.stack, passphrase);
    const env = Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    const deployment = new Deployment({
        root,
        project: project.name,
        stack: options.stack,
        operation: options.operation,
        old,
        // The published schemas this repository pins, whichever project runs (a test fixture has none of its own).
        schemas: loadSchemas(join(ROOT, "contracts", "pulumi-schemas")),
        providerEnv: env,
        now: options.now ?? (() => new Date()),
    });
    const { monitor, engine } = deployment.services();
    const { server, address } = await serve([
        [resrpc.ResourceMonitorService, monitor],
        [engrpc.EngineService, engine],
    ]);
    deployment.setEngineAddress(address);
    let analyzer: Promise<Analyzer> | undefined;
    let program: ProgramExit | undefined;
    let error: string | undefined;
    try {
        const runsProgram = options.operation === "preview" || options.operation === "up";
        const packDir = options.policyPack === false ? undefined : (options.policyPack ?? join(root, "policies"));
        if (packDir && runsProgram) {
            const configFile = options.policyConfig ?? enforcementFileOf(packDir, options.stack);
            if (!existsSync(configFile)) throw new Error(`No policy enforcement file ${configFile} for stack "${options.stack}": create it (e.g. copy policies/staging.json), so the stack's enforcement is stated, never assumed`);
            // Messages name a file of the project as the user wrote it (`policies/prod.json`).
            const configName = relative(root, configFile).startsWith("..") ? configFile : relative(root, configFile);
            analyzer = startAnalyzer({ packDir, configFile, configName, engineAddress: address, project: project.name, stack: options.stack, dryRun: options.operation === "preview" });
            analyzer.catch(() => undefined);
            deployment.attachAnalyzer(analyzer);
            // As the CLI does (loadPolicyPlugins waits for every pack before the program starts): the pack is started
            // and configured first, so a pack that cannot start (a bad enforcement file) stops the operation before
            // any resource is registered, and the program's start-up is measured after the pack's, as users wait for it.
            await analyzer;
        }
        if (runsProgram) {
            const config: ProgramConfig = stackProgramConfig(root, project.name, options);
            const exit = await runProgram({ root, project, stack: options.stack, monitorAddress: address, engineAddress: address, dryRun: options.operation === "preview", config, env });
            program = exit;
            await deployment.finishProgram(exit.code === 0);
            if (exit.code !== 0) error = programError(exit, deployment.diagnostics);
        } else if (options.operation === "refresh") {
            await deployment.refresh();
        } else {
            await deployment.destroy();
        }
    } catch (e) {
        error = e instanceof Error ? e.message : String(e);
    } finally {
        await deployment.close();
        if (analyzer) await analyzer.then((a) => a.close(), () => undefined);
        server.forceShutdown();
    }
    const mandatory = deployment.violations.filter((v) => v.enforcementLevel === "mandatory");
    if (!error && !deployment.ok) error = deployment.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n");
    if (!error && mandatory.length > 0) error = `${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"}`;
    const state = options.operation === "preview" ? old : deployment.newState();
    if (options.stateFile && options.operation !== "preview") saveState(options.stateFile, state, passphrase);
    return {
        stack: options.stack,
        operation: options.operation,
        ok: error === undefined,
        steps: deployment.steps,
        diagnostics: deployment.diagnostics,
        violations: deployment.violations,
        outputs: deployment.stackOutputs(),
        state,
        program,
        policyPack: analyzer ? await analyzer.then((a) => a.packName, () => undefined) : undefined,
        error,
    };
}

function stackProgramConfig(root: string, namespace: string, options: OperationOptions): ProgramConfig {
    const written = readStackConfig(root, options.stack);
    if (!options.mutate) return programConfig(written, namespace, options.secrets);
    const prefix = `${namespace}:`;
    const config = Object.fromEntries(Object.entries(written).map(([k, v]) => [k.startsWith(prefix) ? k.slice(prefix.length) : `:${k}`, v]));
    options.mutate(config);
    const full = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.startsWith(":") ? k.slice(1) : `${prefix}${k}`, v]));
    return programConfig(full, namespace, options.secrets);
}

/** The program's failure as the user would read it: its logged errors, else what it printed. */
function programError(exit: ProgramExit, diagnostics: readonly Diagnostic[]): string {
    const logged = diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
    if (logged.length > 0) return logged.join("\n");
    return `the program exited with code ${exit.code}\n${exit.stderr || exit.stdout}`.trim();
}

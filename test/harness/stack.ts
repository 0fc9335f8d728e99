/**
 * The offline stack harness: runs `index.ts` for one `Pulumi.<stack>.yaml` under `pulumi.runtime.setMocks` and
 * returns every resource the program registered (with its options and which inputs are secret) plus the stack
 * outputs. The fast unit layer of the tests: the offline engine (`engine/`) is what runs the real runtimes.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, PROJECT } from "../../config";
import { SECRET_SIG, SIG_KEY } from "../../engine/rpc";
import { engineConfig, readStackFile } from "../../scripts/stackFile";
import { TEST_TOKEN } from "../fly/emulator/defaults";
import { mockState } from "./outputs";

/** The repository root (where `Pulumi.yaml` lives). */
export const ROOT = join(__dirname, "..", "..");

/** One resource as the program registered it. */
export interface RegisteredResource {
    readonly urn: string;
    /** Type token, e.g. `docker:index/container:Container` or `pulumi-nodejs:dynamic/fly:MachineGroup`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** URN of the parent resource, if any. */
    readonly parent?: string;
    /** Whether this is a custom (provider-backed) resource rather than a component. */
    readonly custom: boolean;
    /** Resolved inputs, secrets unwrapped (see `secretPaths`); a dynamic provider's serialized code is removed. */
    readonly inputs: Record<string, any>;
    /** Paths (`values.JWT_SECRET`, `envs[2]`) of inputs that are secret. */
    readonly secretPaths: readonly string[];
    /** Reference to the explicit provider resource (`urn::id`), if one was given. */
    readonly provider?: string;
    /** The provider package version the SDK asked for (what names the engine's default provider); "" if none. */
    readonly version: string;
    /** The dynamic provider's serialized size in characters, when the resource is a dynamic one. */
    readonly serializedProviderLength?: number;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** URNs this resource explicitly depends on. */
    readonly dependsOn: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly ignoreChanges: readonly string[];
    readonly deleteBeforeReplace: boolean;
    /** State after the mocked create (inputs plus computed outputs), secrets unwrapped. */
    readonly state: Record<string, any>;
    /**
     * The same as Pulumi's wire carries them (secret envelopes, unknown sentinels, a dynamic resource's
     * `__provider`): what the program sent, what the mocked create answered, and for a component what it
     * registered as its outputs. The policy judge shows these to the analyzer, as the engine does.
     */
    readonly wire: { readonly inputs: Record<string, any>; readonly state: Record<string, any>; outputs?: Record<string, any> };
}

/** The outcome of one offline evaluation of a stack. */
export interface StackRun {
    readonly stack: string;
    readonly resources: readonly RegisteredResource[];
    /** Stack outputs, awaited, secrets unwrapped. */
    readonly outputs: Record<string, unknown>;
    /** Names of stack outputs that are secret. */
    readonly secretOutputs: readonly string[];
    /** Set when the configuration was invalid (and then `resources` is empty). */
    readonly configError?: ConfigError;
}

/** Options for `runStack`. */
export interface RunOptions {
    /**
     * Edits the stack file's `config` map (keys without the namespace, e.g. `app`, `database`) before the run,
     * so a test can make one change to a real stack file.
     */
    readonly mutate?: (config: Record<string, any>) => void;
    /** Secret config values (`NAME` → plaintext), as `pulumi config set --secret NAME` would store them. */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Evaluate as a preview (unknown computed values) rather than an update. */
    readonly preview?: boolean;
    /**
     * Environment variables the program sees during the run (restored afterwards). By default `FLY_API_TOKEN` (and
     * prod's source token `FLY_STAGING_API_TOKEN`) is an offline stand-in, as in CI where the deploy token is set;
     * pass `{ FLY_API_TOKEN: undefined }` to unset it.
     */
    readonly env?: Readonly<Record<string, string | undefined>>;
}

export { TEST_TOKEN } from "../fly/emulator/defaults";

export { engineConfig, parseStackFile, readStackFile } from "../../scripts/stackFile";

/** Unwraps Pulumi's serialized secrets, noting the path of each. */
function unwrapSecrets(node: unknown, path: string, secrets: string[]): unknown {
    if (Array.isArray(node)) return node.map((item, i) => unwrapSecrets(item, `${path}[${i}]`, secrets));
    if (node !== null && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            secrets.push(path || "(value)");
            return unwrapSecrets(record.value, path, []);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v, path ? `${path}.${k}` : k, secrets)]));
    }
    return node;
}

/** The program: `index.ts` exports a function, so one loaded module evaluates any number of stacks. */
function loadProgram(): () => Promise<Record<string, unknown>> {
    const entry = require.resolve(join(ROOT, "index.ts"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(entry);
    return typeof loaded === "function" ? loaded : loaded.default;
}

/** Awaits an Output-ish value and reports whether it was secret. */
async function settle(value: unknown): Promise<{ value: unknown; secret: boolean }> {
    const output = pulumi.output(value) as any;
    const [resolved, secret] = await Promise.all([output.promise(), output.isSecret]);
    return { value: resolved, secret };
}

/** Serializes runs: the Pulumi runtime's settings are process-wide. */
let queue: Promise<unknown> = Promise.resolve();

/** What one evaluation under mocks registered and returned. */
export interface Evaluation {
    readonly resources: readonly RegisteredResource[];
    /** The body's result, awaited, secrets unwrapped. */
    readonly outputs: Record<string, unknown>;
    /** Keys of `outputs` that were secret. */
    readonly secretOutputs: readonly string[];
    /** What the body threw, if it threw (the resources registered before it are still reported). */
    readonly error?: unknown;
}

/** Settings of one evaluation under mocks. */
export interface MockSettings {
    readonly stack: string;
    readonly preview?: boolean;
    /** Runs after the mocks are installed and before `body` (e.g. to set the stack's config). */
    readonly configure?: () => void;
}

/**
 * Runs `body` under `pulumi.runtime.setMocks`, recording every resource registration (inputs with secrets
 * unwrapped, secret paths, options), then awaits what `body` returns and every outstanding registration.
 * `runStack` uses it for the whole program; component tests use it for one component. Runs are queued, because
 * the Pulumi runtime's settings are process-wide.
 */
export function underMocks(settings: MockSettings, body: () => unknown): Promise<Evaluation> {
    const run = queue.then(() => withCheapStackTraces(() => evaluateUnderMocks(settings, body)));
    queue = run.catch(() => undefined);
    return run;
}

/** A stack trace as V8 prints it, from the frames it captured: no source map consulted. */
const plainTrace = (error: Error, frames: NodeJS.CallSite[]): string => `${error}${frames.map((f) => `\n    at ${f}`).join("")}`;

/**
 * Runs `work` with cheap stack traces. The SDK reads `new Error().stack` for every promise it makes (kept for a
 * report of leaked promises at exit) and every resource (its source position): mapped through tsx's source maps,
 * that was close to half of an evaluation's time. While the program evaluates, traces name the JavaScript tsx ran
 * (same files, nearly the same lines), and the per-promise one is not formatted at all; the tests' own errors stay
 * mapped.
 */
async function withCheapStackTraces<T>(work: () => Promise<T>): Promise<T> {
    const enabled = process.sourceMapsEnabled;
    const prepare = Error.prepareStackTrace;
    process.setSourceMapsEnabled(false);
    Error.prepareStackTrace = (error, frames) => (frames[0]?.getFunctionName() === "debuggablePromise" ? "" : plainTrace(error, frames));
    try {
        return await work();
    } finally {
        Error.prepareStackTrace = prepare;
        process.setSourceMapsEnabled(enabled);
    }
}

async function evaluateUnderMocks(settings: MockSettings, body: () => unknown): Promise<Evaluation> {
    const resources: RegisteredResource[] = [];
    const mocks: pulumi.runtime.Mocks = {
        // In a preview the engine knows only the inputs: computed outputs stay unknown, as `pulumi preview` shows them.
        newResource: (args) => ({
            id: args.custom === false ? undefined : `${args.name}-id`,
            state: settings.preview ? args.inputs : mockState(args.type, args.name, args.inputs),
        }),
        call: (args) => args.inputs,
    };
    await pulumi.runtime.setMocks(mocks, PROJECT, settings.stack, settings.preview ?? false);
    settings.configure?.();

    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, response: any) => void) =>
        register(req, (err: unknown, response: any) => {
            if (!err) resources.push(describe(req, response));
            callback(err, response);
        });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, response: any) => void) => {
        const resource = resources.find((r) => r.urn === req.getUrn());
        if (resource) resource.wire.outputs = req.getOutputs()?.toJavaScript() ?? {};
        return registerOutputs(req, callback);
    };

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    let error: unknown;
    try {
        const exported = (await body()) as Record<string, unknown> | undefined;
        for (const [key, value] of Object.entries(exported ?? {})) {
            const settled = await settle(value);
            outputs[key] = settled.value;
            if (settled.secret) secretOutputs.push(key);
        }
    } catch (thrown) {
        error = thrown;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return { resources, outputs, secretOutputs, error };
}

/**
 * Evaluates the program for `stack` offline. A configuration error is returned (not thrown) with the resources
 * registered before it, which must be none.
 */
export async function runStack(stack: string, options: RunOptions = {}): Promise<StackRun> {
    const config = readStackFile(stack);
    options.mutate?.(config);
    const { values, secretKeys } = engineConfig(config, options.secrets);
    const env = { FLY_API_TOKEN: TEST_TOKEN, FLY_STAGING_API_TOKEN: TEST_TOKEN, ...options.env };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const apply = (entries: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(entries)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    const run = await underMocks(
        {
            stack,
            preview: options.preview,
            configure: () => {
                pulumi.runtime.setAllConfig(values, [...secretKeys]);
                apply(env);
            },
        },
        async () => {
            // The program reads its configuration and environment synchronously, before its first await.
            try {
                return await loadProgram()();
            } finally {
                apply(saved);
            }
        },
    );
    if (run.error !== undefined && !(run.error instanceof ConfigError)) throw run.error;
    const configError = run.error instanceof ConfigError ? run.error : undefined;
    return { stack, resources: run.resources, outputs: configError ? {} : run.outputs, secretOutputs: run.secretOutputs, configError };
}

function describe(req: any, response: any): RegisteredResource {
    const secretPaths: string[] = [];
    const wire = { inputs: (req.getObject()?.toJavaScript() ?? {}) as Record<string, any>, state: (response?.getObject()?.toJavaScript() ?? {}) as Record<string, any> };
    const { __provider: provider, ...raw } = wire.inputs;
    const inputs = unwrapSecrets(raw, "", secretPaths) as Record<string, any>;
    const state = unwrapSecrets(wire.state, "", []) as Record<string, any>;
    delete state.__provider;
    return {
        urn: response?.getUrn() ?? "",
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
        custom: req.getCustom(),
        inputs,
        secretPaths,
        serializedProviderLength: typeof provider === "string" ? provider.length : undefined,
        provider: req.getProvider() || undefined,
        version: req.getVersion?.() ?? "",
        protect: req.getProtect?.() ?? false,
        retainOnDelete: req.getRetainondelete?.() ?? false,
        dependsOn: req.getDependenciesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        state,
        wire,
    };
}

/** Resources of one type token. */
export function ofType(run: StackRun, type: string): RegisteredResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type token; fails when there are none or several. */
export function single(run: StackRun, type: string): RegisteredResource {
    const found = ofType(run, type);
    if (found.length !== 1) throw new Error(`expected exactly one ${type} in stack ${run.stack}, found ${found.length}`);
    return found[0];
}

/**
 * The real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started as the CLI starts the
 * `pulumi-nodejs` plugin (./launch.ts: the project's own plugin folder when Pulumi.yaml names one), driven over the
 * ResourceProvider protocol with the engine's semantics: `Configure` first, and when the host answers that it does
 * not accept secrets, secrets are stripped from everything it is sent and put back on what it answers (the top-level
 * outputs whose inputs were secret, plus `additionalSecretOutputs`).
 */
import { startPlugin, type PluginProcess } from "../plugin";
import { readProjectFile } from "../program";
import { dynamicProviderLaunch, pluginEnv } from "./launch";
import { annotateSecrets, call, client, fromStruct, provproto, provrpc, stripSecrets, toStruct, type Wire } from "../rpc";
import type { CheckResult, DiffResult, ReadResult, ResourceProvider, Target } from "./types";

/** Options for {@link startDynamicProvider}. */
export interface DynamicProviderOptions {
    /** The project directory (Pulumi.yaml): the host runs there, and resolves `@pulumi/pulumi` and every `require` of a provider from it. */
    readonly cwd: string;
    /** The engine's address, passed as the plugin's argument as the CLI does. */
    readonly engineAddress: string;
    /** The environment the plugin sees (credentials such as `FLY_API_TOKEN` are read from it at call time). */
    readonly env: NodeJS.ProcessEnv;
}

const DIFF_CHANGES: Record<number, DiffResult["changes"]> = { 0: "unknown", 1: "none", 2: "some" };

/** Names the resource a provider request is about, as every request of the protocol does (`id` once it has one). */
function address(request: any, target: Target, id?: string): void {
    if (id !== undefined) request.setId(id);
    request.setUrn(target.urn);
    request.setType(target.type);
    request.setName(target.name);
}

/** Starts the host, configures it, and returns a provider that talks to it. */
export async function startDynamicProvider(options: DynamicProviderOptions): Promise<ResourceProvider> {
    const project = readProjectFile(options.cwd);
    const launch = await dynamicProviderLaunch(options.cwd, project, options.engineAddress);
    const plugin: PluginProcess = await startPlugin({ name: "pulumi-nodejs (dynamic provider)", command: launch.command, args: launch.args, cwd: options.cwd, env: pluginEnv(project, options.env) });
    const rpc = client(provrpc.ResourceProviderClient, plugin.address);
    const configure = new provproto.ConfigureRequest();
    configure.setArgs(toStruct({}));
    configure.setAcceptsecrets(true);
    configure.setAcceptresources(true);
    const configured = await call<any>(rpc, "configure", configure);
    const acceptsSecrets: boolean = configured.getAcceptsecrets();
    const send = (value: Record<string, Wire>) => toStruct(acceptsSecrets ? value : stripSecrets(value));
    /** An answer with the secretness the host could not carry put back; `additionalSecretOutputs` apply to outputs only. */
    const receive = (struct: any, inputs: Record<string, Wire>, target: Target | undefined) => {
        const answer = fromStruct(struct);
        return acceptsSecrets ? answer : annotateSecrets(answer, inputs, target?.additionalSecretOutputs ?? []);
    };
    /** The host's own message, without grpc's status prefix, plus what it wrote to stderr for this failure. */
    const failed = (error: unknown, what: string): Error => {
        const details = (error as { details?: string }).details ?? (error instanceof Error ? error.message : String(error));
        return new Error(`${what}: ${details}`);
    };

    return {
        label: "pulumi-nodejs",
        standIn: false,
        async check(target, olds, news): Promise<CheckResult> {
            const request = new provproto.CheckRequest();
            address(request, target);
            request.setOlds(send(olds ?? {}));
            request.setNews(send(news));
            const response = await call<any>(rpc, "check", request).catch((e) => Promise.reject(failed(e, "check")));
            const failures = (response.getFailuresList() as any[]).map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
            return { inputs: receive(response.getInputs(), news, undefined), failures };
        },
        async diff(target, id, oldInputs, oldOutputs, news, ignoreChanges): Promise<DiffResult> {
            const request = new provproto.DiffRequest();
            address(request, target, id);
            request.setOlds(send(oldOutputs));
            request.setOldInputs(send(oldInputs));
            request.setNews(send(news));
            request.setIgnorechangesList([...ignoreChanges]);
            const response = await call<any>(rpc, "diff", request).catch((e) => Promise.reject(failed(e, "diff")));
            return {
                changes: DIFF_CHANGES[response.getChanges()] ?? "unknown",
                replaces: response.getReplacesList(),
                deleteBeforeReplace: response.getDeletebeforereplace(),
                diffs: response.getDiffsList(),
            };
        },
        async create(target, inputs) {
            const request = new provproto.CreateRequest();
            address(request, target);
            request.setProperties(send(inputs));
            request.setPreview(false);
            const response = await call<any>(rpc, "create", request).catch((e) => Promise.reject(failed(e, "create")));
            return { id: response.getId(), outputs: receive(response.getProperties(), inputs, target) };
        },
        async read(target, id, inputs, outputs): Promise<ReadResult> {
            const request = new provproto.ReadRequest();
            address(request, target, id);
            request.setProperties(send(outputs));
            request.setInputs(send(inputs));
            const response = await call<any>(rpc, "read", request).catch((e) => Promise.reject(failed(e, "read")));
            const newInputs = response.getInputs() ? receive(response.getInputs(), inputs, target) : undefined;
            return { id: response.getId(), outputs: receive(response.getProperties(), { ...outputs, ...inputs }, target), inputs: newInputs };
        },
        async update(target, id, oldInputs, oldOutputs, news) {
            const request = new provproto.UpdateRequest();
            address(request, target, id);
            request.setOlds(send(oldOutputs));
            request.setOldInputs(send(oldInputs));
            request.setNews(send(news));
            request.setPreview(false);
            const response = await call<any>(rpc, "update", request).catch((e) => Promise.reject(failed(e, "update")));
            return receive(response.getProperties(), news, target);
        },
        async delete(target, id, inputs, outputs) {
            const request = new provproto.DeleteRequest();
            address(request, target, id);
            request.setProperties(send(outputs));
            request.setOldInputs(send(inputs));
            await call<any>(rpc, "delete", request).catch((e) => Promise.reject(failed(e, "delete")));
        },
        async close() {
            rpc.close();
            await plugin.stop();
        },
    };
}

/**
 * Runs components alone under `pulumi.runtime.setMocks` and captures what they register, the way the stack
 * harness does for a whole stack: inputs with secrets unwrapped and the paths of the secret ones, options, parents.
 * Computed outputs come from the harness's `mockState`, so a component behaves as it does inside a stack run.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockState } from "../harness/outputs";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** One registered resource. */
export interface Captured {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly custom: boolean;
    readonly inputs: Record<string, any>;
    /** Paths of secret inputs (`values`, `envs[9]`, `registry.password`). */
    readonly secretPaths: readonly string[];
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly dependsOn: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly provider?: string;
}

/** What one run registered. */
export interface Capture {
    readonly resources: readonly Captured[];
    ofType(type: string): Captured[];
    named(name: string): Captured;
}

function unwrap(node: unknown, path: string, secrets: string[]): unknown {
    if (Array.isArray(node)) return node.map((item, i) => unwrap(item, `${path}[${i}]`, secrets));
    if (node !== null && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            secrets.push(path || "(value)");
            return unwrap(record.value, path, []);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v, path ? `${path}.${k}` : k, secrets)]));
    }
    return node;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `build` (which creates components) under mocks and returns what was registered plus the awaited value of
 * whatever `build` returns, with which of its keys were secret.
 */
export function capture<T extends Record<string, unknown>>(
    build: () => T,
    options: { preview?: boolean; stack?: string } = {},
): Promise<Capture & { outputs: Record<string, unknown>; secretOutputs: string[] }> {
    const run = queue.then(() => evaluate(build, options));
    queue = run.catch(() => undefined);
    return run;
}

async function evaluate<T extends Record<string, unknown>>(build: () => T, options: { preview?: boolean; stack?: string }) {
    const resources: Captured[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: args.custom === false ? undefined : `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) }),
            call: (args) => args.inputs,
        },
        "api-environments",
        options.stack ?? "test",
        options.preview ?? false,
    );
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, response: any) => void) =>
        register(req, (err: unknown, response: any) => {
            if (!err) {
                const secretPaths: string[] = [];
                const raw = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
                delete raw.__provider;
                resources.push({
                    urn: response?.getUrn() ?? "",
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    inputs: unwrap(raw, "", secretPaths) as Record<string, any>,
                    secretPaths,
                    protect: req.getProtect?.() ?? false,
                    retainOnDelete: req.getRetainondelete?.() ?? false,
                    dependsOn: req.getDependenciesList(),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    provider: req.getProvider() || undefined,
                });
            }
            callback(err, response);
        });

    const exported = build();
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(exported)) {
        const output = pulumi.output(value) as any;
        const [resolved, secret] = await Promise.all([output.promise(), output.isSecret]);
        outputs[key] = resolved;
        if (secret) secretOutputs.push(key);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return {
        resources,
        outputs,
        secretOutputs,
        ofType: (type: string) => resources.filter((r) => r.type === type),
        named: (name: string) => {
            const found = resources.filter((r) => r.name === name);
            if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
            return found[0];
        },
    };
}

/** Type tokens the tests look for. */
export const T = {
    rotating: "time:index/rotating:Rotating",
    password: "random:index/randomPassword:RandomPassword",
    dockerImage: "docker:index/image:Image",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    container: "docker:index/container:Container",
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    flyApp: "pulumi-nodejs:dynamic/fly:App",
    flyIp: "pulumi-nodejs:dynamic/fly:IpAssignment",
    flyCert: "pulumi-nodejs:dynamic/fly:Certificate",
    flySecrets: "pulumi-nodejs:dynamic/fly:Secrets",
    flyMachines: "pulumi-nodejs:dynamic/fly:MachineGroup",
    flyPostgres: "pulumi-nodejs:dynamic/fly:ManagedPostgres",
    flyDatabase: "pulumi-nodejs:dynamic/fly:PostgresDatabase",
    flyUser: "pulumi-nodejs:dynamic/fly:PostgresUser",
    ghProvider: "pulumi:providers:github",
    ghEnvironment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    ghDeploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    ghRuleset: "github:index/repositoryRuleset:RepositoryRuleset",
    ghBranchProtection: "github:index/branchProtection:BranchProtection",
    ghSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ghVariable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    sentryTeam: "sentry:index/sentryTeam:SentryTeam",
    sentryProject: "sentry:index/sentryProject:SentryProject",
    sentryKey: "sentry:index/sentryKey:SentryKey",
} as const;

/** `KEY=value` docker env entries as a map, and which keys were secret entries. */
export function containerEnv(container: Captured): { vars: Map<string, string>; secretKeys: Set<string> } {
    const vars = new Map<string, string>();
    const secretKeys = new Set<string>();
    (container.inputs.envs as string[]).forEach((entry, i) => {
        const at = entry.indexOf("=");
        const key = entry.slice(0, at);
        vars.set(key, entry.slice(at + 1));
        if (container.secretPaths.includes(`envs[${i}]`)) secretKeys.add(key);
    });
    return { vars, secretKeys };
}

/** Names that look like they hold a secret. */
export const SECRET_LOOKING = /SECRET|TOKEN|PASSWORD|_KEY$|^DATABASE_URL$|^SENTRY_DSN$/;

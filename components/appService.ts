/**
 * AppService: the API itself. Builds (or takes) its image and runs it either on Fly (app, machines over the
 * configured regions, shared IPv4 + IPv6, certificates, secrets) or as a local Docker container next to the local
 * database. Secrets reach the app only through Fly's secret store or secret container env entries. An optional
 * release step (migrations) runs the new image's command once before anything that serves traffic changes: a
 * `fly.Release` machine between the secrets and the machines, or a one-off container before the app container.
 */
import { posix } from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as fly from "../providers/fly";
import { AppSettings, PLAIN_ENV_KEYS, appEnv, flyMachineConfig, localHealthCheck, machinesPerRegion } from "./appConfig";
import { NAME_LIMITS, NameScope, physicalName } from "./naming";

/** Type token of {@link AppService}. */
export const APP_SERVICE_TYPE = "platform:app:AppService";

/** Fly's registry; the Fly app's name is the repository. */
export const FLY_REGISTRY = "registry.fly.io";

/** The tag a built image is pushed under. Machines run the pushed digest, never this tag. */
const BUILD_TAG = "deploy";

/** The image: built from a Dockerfile (`context`), or a prebuilt reference (`ref`). Exactly one. */
export interface AppImageArgs {
    /** Build context directory, relative to the Pulumi project. */
    readonly context?: string;
    /**
     * Dockerfile path, relative to the build context.
     * @default "Dockerfile"
     */
    readonly dockerfile?: string;
    /** A prebuilt image reference; pin it with `@sha256:` (machines pin an unpinned one on first start). */
    readonly ref?: string;
}

/** Running on Fly.io. */
export interface FlyAppRuntimeArgs {
    readonly kind: "fly";
    /** Fly organization slug. */
    readonly orgSlug: string;
    /** Regions to run in; the first is the primary. */
    readonly regions: readonly string[];
    /**
     * Machines per region.
     * @default 1
     */
    readonly machinesPerRegion?: number;
    /** @default "shared" */
    readonly cpuKind?: "shared" | "performance";
    /** @default 1 */
    readonly cpus?: number;
    /** @default 512 */
    readonly memoryMb?: number;
    /**
     * Fly proxy autostop; `off` keeps machines running.
     * @default "off"
     */
    readonly autostop?: "off" | "stop" | "suspend";
    /**
     * Machines the proxy keeps running when idle.
     * @default 1
     */
    readonly minRunning?: number;
    /**
     * Proxy concurrency limits, in requests.
     * @default { soft: 200, hard: 250 }
     */
    readonly concurrency?: { readonly soft: number; readonly hard: number };
    /** @default "rolling" */
    readonly strategy?: fly.RolloutStrategy;
    /** @default 1 */
    readonly maxUnavailable?: number;
    /** @default 300 */
    readonly healthTimeoutSeconds?: number;
    /**
     * Custom domains; each gets a certificate, and the first is the public URL.
     * @default []
     */
    readonly domains?: readonly string[];
    /**
     * Fly API token used to push a built image to `registry.fly.io` (secret). Required when `image.context` is set.
     * @default undefined
     */
    readonly registryToken?: pulumi.Input<string>;
}

/** Running as a local Docker container. */
export interface LocalAppRuntimeArgs {
    readonly kind: "local";
    /** Docker network to join (the database's). */
    readonly network: pulumi.Input<string>;
    /**
     * The database the app (and its release step) must wait for: the release container and the app container
     * depend on it, so they start once it answers.
     * @default no explicit dependency
     */
    readonly database?: pulumi.Resource;
    /**
     * Host port the API is published on, bound to 127.0.0.1.
     * @default 8080
     */
    readonly hostPort?: number;
}

/** The release step: a command run with each new image before it takes traffic (database migrations). */
export interface AppReleaseArgs {
    /**
     * The command as an argument list, run in the app's image with the app's env and secrets.
     * @example ["npm", "run", "migrate"]
     */
    readonly command: readonly string[];
    /**
     * Seconds the command may run before the deploy fails.
     * @default 600
     */
    readonly timeoutSeconds?: number;
}

/** Arguments of {@link AppService}. */
export interface AppServiceArgs {
    /** Where physical names come from (service prefix and stack). */
    readonly scope: NameScope;
    readonly image: AppImageArgs;
    /** Where the app runs. */
    readonly runtime: FlyAppRuntimeArgs | LocalAppRuntimeArgs;
    /**
     * Port the container listens on (`PORT`).
     * @default 8080
     */
    readonly port?: number;
    /**
     * HTTP path of the health endpoint.
     * @default "/health"
     */
    readonly healthPath?: string;
    /** The plain settings the app reads from its environment. */
    readonly settings: AppSettings;
    /**
     * Secrets by environment variable name (`JWT_SECRET`, `DATABASE_URL`, `SENTRY_DSN`, extras). Always delivered
     * as secrets, never plain env.
     * @default {}
     */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * The release step, run once per new image (or command) before the app changes; a failure stops the deploy.
     * @default no release step
     */
    readonly release?: AppReleaseArgs;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const REGION = /^[a-z]{3}$/;

const between = (value: number | undefined, min: number, max: number) => value === undefined || (Number.isInteger(value) && value >= min && value <= max);

/** Problems with plain args, each naming the component, what is allowed and the value received. */
export function validateAppServiceArgs(name: string, args: AppServiceArgs): string[] {
    const problems: string[] = [];
    const where = `AppService "${name}"`;
    const { image, runtime } = args;
    if ((image.context === undefined) === (image.ref === undefined)) {
        problems.push(`${where}: set exactly one of image.context (build from a Dockerfile) or image.ref (a prebuilt image).`);
    }
    if (!between(args.port, 1, 65535)) problems.push(`${where}: port must be a whole number from 1 to 65535, got ${args.port}.`);
    if (args.healthPath !== undefined && !args.healthPath.startsWith("/")) problems.push(`${where}: healthPath must be an absolute path such as /health, got ${JSON.stringify(args.healthPath)}.`);
    const rate = args.settings.sentryTracesSampleRate;
    if (rate !== undefined && !(rate >= 0 && rate <= 1)) problems.push(`${where}: settings.sentryTracesSampleRate must be from 0 to 1, got ${rate}.`);
    if (args.release !== undefined) {
        const { command, timeoutSeconds } = args.release;
        if (command.length === 0 || command.some((part) => typeof part !== "string" || part.length === 0)) {
            problems.push(`${where}: release.command must list the command and its arguments, such as ["npm", "run", "migrate"], got ${JSON.stringify(command)}.`);
        }
        if (!between(timeoutSeconds, 1, 3600)) problems.push(`${where}: release.timeoutSeconds must be a whole number from 1 to 3600, got ${timeoutSeconds}.`);
    }
    for (const key of Object.keys(args.secrets ?? {})) {
        if (!ENV_NAME.test(key)) problems.push(`${where}: secret name "${key}" must be UPPER_SNAKE_CASE, such as STRIPE_API_KEY.`);
        if ((PLAIN_ENV_KEYS as readonly string[]).includes(key)) problems.push(`${where}: secret "${key}" clashes with a plain setting of the same name; rename the secret.`);
    }
    if (runtime.kind === "fly") {
        if (runtime.regions.length === 0) problems.push(`${where}: regions must list at least one Fly region, such as ["ams"].`);
        for (const region of runtime.regions) if (!REGION.test(region)) problems.push(`${where}: region "${region}" is not a three-letter Fly region code such as ams.`);
        if (new Set(runtime.regions).size !== runtime.regions.length) problems.push(`${where}: regions lists a region twice: ${runtime.regions.join(", ")}.`);
        if (!between(runtime.machinesPerRegion, 1, 20)) problems.push(`${where}: machinesPerRegion must be a whole number from 1 to 20, got ${runtime.machinesPerRegion}.`);
        const total = (runtime.machinesPerRegion ?? 1) * runtime.regions.length;
        if (runtime.minRunning !== undefined && !(Number.isInteger(runtime.minRunning) && runtime.minRunning >= 0 && runtime.minRunning <= total)) {
            problems.push(`${where}: minRunning must be a whole number from 0 to the ${total} machine(s) the app has, got ${runtime.minRunning}.`);
        }
        const concurrency = runtime.concurrency;
        if (concurrency && !(concurrency.soft >= 1 && concurrency.soft <= concurrency.hard)) {
            problems.push(`${where}: concurrency.soft must be at least 1 and at most concurrency.hard (${concurrency.hard}), got ${concurrency.soft}.`);
        }
        if (image.context !== undefined && runtime.registryToken === undefined) {
            problems.push(`${where}: building image.context for Fly pushes it to ${FLY_REGISTRY}, which needs a Fly API token; pass runtime.registryToken (set FLY_API_TOKEN before running pulumi).`);
        }
    } else if (!between(runtime.hostPort, 1024, 65535)) {
        problems.push(`${where}: hostPort must be a whole number from 1024 to 65535, got ${runtime.hostPort}.`);
    }
    return problems;
}

/**
 * The release container's exit code, checked: the docker provider reports a finished container's code without
 * failing, so a failed migration would otherwise let the app container roll. Throws with the code and the command to
 * read the container's output.
 */
export function requireReleaseSuccess(component: string, container: string, exitCode: number | undefined): string {
    if (exitCode === 0) return "0";
    const what = exitCode === undefined ? "did not report an exit code" : `exited with code ${exitCode}`;
    throw new Error(
        `AppService "${component}": the release container ${container} ${what}, so the app container was not (re)created. ` +
            `Read its output with \`docker logs ${container}\`, fix the cause, and run the update again (docs/runbooks/failed-migration.md).`,
    );
}

/**
 * The machine config with only its image left as an Output. Everything else stays a plain value, so preview (and
 * the policy pack) sees the services, checks and env even while the image is still to be built.
 */
function withImage(config: fly.FlyMachineConfig, image: pulumi.Input<string>): fly.FlyMachineConfig {
    // MachineGroupArgs types config as Input<FlyMachineConfig> with a plain `image`; the engine resolves nested
    // Outputs in inputs, so a nested Output image is sound at runtime.
    return { ...config, image: image as unknown as string };
}

/** The API service of one environment. */
export class AppService extends pulumi.ComponentResource {
    /** Physical name: the Fly app, or the local container. */
    public readonly appName: pulumi.Output<string>;
    /** Public base URL. */
    public readonly url: pulumi.Output<string>;
    /** URL of the health endpoint. */
    public readonly healthUrl: pulumi.Output<string>;
    /** The image the app runs, pinned by digest (`repo@sha256:...`). */
    public readonly imageRef: pulumi.Output<string>;

    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before registering, so invalid args leave nothing half-registered.
        const problems = validateAppServiceArgs(name, args);
        if (problems.length > 0) throw new Error(problems.join("\n"));
        super(APP_SERVICE_TYPE, name, {}, opts);
        const port = args.port ?? 8080;
        const healthPath = args.healthPath ?? "/health";
        const secrets = args.secrets ?? {};

        const runtime = args.runtime;
        if (runtime.kind === "fly") {
            const appName = physicalName(args.scope, undefined, NAME_LIMITS.fly);
            const domains = runtime.domains ?? [];
            const app = new fly.App(`${name}-app`, { name: appName, orgSlug: runtime.orgSlug }, { parent: this });
            const image = this.flyImage(name, args.image, appName, app, runtime.registryToken);

            const ips = [
                new fly.IpAssignment(`${name}-ip-v4`, { app: app.name, type: "shared_v4" }, { parent: this }),
                new fly.IpAssignment(`${name}-ip-v6`, { app: app.name, type: "v6" }, { parent: this }),
            ];
            // After the IPs, so the certificate's dnsRequirements (the A/AAAA records to create) name them from the start.
            for (const hostname of domains) new fly.Certificate(`${name}-cert-${hostname}`, { app: app.name, hostname }, { parent: this, dependsOn: ips });

            // Which keys exist is plain (known at preview); the values stay secret.
            const appSecrets =
                Object.keys(secrets).length > 0
                    ? new fly.Secrets(
                          `${name}-secrets`,
                          { app: app.name, values: Object.fromEntries(Object.entries(secrets).map(([key, value]) => [key, pulumi.secret(value)])) },
                          { parent: this },
                      )
                    : undefined;

            const env = appEnv(args.settings, port, [`${appName}.fly.dev`, ...domains]);
            const guest = { cpu_kind: runtime.cpuKind ?? "shared", cpus: runtime.cpus ?? 1, memory_mb: runtime.memoryMb ?? 512 };
            // Secrets first (DATABASE_URL current), then the release, then the machines.
            const release =
                args.release &&
                new fly.Release(
                    `${name}-release`,
                    {
                        app: app.name,
                        image,
                        command: [...args.release.command],
                        env,
                        region: runtime.regions[0],
                        guest,
                        timeoutSeconds: args.release.timeoutSeconds ?? 600,
                        minSecretsVersion: appSecrets?.version,
                    },
                    { parent: this, dependsOn: appSecrets ? [appSecrets] : [] },
                );
            const machines = new fly.MachineGroup(
                `${name}-machines`,
                {
                    app: app.name,
                    regions: machinesPerRegion(runtime.regions, runtime.machinesPerRegion ?? 1),
                    config: withImage(
                        flyMachineConfig("", {
                            port,
                            healthPath,
                            env,
                            cpuKind: guest.cpu_kind,
                            cpus: guest.cpus,
                            memoryMb: guest.memory_mb,
                            autostop: runtime.autostop ?? "off",
                            minRunning: runtime.minRunning ?? 1,
                            concurrency: runtime.concurrency ?? { soft: 200, hard: 250 },
                        }),
                        image,
                    ),
                    strategy: runtime.strategy ?? "rolling",
                    maxUnavailable: runtime.maxUnavailable ?? 1,
                    healthTimeoutSeconds: runtime.healthTimeoutSeconds ?? 300,
                    // A new secrets version (a rotated JWT, a changed DATABASE_URL) rolls the machines.
                    minSecretsVersion: appSecrets?.version,
                },
                { parent: this, dependsOn: release ? [release] : [] },
            );
            const base = domains.length > 0 ? `https://${domains[0]}` : `https://${appName}.fly.dev`;
            this.appName = app.name;
            this.url = pulumi.output(base);
            this.imageRef = machines.imageRef;
        } else {
            const containerName = physicalName(args.scope, "app", NAME_LIMITS.docker);
            const hostPort = runtime.hostPort ?? 8080;
            const image = this.localImage(name, args.image, containerName);
            const env = appEnv(args.settings, port, ["localhost", "127.0.0.1"]);
            const envs: pulumi.Input<string>[] = [
                ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
                ...Object.keys(secrets)
                    .sort()
                    .map((key) => pulumi.secret(pulumi.interpolate`${key}=${secrets[key]}`)),
            ];
            const database = runtime.database ? [runtime.database] : [];
            const release = args.release && this.localRelease(name, args.scope, args.release, image, envs, runtime.network, database);
            const container = new docker.Container(
                `${name}-container`,
                {
                    name: containerName,
                    image,
                    envs,
                    // Only a release that exited 0 resolves this, so the app container is never (re)created after a failed one.
                    labels: release ? [{ label: "platform.release-exit-code", value: release.succeeded }] : [],
                    networksAdvanced: [{ name: runtime.network }],
                    ports: [{ internal: port, external: hostPort, ip: "127.0.0.1" }],
                    healthcheck: { tests: localHealthCheck(port, healthPath), interval: "10s", timeout: "5s", retries: 5, startPeriod: "10s" },
                    restart: "unless-stopped",
                    wait: true,
                    waitTimeout: 120,
                },
                { parent: this, dependsOn: [...database, ...(release ? [release.container] : [])] },
            );
            this.appName = container.name;
            this.url = pulumi.output(`http://localhost:${hostPort}`);
            this.imageRef = pulumi.output(image);
        }
        this.healthUrl = this.url.apply((url) => `${url}${healthPath}`);

        this.registerOutputs({ appName: this.appName, url: this.url, healthUrl: this.healthUrl, imageRef: this.imageRef });
    }

    /** The image reference Fly machines run: the pushed build's digest, or the prebuilt reference. */
    private flyImage(name: string, image: AppImageArgs, appName: string, app: fly.App, token: pulumi.Input<string> | undefined): pulumi.Input<string> {
        if (image.context === undefined) return image.ref as string;
        const built = new docker.Image(
            `${name}-image`,
            {
                imageName: `${FLY_REGISTRY}/${appName}:${BUILD_TAG}`,
                build: { context: image.context, dockerfile: posix.join(image.context, image.dockerfile ?? "Dockerfile"), platform: "linux/amd64" },
                // Fly's registry takes any user name with an API token as the password.
                registry: { server: FLY_REGISTRY, username: "x", password: pulumi.secret(token as pulumi.Input<string>) },
            },
            // The registry accepts a push only into an existing app.
            { parent: this, dependsOn: [app] },
        );
        return built.repoDigest;
    }

    /**
     * The local release step: a one-off container with the app's image, env and network, run to its end (attach, not
     * kept running). A new image or command replaces it, which runs it again.
     */
    private localRelease(
        name: string,
        scope: NameScope,
        release: AppReleaseArgs,
        image: pulumi.Input<string>,
        envs: pulumi.Input<string>[],
        network: pulumi.Input<string>,
        database: pulumi.Resource[],
    ): { container: docker.Container; succeeded: pulumi.Output<string> } {
        const containerName = physicalName(scope, "release", NAME_LIMITS.docker);
        const timeoutSeconds = release.timeoutSeconds ?? 600;
        const container = new docker.Container(
            `${name}-release`,
            {
                name: containerName,
                image,
                envs,
                command: [...release.command],
                networksAdvanced: [{ name: network }],
                mustRun: false,
                attach: true,
                restart: "no",
            },
            { parent: this, dependsOn: database, replaceOnChanges: ["image", "command"], deleteBeforeReplace: true, customTimeouts: { create: `${timeoutSeconds}s` } },
        );
        return { container, succeeded: container.exitCode.apply((code) => requireReleaseSuccess(name, containerName, code)) };
    }

    /** The image a local container runs, by digest: built locally (never pushed) or pulled. */
    private localImage(name: string, image: AppImageArgs, containerName: string): pulumi.Output<string> {
        if (image.context === undefined) {
            const pulled = new docker.RemoteImage(`${name}-image`, { name: image.ref as string, keepLocally: true }, { parent: this });
            return pulled.repoDigest;
        }
        const built = new docker.Image(
            `${name}-image`,
            {
                imageName: `${containerName}:local`,
                build: { context: image.context, dockerfile: posix.join(image.context, image.dockerfile ?? "Dockerfile") },
                skipPush: true,
            },
            { parent: this },
        );
        return built.repoDigest;
    }
}

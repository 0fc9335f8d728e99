/**
 * AppService on Fly.io: the app, its image (built and pushed to registry.fly.io, or a prebuilt reference), shared
 * IPv4 + IPv6, a certificate per domain, the secrets in Fly's secret store, the release machine, and the machines
 * over the configured regions. Secrets first (DATABASE_URL current), then the release, then the machines.
 */
import { posix } from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as fly from "../providers/fly";
import { digestOf } from "../providers/fly/imageRef";
import { appEnv, flyMachineConfig, machinesPerRegion, releaseEnv } from "./appConfig";
import { type AppEndpoints, type AppImageArgs, FLY_REGISTRY, type FlyAppRuntimeArgs, type ResolvedAppArgs } from "./appServiceArgs";
import { NAME_LIMITS, physicalName } from "./naming";

/** The tag a built image is pushed under. Machines run the pushed digest, never this tag. */
const BUILD_TAG = "deploy";

/** The Fly runtime with every default resolved (by `AppService`, once). */
export type ResolvedFlyRuntime = Required<Omit<FlyAppRuntimeArgs, "registryToken">> & Pick<FlyAppRuntimeArgs, "registryToken">;

/**
 * The machine config with only its image left as an Output. Everything else stays a plain value, so preview (and
 * the policy pack) sees the services, checks and env even while the image is still to be built.
 */
function withImage(config: fly.FlyMachineConfig, image: pulumi.Input<string>, commit: string): fly.FlyMachineConfig {
    // MachineGroupArgs types config as Input<FlyMachineConfig> with a plain `image`; the engine resolves nested
    // Outputs in inputs, so a nested Output image is sound at runtime.
    const release = releaseEnv(image, commit) as unknown as Record<string, string>;
    return { ...config, image: image as unknown as string, env: { ...config.env, ...release } };
}

/**
 * The image reference Fly machines run, and what must exist before they do: the pushed build's digest, the copy of
 * a release from another registry (known at preview: the copy keeps the digest), or the prebuilt reference.
 */
function flyImage(parent: pulumi.Resource, name: string, image: AppImageArgs, dockerfile: string, appName: string, app: fly.App, token: pulumi.Input<string> | undefined): { ref: pulumi.Input<string>; before: pulumi.Resource[] } {
    if (image.copyFrom !== undefined) {
        const repository = `${FLY_REGISTRY}/${appName}`;
        // The app's own token pushes into its repository, as the docker build's push does.
        const copy = new fly.ImageCopy(`${name}-image-copy`, { source: image.copyFrom.source, repository, sourceTokenEnv: image.copyFrom.sourceTokenEnv, destinationTokenEnv: "FLY_API_TOKEN" }, { parent, dependsOn: [app] });
        return { ref: `${repository}@${digestOf(image.copyFrom.source)}`, before: [copy] };
    }
    if (image.context === undefined) return { ref: image.ref as string, before: [] };
    const built = new docker.Image(
        `${name}-image`,
        {
            imageName: `${FLY_REGISTRY}/${appName}:${BUILD_TAG}`,
            build: { context: image.context, dockerfile: posix.join(image.context, dockerfile), platform: "linux/amd64" },
            // Fly's registry takes any user name with an API token as the password.
            registry: { server: FLY_REGISTRY, username: "x", password: pulumi.secret(token as pulumi.Input<string>) },
        },
        // The registry accepts a push only into an existing app.
        { parent, dependsOn: [app] },
    );
    return { ref: built.repoDigest, before: [] };
}

/** Registers the Fly runtime's children under `parent` and returns what the component exposes. */
export function flyAppService(parent: pulumi.ComponentResource, name: string, args: ResolvedAppArgs<ResolvedFlyRuntime>): AppEndpoints {
    const { runtime, port, healthPath, secrets } = args;
    const appName = physicalName(args.scope, undefined, NAME_LIMITS.fly);
    const app = new fly.App(`${name}-app`, { name: appName, orgSlug: runtime.orgSlug }, { parent });
    const { ref: image, before } = flyImage(parent, name, args.image, args.dockerfile, appName, app, runtime.registryToken);

    const ips = [
        new fly.IpAssignment(`${name}-ip-v4`, { app: app.name, type: "shared_v4" }, { parent }),
        new fly.IpAssignment(`${name}-ip-v6`, { app: app.name, type: "v6" }, { parent }),
    ];
    // After the IPs, so the certificate's dnsRequirements (the A/AAAA records to create) name them from the start.
    for (const hostname of runtime.domains) new fly.Certificate(`${name}-cert-${hostname}`, { app: app.name, hostname }, { parent, dependsOn: ips });

    // Which keys exist is plain (known at preview); the values stay secret.
    const appSecrets =
        Object.keys(secrets).length > 0
            ? new fly.Secrets(`${name}-secrets`, { app: app.name, values: Object.fromEntries(Object.entries(secrets).map(([key, value]) => [key, pulumi.secret(value)])) }, { parent })
            : undefined;

    const env = appEnv(args.settings, port, [`${appName}.fly.dev`, ...runtime.domains]);
    const guest = { cpu_kind: runtime.cpuKind, cpus: runtime.cpus, memory_mb: runtime.memoryMb };
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
                timeoutSeconds: args.release.timeoutSeconds,
                minSecretsVersion: appSecrets?.version,
            },
            { parent, dependsOn: [...before, ...(appSecrets ? [appSecrets] : [])] },
        );
    const machines = new fly.MachineGroup(
        `${name}-machines`,
        {
            app: app.name,
            regions: machinesPerRegion(runtime.regions, runtime.machinesPerRegion),
            config: withImage(
                flyMachineConfig("", {
                    port,
                    healthPath,
                    env,
                    cpuKind: guest.cpu_kind,
                    cpus: guest.cpus,
                    memoryMb: guest.memory_mb,
                    autostop: runtime.autostop,
                    minRunning: runtime.minRunning,
                    concurrency: runtime.concurrency,
                }),
                image,
                args.commit,
            ),
            strategy: runtime.strategy,
            maxUnavailable: runtime.maxUnavailable,
            healthTimeoutSeconds: runtime.healthTimeoutSeconds,
            rolloutTiming: runtime.rolloutTiming,
            // A new secrets version (a rotated JWT, a changed DATABASE_URL) rolls the machines.
            minSecretsVersion: appSecrets?.version,
        },
        { parent, dependsOn: [...before, ...(release ? [release] : [])] },
    );
    const base = runtime.domains.length > 0 ? `https://${runtime.domains[0]}` : `https://${appName}.fly.dev`;
    return { appName: app.name, url: pulumi.output(base), imageRef: machines.imageRef };
}

/**
 * AppService on local Docker: the image (built locally and never pushed, or pulled), a one-off release container
 * run to its end, and the app container on the database's network, published on 127.0.0.1. Secrets reach the
 * container only as secret env entries.
 */
import { posix } from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { appEnv, localHealthCheck, releaseEnv } from "./appConfig";
import type { AppEndpoints, AppImageArgs, LocalAppRuntimeArgs, ResolvedAppArgs } from "./appServiceArgs";
import { NAME_LIMITS, NameScope, physicalName } from "./naming";

/** The local runtime with its defaults resolved (by `AppService`, once). */
export type ResolvedLocalRuntime = LocalAppRuntimeArgs & { readonly hostPort: number };

/**
 * The release container's exit code, checked: the docker provider reports a finished container's code without
 * failing, so a failed migration would otherwise let the app container roll. Throws with the code and the command to
 * read the container's output. A run-time outcome (the migration failed), not a config constraint.
 */
export function requireReleaseSuccess(component: string, container: string, exitCode: number | undefined): string {
    if (exitCode === 0) return "0";
    const what = exitCode === undefined ? "did not report an exit code" : `exited with code ${exitCode}`;
    throw new pulumi.RunError(
        `AppService "${component}": the release container ${container} ${what}, so the app container was not (re)created. ` +
            `Read its output with \`docker logs ${container}\`, fix the cause, and run the update again (docs/runbooks/failed-migration.md).`,
    );
}

/** The image a local container runs, by digest: built locally (never pushed) or pulled. */
function localImage(parent: pulumi.Resource, name: string, image: AppImageArgs, dockerfile: string, containerName: string): pulumi.Output<string> {
    if (image.context === undefined) {
        const pulled = new docker.RemoteImage(`${name}-image`, { name: image.ref as string, keepLocally: true }, { parent });
        return pulled.repoDigest;
    }
    const built = new docker.Image(
        `${name}-image`,
        { imageName: `${containerName}:local`, build: { context: image.context, dockerfile: posix.join(image.context, dockerfile) }, skipPush: true },
        { parent },
    );
    return built.repoDigest;
}

/**
 * The local release step: a one-off container with the app's image, env and network, run to its end (attach, not
 * kept running). A new image or command replaces it, which runs it again.
 */
function localRelease(
    parent: pulumi.Resource,
    name: string,
    scope: NameScope,
    release: { readonly command: readonly string[]; readonly timeoutSeconds: number },
    image: pulumi.Input<string>,
    envs: pulumi.Input<string>[],
    network: pulumi.Input<string>,
    database: pulumi.Resource[],
): { container: docker.Container; succeeded: pulumi.Output<string> } {
    const containerName = physicalName(scope, "release", NAME_LIMITS.docker);
    const container = new docker.Container(
        `${name}-release`,
        { name: containerName, image, envs, command: [...release.command], networksAdvanced: [{ name: network }], mustRun: false, attach: true, restart: "no" },
        { parent, dependsOn: database, replaceOnChanges: ["image", "command"], deleteBeforeReplace: true, customTimeouts: { create: `${release.timeoutSeconds}s` } },
    );
    return { container, succeeded: container.exitCode.apply((code) => requireReleaseSuccess(name, containerName, code)) };
}

/** Registers the local runtime's children under `parent` and returns what the component exposes. */
export function localAppService(parent: pulumi.ComponentResource, name: string, args: ResolvedAppArgs<ResolvedLocalRuntime>): AppEndpoints {
    const { runtime, port, healthPath, secrets } = args;
    const containerName = physicalName(args.scope, "app", NAME_LIMITS.docker);
    const image = localImage(parent, name, args.image, args.dockerfile, containerName);
    const env = appEnv(args.settings, port, ["localhost", "127.0.0.1"]);
    const envs: pulumi.Input<string>[] = [
        ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
        ...Object.entries(releaseEnv(image, args.commit)).map(([key, value]) => pulumi.interpolate`${key}=${value}`),
        ...Object.keys(secrets)
            .sort()
            .map((key) => pulumi.secret(pulumi.interpolate`${key}=${secrets[key]}`)),
    ];
    const database = runtime.database ? [runtime.database] : [];
    const release = args.release && localRelease(parent, name, args.scope, args.release, image, envs, runtime.network, database);
    const container = new docker.Container(
        `${name}-container`,
        {
            name: containerName,
            image,
            envs,
            // Only a release that exited 0 resolves this, so the app container is never (re)created after a failed one.
            labels: release ? [{ label: "platform.release-exit-code", value: release.succeeded }] : [],
            networksAdvanced: [{ name: runtime.network }],
            ports: [{ internal: port, external: runtime.hostPort, ip: "127.0.0.1" }],
            healthcheck: { tests: localHealthCheck(port, healthPath), interval: "10s", timeout: "5s", retries: 5, startPeriod: "10s" },
            restart: "unless-stopped",
            wait: true,
            waitTimeout: 120,
        },
        { parent, dependsOn: [...database, ...(release ? [release.container] : [])] },
    );
    return { appName: container.name, url: pulumi.output(`http://localhost:${runtime.hostPort}`), imageRef: pulumi.output(image) };
}

/**
 * AppService: the API itself, one component whatever it runs on. It validates its args, resolves every default once
 * (config/defaults.ts), and hands the runtime's children to one builder per runtime: Fly.io (appServiceFly.ts) or
 * local Docker (appServiceLocal.ts). Secrets reach the app only through Fly's secret store or secret container env
 * entries. An optional release step (migrations) runs the new image's command once before anything that serves
 * traffic changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_DEFAULTS, PROMOTION_DEFAULTS } from "../config/defaults";
import * as fly from "../providers/fly";
import { type AppEndpoints, type AppServiceArgs, type ResolvedAppArgs, validateAppServiceArgs } from "./appServiceArgs";
import { flyAppService, type ResolvedFlyRuntime } from "./appServiceFly";
import { localAppService, type ResolvedLocalRuntime } from "./appServiceLocal";
import { refuseInvalid } from "./refuseInvalid";

export * from "./appServiceArgs";
export { requireReleaseSuccess } from "./appServiceLocal";

/** Type token of {@link AppService}. */
export const APP_SERVICE_TYPE = "platform:app:AppService";

/** The args with every default resolved: the one place `APP_DEFAULTS` meets `AppServiceArgs`. */
function resolve(args: AppServiceArgs): ResolvedAppArgs<ResolvedFlyRuntime | ResolvedLocalRuntime> {
    const D = APP_DEFAULTS;
    const runtime = args.runtime;
    return {
        ...args,
        port: args.port ?? D.port,
        healthPath: args.healthPath ?? D.healthPath,
        secrets: args.secrets ?? {},
        dockerfile: args.image.dockerfile ?? D.dockerfile,
        commit: args.releaseInfo?.commit ?? PROMOTION_DEFAULTS.unknownCommit,
        release: args.release && { command: args.release.command, timeoutSeconds: args.release.timeoutSeconds ?? D.releaseTimeoutSeconds },
        runtime:
            runtime.kind === "fly"
                ? {
                      ...runtime,
                      machinesPerRegion: runtime.machinesPerRegion ?? D.machinesPerRegion,
                      cpuKind: runtime.cpuKind ?? D.cpuKind,
                      cpus: runtime.cpus ?? D.cpus,
                      memoryMb: runtime.memoryMb ?? D.memoryMb,
                      autostop: runtime.autostop ?? D.autostop,
                      minRunning: runtime.minRunning ?? D.minRunning,
                      concurrency: runtime.concurrency ?? D.concurrency,
                      strategy: runtime.strategy ?? D.strategy,
                      maxUnavailable: runtime.maxUnavailable ?? D.maxUnavailable,
                      healthTimeoutSeconds: runtime.healthTimeoutSeconds ?? D.healthTimeoutSeconds,
                      rolloutTiming: { ...D.rolloutTiming, ...runtime.rolloutTiming },
                      domains: runtime.domains ?? D.domains,
                  }
                : { ...runtime, hostPort: runtime.hostPort ?? D.hostPort },
    };
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
    /** The release this up deployed (image, digest, commit, when it became healthy, rolled back or not). */
    public readonly release: pulumi.Output<fly.ReleaseRecord>;
    /** The last releases, newest first, kept across ups. */
    public readonly releases: pulumi.Output<fly.ReleaseRecord[]>;

    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseInvalid(validateAppServiceArgs(name, args));
        super(APP_SERVICE_TYPE, name, {}, opts);
        const resolved = resolve(args);
        const { runtime } = resolved;
        const endpoints: AppEndpoints =
            runtime.kind === "fly" ? flyAppService(this, name, { ...resolved, runtime }) : localAppService(this, name, { ...resolved, runtime });
        this.appName = endpoints.appName;
        this.url = endpoints.url;
        this.imageRef = endpoints.imageRef;
        this.healthUrl = this.url.apply((url) => `${url}${resolved.healthPath}`);
        // After what serves the image (imageRef comes from it), so a record is written once the rollout is healthy.
        const info = args.releaseInfo;
        const history = new fly.ReleaseHistory(
            `${name}-releases`,
            {
                image: this.imageRef,
                commit: resolved.commit,
                ...(info?.rollbackReason === undefined ? {} : { rollback: { reason: info.rollbackReason } }),
                ...(info?.promotion === undefined ? {} : { promotion: info.promotion }),
            },
            { parent: this },
        );
        this.release = history.release;
        this.releases = history.releases;

        this.registerOutputs({ appName: this.appName, url: this.url, healthUrl: this.healthUrl, imageRef: this.imageRef, release: this.release, releases: this.releases });
    }
}

/**
 * What `AppService` takes: its args, one interface per runtime, and the validator that checks the plain ones before
 * anything registers. Shared by the component and its two runtimes (appServiceFly.ts, appServiceLocal.ts). The
 * `@default` values named `APP_DEFAULTS.*` live in config/defaults.ts, the one home the config schema uses too.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FLY_REGIONS } from "../config";
import { APP_DEFAULTS } from "../config/defaults";
import { ENV_VAR_NAME } from "../config/patterns";
import type * as fly from "../providers/fly";
import { FLY_REGISTRY, IMAGE_BY_DIGEST } from "../providers/fly/imageRef";
import { type AppSettings, PLAIN_ENV_KEYS } from "./appConfig";
import type { NameScope } from "./naming";

export { FLY_REGISTRY } from "../providers/fly/imageRef";

/** An image by digest in another registry or Fly organization, copied into the app's repository before it runs. */
export interface AppImageCopyArgs {
    /** The image, by digest (`registry.fly.io/api-staging@sha256:...`); the copy keeps the digest. */
    readonly source: string;
    /** The environment variable holding a token that may pull the source (its name, never its value). */
    readonly sourceTokenEnv: string;
}

/**
 * The image: built from a Dockerfile (`context`), a prebuilt reference (`ref`), or a release copied by digest from
 * another registry (`copyFrom`, Fly only). Exactly one.
 */
export interface AppImageArgs {
    /** Build context directory, relative to the Pulumi project. */
    readonly context?: string;
    /**
     * Dockerfile path, relative to the build context.
     * @default APP_DEFAULTS.dockerfile
     */
    readonly dockerfile?: string;
    /** A prebuilt image reference; pin it with `@sha256:` (machines pin an unpinned one on first start). */
    readonly ref?: string;
    /** A release by digest from another registry or Fly organization, copied into this app's repository (skopeo). */
    readonly copyFrom?: AppImageCopyArgs;
}

/** What the app reports about its release, and what its release record says (components/appService.ts). */
export interface AppReleaseInfoArgs {
    /**
     * The commit the image was built from (`RELEASE_COMMIT`, and the release record's commit).
     * @default PROMOTION_DEFAULTS.unknownCommit
     */
    readonly commit?: string;
    /**
     * Why this up rolls back: the release it replaces is marked rolled back in the history.
     * @default not a rollback
     */
    readonly rollbackReason?: string;
    /**
     * The promotion this image comes from, carried on the release history for the policy `promotion-soak`.
     * @default not a promotion
     */
    readonly promotion?: fly.PromotionInput;
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
     * @default APP_DEFAULTS.machinesPerRegion
     */
    readonly machinesPerRegion?: number;
    /** @default APP_DEFAULTS.cpuKind */
    readonly cpuKind?: "shared" | "performance";
    /** @default APP_DEFAULTS.cpus */
    readonly cpus?: number;
    /** @default APP_DEFAULTS.memoryMb */
    readonly memoryMb?: number;
    /**
     * Fly proxy autostop; `off` keeps machines running.
     * @default APP_DEFAULTS.autostop
     */
    readonly autostop?: "off" | "stop" | "suspend";
    /**
     * Machines the proxy keeps running when idle.
     * @default APP_DEFAULTS.minRunning
     */
    readonly minRunning?: number;
    /**
     * Proxy concurrency limits, in requests.
     * @default APP_DEFAULTS.concurrency
     */
    readonly concurrency?: { readonly soft: number; readonly hard: number };
    /** @default APP_DEFAULTS.strategy */
    readonly strategy?: fly.RolloutStrategy;
    /** @default APP_DEFAULTS.maxUnavailable */
    readonly maxUnavailable?: number;
    /** @default APP_DEFAULTS.healthTimeoutSeconds */
    readonly healthTimeoutSeconds?: number;
    /**
     * Delays of a rollout: blue-green drains, health polling, the smoke-check window, the lease TTL, the wait for new
     * secrets. Each key left out keeps flyctl's value.
     * @default APP_DEFAULTS.rolloutTiming (flyctl's delays)
     */
    readonly rolloutTiming?: Partial<fly.RolloutTiming>;
    /**
     * Custom domains; each gets a certificate, and the first is the public URL.
     * @default APP_DEFAULTS.domains (none)
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
     * @default APP_DEFAULTS.hostPort
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
     * @default APP_DEFAULTS.releaseTimeoutSeconds
     */
    readonly timeoutSeconds?: number;
}

/** Arguments of `AppService` (components/appService.ts). */
export interface AppServiceArgs {
    /** Where physical names come from (service prefix and stack). */
    readonly scope: NameScope;
    readonly image: AppImageArgs;
    /** Where the app runs. */
    readonly runtime: FlyAppRuntimeArgs | LocalAppRuntimeArgs;
    /**
     * Port the container listens on (`PORT`).
     * @default APP_DEFAULTS.port
     */
    readonly port?: number;
    /**
     * HTTP path of the health endpoint.
     * @default APP_DEFAULTS.healthPath
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
    /**
     * The release's commit, rollback and promotion: given to the app (`RELEASE_IMAGE`, `RELEASE_COMMIT`) and
     * recorded in its release history.
     * @default commit unknown, no rollback, no promotion
     */
    readonly releaseInfo?: AppReleaseInfoArgs;
}

/** What a runtime gives the component to expose. */
export interface AppEndpoints {
    readonly appName: pulumi.Output<string>;
    readonly url: pulumi.Output<string>;
    readonly imageRef: pulumi.Output<string>;
}

/** `AppServiceArgs` with the shared defaults resolved. */
export interface ResolvedAppArgs<R> extends Omit<AppServiceArgs, "runtime" | "port" | "healthPath" | "secrets" | "release" | "releaseInfo"> {
    /** The commit the app reports and its release record names. */
    readonly commit: string;
    readonly runtime: R;
    readonly port: number;
    readonly healthPath: string;
    readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
    readonly release?: Required<AppReleaseArgs>;
    readonly dockerfile: string;
}

const between = (value: number | undefined, min: number, max: number) => value === undefined || (Number.isInteger(value) && value >= min && value <= max);

/** Problems with plain args, each naming the component, what is allowed and the value received. */
export function validateAppServiceArgs(name: string, args: AppServiceArgs): string[] {
    const problems: string[] = [];
    const where = `AppService "${name}"`;
    const { image, runtime } = args;
    if ([image.context, image.copyFrom, image.ref].filter((kind) => kind !== undefined).length !== 1) {
        problems.push(`${where}: set exactly one of image.context (build from a Dockerfile), image.copyFrom (a release copied by digest) or image.ref (a prebuilt image).`);
    }
    if (image.copyFrom !== undefined) {
        if (runtime.kind !== "fly") problems.push(`${where}: image.copyFrom copies into a Fly app's repository; give a local runtime image.ref or image.context.`);
        if (!IMAGE_BY_DIGEST.test(image.copyFrom.source)) problems.push(`${where}: image.copyFrom.source must be an image by digest, <repository>@sha256:<64 hex>, got ${JSON.stringify(image.copyFrom.source)}.`);
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
        if (!ENV_VAR_NAME.test(key)) problems.push(`${where}: secret name "${key}" must be UPPER_SNAKE_CASE, such as STRIPE_API_KEY.`);
        if ((PLAIN_ENV_KEYS as readonly string[]).includes(key)) problems.push(`${where}: secret "${key}" clashes with a plain setting of the same name; rename the secret.`);
    }
    if (runtime.kind === "fly") {
        if (runtime.regions.length === 0) problems.push(`${where}: regions must list at least one Fly region, such as ["ams"].`);
        for (const region of runtime.regions) if (!FLY_REGIONS.has(region)) problems.push(`${where}: region "${region}" is not a Fly region such as ams.`);
        if (new Set(runtime.regions).size !== runtime.regions.length) problems.push(`${where}: regions lists a region twice: ${runtime.regions.join(", ")}.`);
        if (!between(runtime.machinesPerRegion, 1, 20)) problems.push(`${where}: machinesPerRegion must be a whole number from 1 to 20, got ${runtime.machinesPerRegion}.`);
        const total = (runtime.machinesPerRegion ?? APP_DEFAULTS.machinesPerRegion) * runtime.regions.length;
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


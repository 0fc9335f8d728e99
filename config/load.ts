/**
 * Reads the running stack's configuration from the Pulumi engine, once, and validates it. The only place in the
 * program that touches `pulumi.Config`, the stack name or config secrets.
 */
import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { PROMOTION_DEFAULTS } from "./defaults";
import { ConfigError } from "./errors";
import { PROJECT, ParsedStackConfig, parseStackConfig } from "./parse";
import { buildsImage, promotionCopy } from "./promotion";

/** A validated stack with its secret config values as secret Outputs. */
export interface LoadedStack extends ParsedStackConfig {
    /** The Pulumi project name. */
    readonly project: string;
    /** Secret config values by name, each a secret `Output`. */
    readonly secretValues: Readonly<Record<string, pulumi.Output<string>>>;
    /**
     * The Fly API token of whoever runs `pulumi up` (`FLY_API_TOKEN`), as a secret, for what needs it inside the
     * program rather than in a provider: pushing the built image to `registry.fly.io`. Undefined when unset.
     */
    readonly flyApiToken?: pulumi.Output<string>;
    /**
     * The commit this up's code comes from (`GITHUB_SHA`, else `git rev-parse HEAD`, else `unknown`): what a build's
     * release record and `RELEASE_COMMIT` name. Undefined when the up builds no image (a prebuilt, promoted or
     * rolled-back one carries its own commit), so those runs start no `git`.
     */
    readonly commit?: string;
}

const COMMIT = /^[0-9a-f]{40}$/;

/** The commit being deployed: CI's `GITHUB_SHA`, else the checkout's HEAD, else `unknown` (no git, no repository). */
export function currentCommit(env: NodeJS.ProcessEnv, cwd: string): string {
    const fromCi = env.GITHUB_SHA?.trim().toLowerCase();
    if (fromCi && COMMIT.test(fromCi)) return fromCi;
    try {
        const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
        return COMMIT.test(head) ? head : PROMOTION_DEFAULTS.unknownCommit;
    } catch {
        return PROMOTION_DEFAULTS.unknownCommit;
    }
}

/** Whether a config key was written with `--secret`. The SDK keeps this internal, so it is read through its module. */
function isSecretKey(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return runtimeConfig.isConfigSecret(key);
}

/**
 * A Fly stack that builds its image pushes it to registry.fly.io with the deployer's Fly token (`FLY_API_TOKEN`).
 * Without one, the problem is the config's (`app.image.context`) as much as the shell's, so it is reported as a
 * config error, before anything is registered, rather than by the component half-way through an update.
 */
function registryTokenProblem(parsed: ParsedStackConfig, token: string | undefined): ConfigError | undefined {
    const { config, stack } = parsed;
    if (config.platform !== "fly" || !buildsImage(config) || token) return undefined;
    return new ConfigError(stack, [
        {
            key: "app.image.context",
            problem: "builds the image and pushes it to registry.fly.io, which needs a Fly API token, and FLY_API_TOKEN is not set",
            fix:
                `export FLY_API_TOKEN="$(fly tokens create org ${config.fly?.org ?? "<org>"})" before running pulumi, ` +
                `or deploy a prebuilt image: pulumi config set --stack ${stack} --path app.image.ref <repo>@sha256:<digest> (and remove app.image.context)`,
        },
    ]);
}

/**
 * A promoted image from another Fly organization is copied with a token of that organization, named by
 * `promotion.sourceTokenEnv`; an up without it would fail half-way, after the app exists. A preview copies nothing,
 * so it needs no token. Only whether the variable is set is read here, never its value.
 */
function sourceTokenProblem(parsed: ParsedStackConfig, env: NodeJS.ProcessEnv, dryRun: boolean): ConfigError | undefined {
    const copy = promotionCopy(parsed.config);
    if (copy === undefined || dryRun || env[copy.sourceTokenEnv]) return undefined;
    const from = parsed.config.promotion.sourceOrg ?? "<source org>";
    return new ConfigError(parsed.stack, [
        {
            key: "promotion.sourceTokenEnv",
            problem: `names ${copy.sourceTokenEnv}, which is not set: the up copies ${copy.source} from organization ${from} and needs a token that may pull from it`,
            fix: `export ${copy.sourceTokenEnv}="$(fly tokens create org ${from})" before running pulumi`,
        },
    ]);
}

/** Validates the running stack's config; throws `ConfigError` (every problem at once) before anything is created. */
export function loadStackConfig(): LoadedStack {
    const stack = pulumi.getStack();
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter(isSecretKey));
    const parsed = parseStackConfig({ stack, values, secretKeys });
    // Read here, once, so components never touch the environment (STYLE: config is parsed in one place).
    const token = process.env.FLY_API_TOKEN;
    const tokenProblem = registryTokenProblem(parsed, token);
    if (tokenProblem !== undefined) throw tokenProblem;
    const sourceProblem = sourceTokenProblem(parsed, process.env, pulumi.runtime.isDryRun());
    if (sourceProblem !== undefined) throw sourceProblem;
    const config = new pulumi.Config(PROJECT);
    const secretValues = Object.fromEntries(parsed.secretNames.map((name) => [name, config.requireSecret(name)]));
    return { ...parsed, project: pulumi.getProject(), secretValues, flyApiToken: token ? pulumi.secret(token) : undefined, commit: buildsImage(parsed.config) ? currentCommit(process.env, process.cwd()) : undefined };
}

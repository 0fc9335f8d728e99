/**
 * Reads the running stack's configuration from the Pulumi engine, once, and validates it. The only place in the
 * program that touches `pulumi.Config`, the stack name or config secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, ParsedStackConfig, parseStackConfig } from "./parse";

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
}

/** Whether a config key was written with `--secret`. The SDK keeps this internal, so it is read through its module. */
function isSecretKey(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return runtimeConfig.isConfigSecret(key);
}

/** Validates the running stack's config; throws `ConfigError` (every problem at once) before anything is created. */
export function loadStackConfig(): LoadedStack {
    const stack = pulumi.getStack();
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter(isSecretKey));
    const parsed = parseStackConfig({ stack, values, secretKeys });
    const config = new pulumi.Config(PROJECT);
    const secretValues = Object.fromEntries(parsed.secretNames.map((name) => [name, config.requireSecret(name)]));
    // Read here, once, so components never touch the environment (STYLE: config is parsed in one place).
    const token = process.env.FLY_API_TOKEN;
    return { ...parsed, project: pulumi.getProject(), secretValues, flyApiToken: token ? pulumi.secret(token) : undefined };
}

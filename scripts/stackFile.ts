/**
 * A stack file read offline, the way `npm run plan`, `npm run envdiff` and the tests see it: the `config` map with
 * the project's namespace stripped (other namespaces' keys as `:<ns>:<name>`), and validated as the program does
 * first thing in `pulumi up`. Reading and encoding are the offline engine's (`engine/stackConfig.ts`), so every
 * offline view of a stack hands the schema the same strings the language host would.
 */
import { join } from "node:path";
import { PROJECT, parseStackConfig, type ParsedStackConfig } from "../config";
import { programConfig, readStackConfig } from "../engine/stackConfig";

/** The repository root: where the stack files are. */
export const ROOT = join(__dirname, "..");

/**
 * Reads the stack's config file (`Pulumi.<stack>.yaml`, or `Pulumi.review.yaml` for a review stack `pr-<n>`:
 * config/stackFile.ts) and returns its `config` map with the project namespace stripped. Throws `StackNameError`
 * for a name Pulumi refuses, before any file is read.
 */
export function readStackFile(stack: string, root = ROOT): Record<string, any> {
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(Object.entries(readStackConfig(root, stack)).map(([key, value]) => [key.startsWith(prefix) ? key.slice(prefix.length) : `:${key}`, value]));
}

/** Puts the namespace back on the keys of a {@link readStackFile} map. */
export function withNamespace(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.startsWith(":") ? key.slice(1) : `${PROJECT}:${key}`, value]));
}

/**
 * The language host's view of a {@link readStackFile} map: full keys to strings, `secure:` values as stand-ins
 * reported secret, and `secrets` (by name) as `pulumi config set --secret NAME` would store them.
 */
export function engineConfig(config: Readonly<Record<string, unknown>>, secrets: Readonly<Record<string, string>> = {}) {
    return programConfig(withNamespace(config), PROJECT, secrets);
}

/** Validates a stack file's config offline, as the program does first thing in `pulumi up`; throws `ConfigError`. */
export function parseStackFile(stack: string, config: Readonly<Record<string, unknown>> = readStackFile(stack), secrets: Readonly<Record<string, string>> = {}): ParsedStackConfig {
    const { values, secretKeys } = engineConfig(config, secrets);
    return parseStackConfig({ stack, values, secretKeys: new Set(secretKeys) });
}

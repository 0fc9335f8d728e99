/**
 * Turns a stack's raw config map (as the Pulumi engine hands it to the program) into a validated `StackConfig`,
 * or a `ConfigError` that lists every problem at once. Pure: no Pulumi runtime, so tests and commands call it too.
 */
import { ENV_VAR_NAME } from "./patterns";
import { describeIssue, isRedundantSafeIntIssue, TOP_LEVEL_KEYS, valueAt } from "./describe";
import { ConfigError, ConfigIssue, removeCommand, setCommand, shellQuote } from "./errors";
import { reviewTemplateIssues, withStackName } from "./review";
import { StackConfig, stackConfigSchema } from "./schema";
import { stackNameProblem } from "./stackName";
import { StackNameError } from "./stackNameError";

export { formatPath } from "./describe";

/** The project's config namespace (`<namespace>:<key>`). */
export const PROJECT = "api-environments";

/** Config keys in UPPER_SNAKE_CASE are secret values: extra app secrets, GitHub environment secrets, `JWT_SECRET`. */
const SECRET_KEY = ENV_VAR_NAME;

/** A supplied JWT signing secret replaces the generated (and rotated) one. */
export const SUPPLIED_JWT_SECRET = "JWT_SECRET";

/** The raw configuration of one stack. */
export interface RawStackConfig {
    readonly stack: string;
    /** Every config value, keyed `namespace:key`, as strings (structured values JSON-encoded), like the engine's. */
    readonly values: Readonly<Record<string, string>>;
    /** Keys (`namespace:key`) whose value was written with `--secret`. */
    readonly secretKeys: ReadonlySet<string>;
}

/** A validated stack: its settings and the names of the secret values it supplies. */
export interface ParsedStackConfig {
    readonly stack: string;
    readonly config: StackConfig;
    /** Names of secret config values (`STRIPE_API_KEY`, ...), each present and written with `--secret`. */
    readonly secretNames: readonly string[];
}

/** One config key split into its namespace (undefined when the key has none) and its name. */
function splitKey(fullKey: string): { namespace?: string; key: string } {
    const separator = fullKey.indexOf(":");
    return separator < 0 ? { key: fullKey } : { namespace: fullKey.slice(0, separator), key: fullKey.slice(separator + 1) };
}

/**
 * A key of this program's written outside its namespace: without one, or under another project's. Provider
 * settings (`docker:host`, `github:owner`) never have one of this program's key names, so they pass.
 */
function misplacedKey(stack: string, fullKey: string, namespace: string | undefined, key: string, value: string, secure: boolean): ConfigIssue | undefined {
    const secret = SECRET_KEY.test(key);
    if (!secret && !TOP_LEVEL_KEYS.includes(key)) return undefined;
    const where = namespace === undefined ? "is written without the project namespace" : `is in the namespace "${namespace}", not this project's`;
    const problem = `${where}, so Pulumi never passes it to this program: the key must be ${PROJECT}:${key}`;
    const structured = /^\s*[[{]/.test(value);
    const setAgain = secret
        ? setCommand(stack, key, "<value>", { secret: true })
        : structured
          ? `${setCommand(stack, `${key}.<setting>`, "<value>", { secret: secure })} for each setting`
          : setCommand(stack, key, "<value>", { secret: secure });
    const fix =
        namespace === undefined
            ? `rename the key ${key} to ${PROJECT}:${key} in Pulumi.${stack}.yaml (or set it again: ${setAgain})`
            : `pulumi config rm --stack ${stack} ${shellQuote(fullKey)} && ${setAgain}   (or rename the key to ${PROJECT}:${key} in Pulumi.${stack}.yaml)`;
    return { key: namespace === undefined ? key : fullKey, problem, fix };
}

/**
 * A key of a stack file written with no namespace at all (`app:` instead of `api-environments:app:`). The Pulumi
 * CLI reads stack-file keys as `<namespace>:<name>` and cannot parse one without, so this is reported as what it is,
 * with the rename that fixes it, never as a key of some other namespace.
 */
export function keyWithoutNamespace(stack: string, key: string, value: string, secure: boolean): ConfigIssue {
    const ours = misplacedKey(stack, key, undefined, key, value, secure);
    if (ours) return ours;
    return {
        key,
        problem: "is written without a namespace; stack-file keys are <namespace>:<name> (a provider's, such as docker:host, or this project's)",
        fix: `rename the key ${key} to <namespace>:${key} in Pulumi.${stack}.yaml, or remove it: delete the line, since pulumi config rm cannot name it`,
    };
}

/** A setting (not a secret value) written with `--secret`: the program would put its value in plain state. */
function secureSetting(stack: string, key: string, value: string): ConfigIssue {
    const structured = /^\s*[[{]/.test(value);
    return {
        key,
        problem:
            `was written with --secret, but ${key} holds settings, not secrets: the program would copy its value into plain ` +
            `resource state. Secret values are top-level UPPER_SNAKE_CASE keys (listed in secrets.extra or github.secrets)`,
        fix: structured
            ? `${setCommand(stack, `${key}.<setting>`, "<value>")} again without --secret, for each value under ${key} set with --secret`
            : `${setCommand(stack, key, "<value>")}   (again, without --secret)`,
    };
}

/** Validates a stack's raw configuration; throws `ConfigError` with every problem found. */
export function parseStackConfig(raw: RawStackConfig): ParsedStackConfig {
    const { stack } = raw;
    const badName = stackNameProblem(stack);
    if (badName !== undefined) throw new StackNameError(stack, badName);
    const issues: ConfigIssue[] = [];
    const settings: Record<string, unknown> = {};
    const supplied = new Set<string>();
    /** Top-level settings written with `--secret`: their values are never quoted. */
    const secureSettings = new Set<string>();
    /** Names of this program's keys found outside its namespace, so they are not also reported missing. */
    const misplaced = new Set<string>();

    for (const [fullKey, value] of Object.entries(raw.values)) {
        const { namespace, key } = splitKey(fullKey);
        const secure = raw.secretKeys.has(fullKey);
        if (namespace !== PROJECT) {
            const issue = misplacedKey(stack, fullKey, namespace, key, value, secure);
            if (issue) {
                issues.push(issue);
                misplaced.add(key);
            }
            continue;
        }
        if (SECRET_KEY.test(key)) {
            supplied.add(key);
            if (!secure) {
                issues.push({
                    key,
                    problem: "is a secret but is stored in plaintext in the stack file",
                    fix: `${removeCommand(stack, key)} && ${setCommand(stack, key, "<value>", { secret: true })}`,
                });
            }
            continue;
        }
        if (secure) {
            secureSettings.add(key);
            issues.push(secureSetting(stack, key, value));
        }
        settings[key] = decode(value);
    }

    issues.push(...reviewTemplateIssues(stack, settings));
    const result = stackConfigSchema.safeParse(withStackName(stack, settings));
    if (!result.success) {
        const all = result.error.issues;
        for (const issue of all) {
            const top = String(issue.path[0] ?? "");
            // A key written in the wrong namespace is reported as such, not again as missing.
            if (misplaced.has(top) && valueAt(settings, [top]) === undefined) continue;
            if (isRedundantSafeIntIssue(issue, all)) continue;
            issues.push(...describeIssue(stack, issue, settings, secureSettings.has(top)));
        }
    }

    const secretNames = [...supplied].sort();
    if (result.success) {
        const config = result.data;
        const wanted = new Map<string, { listedAt: string; maskedName: boolean }>();
        config.secrets.extra.forEach((name, i) => wanted.set(name, { listedAt: `secrets.extra[${i}]`, maskedName: secureSettings.has("secrets") }));
        config.github?.secrets.forEach((name, i) => wanted.set(name, { listedAt: `github.secrets[${i}]`, maskedName: secureSettings.has("github") }));
        for (const [name, { listedAt, maskedName }] of wanted) {
            if (supplied.has(name) || misplaced.has(name)) continue;
            issues.push(
                maskedName
                    ? {
                          key: listedAt,
                          problem: "names a secret that has no value (the name is not shown: it was written with --secret)",
                          fix: setCommand(stack, `<the name in ${listedAt}>`, "<value>", { secret: true }),
                      }
                    : { key: name, problem: `is listed in ${listedAt} but has no value`, fix: setCommand(stack, name, "<value>", { secret: true }) },
            );
        }
        for (const name of secretNames) {
            if (!wanted.has(name) && name !== SUPPLIED_JWT_SECRET) {
                issues.push({
                    key: name,
                    problem: "is a secret value that nothing uses: list it in secrets.extra (for the app) or github.secrets (for the workflows)",
                    fix: `${setCommand(stack, `secrets.extra[${config.secrets.extra.length}]`, name)}   (or: ${removeCommand(stack, name)})`,
                });
            }
        }
        const jwt = raw.values[`${PROJECT}:${SUPPLIED_JWT_SECRET}`];
        if (jwt !== undefined && jwt.length < config.secrets.jwtLength) {
            issues.push({
                key: SUPPLIED_JWT_SECRET,
                problem: `must be at least secrets.jwtLength (${config.secrets.jwtLength}) characters, received ${jwt.length} characters`,
                fix: `${setCommand(stack, SUPPLIED_JWT_SECRET, "\"$(openssl rand -base64 48)\"", { secret: true })}   (or remove it to have one generated)`,
            });
        }
        if (issues.length === 0) return { stack, config, secretNames };
    }
    throw new ConfigError(stack, issues);
}

/** Structured values reach the program JSON-encoded; top-level scalars are plain strings. */
function decode(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}

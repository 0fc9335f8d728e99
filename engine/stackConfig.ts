/**
 * A stack file's configuration as the CLI hands it to the language host: a flat map of full keys
 * (`<namespace>:<name>`) to strings (structured values JSON-encoded), plus the keys that hold secrets.
 *
 * `secure:` values are ciphertext under the stack's secrets provider, which the offline engine does not hold; each
 * becomes a stable 64-character stand-in and its key is reported secret, as the engine would report it. Secret
 * values a caller supplies (`secrets`) are set as `pulumi config set --secret NAME` would store them.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../config/errors";
import { keyWithoutNamespace } from "../config/parse";
import { findStackFile } from "../config/stackFile";
import { checkStackName } from "../config/stackNameError";
import type { ProgramConfig } from "./program";

/**
 * Reads the stack's config file (`Pulumi.<stack>.yaml`, or the template of a review stack `pr-<n>`:
 * config/stackFile.ts) and returns its `config` map as written (full keys). The name is checked first
 * (`StackNameError`), so a name like `../x` never reaches the file system; a stack without a file is an error
 * naming the file and the fix. A key without a namespace is refused
 * here, as the CLI refuses the file (`ConfigError` naming each such key and its rename): split at a colon it does
 * not have, it would reach the program as some other key (`app` as `ap:app`), with a fix for a key that does not
 * exist.
 */
export function readStackConfig(root: string, stack: string): Record<string, unknown> {
    checkStackName(stack);
    const found = findStackFile(root, stack);
    if (found.file === undefined) throw new Error(found.problem);
    const document = parseYaml(readFileSync(join(root, found.file), "utf8")) ?? {};
    const config = (document.config ?? {}) as Record<string, unknown>;
    const bare = Object.keys(config).filter((key) => !key.includes(":"));
    if (bare.length > 0) {
        const { values, secretKeys } = programConfig(Object.fromEntries(bare.map((key) => [`:${key}`, config[key]])), "");
        throw new ConfigError(stack, bare.map((key) => keyWithoutNamespace(stack, key, values[`:${key}`], secretKeys.includes(`:${key}`))));
    }
    return config;
}

function isSecure(value: unknown): value is { secure: string } {
    return value !== null && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value;
}

/** The stand-in for a `secure:` value the offline engine cannot decrypt. */
export function secureStandIn(key: string, ciphertext: string): string {
    return `offline-stand-in-${createHash("sha256").update(`${key}\n${ciphertext}`).digest("hex").slice(0, 47)}`;
}

/**
 * The language host's view of `config` (full keys as in the stack file) plus `secrets` (names in `namespace`).
 */
export function programConfig(config: Readonly<Record<string, unknown>>, namespace: string, secrets: Readonly<Record<string, string>> = {}): ProgramConfig {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        let secret = false;
        const decrypt = (node: unknown): unknown => {
            if (isSecure(node)) {
                secret = true;
                return secureStandIn(key, node.secure);
            }
            if (Array.isArray(node)) return node.map(decrypt);
            if (node !== null && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, decrypt(v)]));
            return node;
        };
        const plain = decrypt(value);
        values[key] = typeof plain === "string" ? plain : encodeJson(plain);
        if (secret) secretKeys.push(key);
    }
    for (const [name, value] of Object.entries(secrets)) {
        values[`${namespace}:${name}`] = value;
        secretKeys.push(`${namespace}:${name}`);
    }
    return { values, secretKeys };
}

/** Marks a number JSON cannot write; replaced by an overflowing literal that `JSON.parse` reads back as ±Infinity. */
const NON_FINITE = "__offline_engine_non_finite__";

/**
 * JSON as the engine carries a YAML value: a YAML number too large for a double (`1e400`, `.inf`) stays an
 * overflowing number (`1e999`) instead of becoming `null`, so the config error names what was written. NaN has no
 * JSON form and stays `null`.
 */
export function encodeJson(value: unknown): string {
    const text = JSON.stringify(value, (_key, v) => (typeof v === "number" && !Number.isFinite(v) && !Number.isNaN(v) ? `${NON_FINITE}${v > 0 ? "+" : "-"}` : v));
    return text.replace(new RegExp(`"${NON_FINITE}([+-])"`, "g"), (_match, sign: string) => (sign === "+" ? "1e999" : "-1e999"));
}

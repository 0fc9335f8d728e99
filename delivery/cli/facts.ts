/**
 * What the preflight needs to know about a stack, read from its stack file, Pulumi.yaml and the Pulumi CLI's login
 * file. Never a secret's value: only whether a token is stored for the current backend.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { findStackFile } from "../../config/stackFile";

/** The facts of one stack that decide which backend, passphrase and credentials it needs. */
export interface StackFacts {
    readonly project: string;
    /** The file the stack's config is read from: `Pulumi.<stack>.yaml`, or the template of a review stack. */
    readonly configFile: string;
    /** `platform` config: `local` or `fly` ("" when unset). */
    readonly platform: string;
    /** `fly.org` config ("" when unset). */
    readonly flyOrg: string;
    /** Whether the stack manages a GitHub environment (`github` config). */
    readonly github: boolean;
    /** Whether the stack manages a Sentry project (`sentry` config). */
    readonly sentry: boolean;
    /** Whether the stack file carries a passphrase salt (`encryptionsalt`). */
    readonly encryptionSalt: boolean;
    /** The kind of `secretsprovider` in the stack file (`passphrase`, `awskms`, ...; "" when unset). */
    readonly secretsProvider: string;
    /** `plugins.providers[].path` of Pulumi.yaml, relative to the project root. */
    readonly pluginPaths: readonly string[];
    /** The backend the CLI is logged in to (`credentials.json` `current`), "" when none. */
    readonly loginCurrent: string;
    /** Whether a token is stored for that backend; the token itself is never read out. */
    readonly loginHasToken: boolean;
}

/** The Pulumi CLI's home: PULUMI_HOME, or ~/.pulumi. */
export function pulumiHome(env: NodeJS.ProcessEnv): string {
    return env.PULUMI_HOME || join(env.HOME || homedir(), ".pulumi");
}

function readLogin(home: string): { current: string; hasToken: boolean } {
    const file = join(home, "credentials.json");
    if (!existsSync(file)) return { current: "", hasToken: false };
    try {
        const creds = JSON.parse(readFileSync(file, "utf8")) as { current?: string; accessTokens?: Record<string, string> };
        const current = creds.current ?? "";
        return { current, hasToken: current !== "" && Boolean(creds.accessTokens?.[current]) };
    } catch {
        return { current: "", hasToken: false };
    }
}

/** Reads the facts of `stack`; throws when it has no config file, or Pulumi.yaml or that file is not valid YAML. */
export function readStackFacts(root: string, stack: string, env: NodeJS.ProcessEnv): StackFacts {
    const project = (YAML.parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) ?? {}) as { name?: string; plugins?: { providers?: { path?: string }[] } };
    const found = findStackFile(root, stack);
    if (found.file === undefined) throw new Error(found.problem);
    const doc = (YAML.parse(readFileSync(join(root, found.file), "utf8")) ?? {}) as { config?: Record<string, any>; encryptionsalt?: string; secretsprovider?: string };
    const name = String(project.name ?? "");
    const get = (key: string) => doc.config?.[`${name}:${key}`];
    const login = readLogin(pulumiHome(env));
    return {
        project: name,
        configFile: found.file,
        platform: String(get("platform") ?? ""),
        flyOrg: String(get("fly")?.org ?? ""),
        github: Boolean(get("github")),
        sentry: Boolean(get("sentry")),
        encryptionSalt: Boolean(doc.encryptionsalt),
        secretsProvider: String(doc.secretsprovider ?? "").split(":")[0],
        pluginPaths: (project.plugins?.providers ?? []).map((p) => p.path).filter((p): p is string => typeof p === "string"),
        loginCurrent: login.current,
        loginHasToken: login.hasToken,
    };
}

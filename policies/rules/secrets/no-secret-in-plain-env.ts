/** Rule 10: secret-looking variables never sit in plain machine or container env. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { envOf } from "../../lib/env";
import { configSet, plainProps } from "../../lib/rule";
import { DOCKER } from "../../lib/types";

/** Names that hold credentials. Matching is on the name only: a policy never reads (or echoes) the value. */
export const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|_KEY$|^KEY$|_DSN$|^DSN$|^DATABASE_URL$/;

/** Variables the program itself owns: the fix is in the program, not in config. */
const PROGRAM_OWNED = new Set(["JWT_SECRET", "DATABASE_URL", "SENTRY_DSN"]);

export const noSecretInPlainEnv: ResourceValidationPolicy = {
    name: "no-secret-in-plain-env",
    description: "Variables named like secrets (*SECRET*, *TOKEN*, *PASSWORD*, *_KEY, DATABASE_URL, SENTRY_DSN) must go in the Fly app's secrets, never in plain env.",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        const env = envOf(args.type, plainProps(args.props));
        if (!env) return;
        for (const key of env.vars.keys()) {
            if (!SECRET_NAME.test(key)) continue;
            const fix = PROGRAM_OWNED.has(key)
                ? `the program sets ${key} itself and must pass it through the Fly Secrets resource (components/), never ${env.path}`
                : `list it in secrets.extra so it becomes a Fly app secret (${configSet("secrets.extra[0]", key)}; ${configSet(key, "<value>", { secret: true })})`;
            reportViolation(`${key} looks like a secret but is in plain ${env.path}, where anyone who can read the machine config or state sees it. Fix: ${fix}.`);
        }
        if (env.opaque > 0) {
            const where = env.opaque === Infinity ? env.path : `${env.opaque} entr${env.opaque === 1 ? "y" : "ies"} of ${env.path}`;
            const hint = args.type === DOCKER.container ? "" : " Build the env from plain config values; put secrets in the Fly Secrets resource.";
            reportViolation(`${where} cannot be read during preview, so it cannot be proven that no secret is in plain env.${hint}`);
        }
    },
};

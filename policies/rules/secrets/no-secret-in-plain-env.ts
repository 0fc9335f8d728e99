/**
 * Rule 10: credentials never sit in plain machine or container env: not under a secret-looking name (judged
 * case-insensitively: `stripe_api_key` is as secret as `STRIPE_API_KEY`), and not as a URL that carries a
 * password, whatever its name (`REPORTING=mysql://user:pw@host/db`). Several such variables are one violation naming
 * each, not the same context repeated per variable.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { envOf } from "../../lib/env";
import { hasUrlPassword } from "../../../config/credentials";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps } from "../../lib/rule";
import { DOCKER } from "../../lib/types";

/** Names that hold credentials. Matched on the name only, in any case; a policy never echoes the value. */
export const SECRET_NAME =
    /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|_PASS$|_PWD$|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|_KEY$|^KEY$|_DSN$|^DSN$|DATABASE_URL$|CONNECTION_?STRING|_SALT$|COOKIE/i;

/** Variables the program itself owns: the fix is in the program, not in config. */
const PROGRAM_OWNED = new Set(["JWT_SECRET", "DATABASE_URL", "SENTRY_DSN"]);

export const noSecretInPlainEnv: ResourceValidationPolicy = {
    name: "no-secret-in-plain-env",
    description: "Variables named like secrets (*SECRET*, *TOKEN*, *PASSWORD*, *_KEY, DATABASE_URL, SENTRY_DSN, in any case) and URLs carrying a password must go in the Fly app's secrets, never in plain env.",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        const env = envOf(args.type, plainProps(args.props));
        if (!env) return;
        const found: { key: string; fix: string; why: string }[] = [];
        for (const [key, value] of env.vars) {
            const byName = SECRET_NAME.test(key);
            if (!byName && (isUnknown(value) || !hasUrlPassword(value))) continue;
            const canonical = key.toUpperCase();
            const fix = PROGRAM_OWNED.has(canonical)
                ? `the program sets ${canonical} itself and must pass it through the Fly Secrets resource (components/), never ${env.path}`
                : `list it in secrets.extra so it becomes a Fly app secret (${configSet("secrets.extra[0]", canonical)}; ${configSet(canonical, "<value>", { secret: true })})`;
            found.push({ key, fix, why: byName ? "looks like a secret" : "holds a URL with a password (value not shown)" });
        }
        const exposure = `in plain ${env.path}, where anyone who can read the machine config or state sees it`;
        if (found.length === 1) reportViolation(`${found[0].key} ${found[0].why} but is ${exposure}. Fix: ${found[0].fix}.`);
        else if (found.length > 1) {
            // One problem, several variables: named once each, the context and the way to fix it once.
            const owned = found.filter((f) => PROGRAM_OWNED.has(f.key.toUpperCase())).map((f) => f.key.toUpperCase());
            const extra = found.filter((f) => !PROGRAM_OWNED.has(f.key.toUpperCase())).map((f) => f.key.toUpperCase());
            const fixes = [
                extra.length > 0 ? `list ${extra.join(", ")} in secrets.extra so each becomes a Fly app secret (${configSet("secrets.extra[<i>]", "<NAME>")}; ${configSet("<NAME>", "<value>", { secret: true })})` : "",
                owned.length > 0 ? `the program sets ${owned.join(", ")} itself and must pass them through the Fly Secrets resource (components/), never ${env.path}` : "",
            ].filter(Boolean);
            reportViolation(`${found.length} variables that hold credentials are ${exposure}: ${found.map((f) => `${f.key} (${f.why})`).join(", ")}. Fix: ${fixes.join("; ")}.`);
        }
        if (env.opaque > 0) {
            const where = env.opaque === Infinity ? env.path : `${env.opaque} entr${env.opaque === 1 ? "y" : "ies"} of ${env.path}`;
            const hint = args.type === DOCKER.container ? "" : " Build the env from plain config values; put secrets in the Fly Secrets resource.";
            reportViolation(`${where} cannot be read during preview, so it cannot be proven that no secret is in plain env.${hint}`);
        }
    },
};

/**
 * Production answers, and lets browsers call it from, production hosts only: no loopback or private address, no
 * `.local`-style name, no host of another environment and no preview or tunnel host (a pull request's deploy), in
 * CORS_ORIGINS, ALLOWED_HOSTS or a certificate's hostname. A list with several such hosts is one violation that
 * lists them, not one per host.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar, splitList } from "../../lib/env";
import { ENVIRONMENT_WORDS, hostWithoutPort, nonProductionHost, originHost } from "../../lib/hosts";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, settings, show, UNPROVEN } from "../../lib/rule";
import { FLY } from "../../lib/types";

/** Settings of `production-hosts-only`. */
export interface HostSettings {
    /**
     * Words that, as a whole word of a hostname label, mark a host of another environment.
     * @default ENVIRONMENT_WORDS (lib/hosts.ts): staging, stage, stg, dev, develop, development, test, testing, qa, uat, preprod, preview, sandbox, local, review
     */
    environmentWords: string[];
}

const DEFAULTS: HostSettings = { environmentWords: [...ENVIRONMENT_WORDS] };

const FIXES = {
    CORS_ORIGINS: configSet("app.settings.corsOrigins[0]", "https://app.example.com"),
    ALLOWED_HOSTS: configSet("app.settings.allowedHosts[0]", "api.example.com"),
} as const;

export const productionHostsOnly: ResourceValidationPolicy = {
    name: "production-hosts-only",
    description: "CORS origins, allowed hosts and certificate hostnames are production hosts: no localhost, private IP, .local-style name or another environment's host.",
    severity: "high",
    configSchema: { properties: { environmentWords: { type: "array", items: { type: "string", minLength: 1 }, default: DEFAULTS.environmentWords } } },
    validateResource: (args, reportViolation) => {
        const { environmentWords } = settings(args, DEFAULTS);
        const props = plainProps(args.props);
        if (args.type === FLY.certificate) {
            const hostname = props.hostname;
            if (isUnknown(hostname)) reportViolation(`The certificate's hostname ${UNPROVEN}; domains must be plain config values (app.domains).`);
            else if (typeof hostname === "string") {
                const reason = nonProductionHost(hostname.replace(/^\*\./, ""), environmentWords);
                if (reason) reportViolation(`The custom domain ${show(hostname)} ${reason}, so it is not a production domain. Fix: ${configSet("app.domains[0]", "api.example.com")}`);
            }
            return;
        }
        const env = appEnvOf(args.type, props);
        if (!env) return;
        for (const key of ["CORS_ORIGINS", "ALLOWED_HOSTS"] as const) {
            const value = readVar(env, key);
            if (isUnknown(value)) {
                reportViolation(`${key} in ${env.path} ${UNPROVEN}. Make it a plain config-derived value: ${FIXES[key]}`);
                continue;
            }
            const found: string[] = [];
            for (const entry of splitList(value ?? "")) {
                if (entry === "*") continue; // A wildcard is strict-cors-and-hosts' to judge.
                const host = key === "CORS_ORIGINS" ? originHost(entry) : hostWithoutPort(entry.replace(/^\*?\./, ""));
                if (host === undefined) continue;
                const reason = nonProductionHost(host, environmentWords);
                if (reason) found.push(`${show(entry)} (${reason})`);
            }
            if (found.length === 1) reportViolation(`${key} in ${env.path} lists ${found[0]}; production must list only its public hosts. Fix: ${FIXES[key]}`);
            else if (found.length > 1) reportViolation(`${key} in ${env.path} lists ${found.length} hosts that are not production hosts: ${found.join("; ")}. Production must list only its public hosts. Fix: remove them or replace each, e.g. ${FIXES[key]}`);
        }
    },
};

/**
 * Rule 3: production CORS names exact https origins, and the app answers only explicitly listed hosts. One problem
 * shared by several entries is one violation listing them.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar, splitList } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, show, UNPROVEN } from "../../lib/rule";

/** `"a"` or `"a", "b" (2 entries)`: the entries one problem applies to. */
const listed = (entries: readonly string[]) => `${entries.map((e) => show(e)).join(", ")}${entries.length > 1 ? ` (${entries.length} entries)` : ""}`;

const CORS_FIX = configSet("app.settings.corsOrigins[0]", "https://app.example.com");
const HOSTS_FIX = configSet("app.settings.allowedHosts[0]", "api.example.com");

export const strictCorsAndHosts: ResourceValidationPolicy = {
    name: "strict-cors-and-hosts",
    description: "CORS_ORIGINS must list exact https:// origins (no wildcard, no http://) and ALLOWED_HOSTS must list explicit hosts in production.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const env = appEnvOf(args.type, plainProps(args.props));
        if (!env) return;

        const cors = readVar(env, "CORS_ORIGINS");
        if (isUnknown(cors)) {
            reportViolation(`CORS_ORIGINS in ${env.path} ${UNPROVEN}. Make it a plain config-derived value (app.settings.corsOrigins).`);
        } else if (cors !== undefined) {
            const origins = splitList(cors);
            const wildcards = origins.filter((o) => o.includes("*"));
            const plain = origins.filter((o) => !o.includes("*") && !o.toLowerCase().startsWith("https://"));
            if (wildcards.length > 0) reportViolation(`CORS_ORIGINS allows the wildcard ${listed(wildcards)}: any web site could call the API with a user's credentials. List exact origins: ${CORS_FIX}`);
            if (plain.length > 0) reportViolation(`CORS_ORIGINS allows ${listed(plain)}, not https://; production origins must use TLS. Fix: ${CORS_FIX}`);
        }

        const hosts = readVar(env, "ALLOWED_HOSTS");
        if (isUnknown(hosts)) {
            reportViolation(`ALLOWED_HOSTS in ${env.path} ${UNPROVEN}. Make it a plain config-derived value (app.settings.allowedHosts).`);
        } else if (hosts === undefined || splitList(hosts).length === 0) {
            reportViolation(`ALLOWED_HOSTS is empty in ${env.path}, so the app answers any Host header. List the app's hostnames: ${HOSTS_FIX}`);
        } else {
            const wildcards = splitList(hosts).filter((host) => host.includes("*") || host.startsWith("."));
            if (wildcards.length > 0) reportViolation(`ALLOWED_HOSTS contains the wildcard ${listed(wildcards)}; production must list exact hostnames. Fix: ${HOSTS_FIX}`);
        }
    },
};

/** Rule 3: production CORS names exact https origins, and the app answers only explicitly listed hosts. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar, splitList } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, show, UNPROVEN } from "../../lib/rule";

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
            for (const origin of splitList(cors)) {
                if (origin.includes("*")) {
                    reportViolation(`CORS_ORIGINS allows the wildcard ${show(origin)}: any web site could call the API with a user's credentials. List exact origins: ${CORS_FIX}`);
                } else if (!origin.toLowerCase().startsWith("https://")) {
                    reportViolation(`CORS_ORIGINS allows ${show(origin)}, which is not https://; production origins must use TLS. Fix: ${CORS_FIX}`);
                }
            }
        }

        const hosts = readVar(env, "ALLOWED_HOSTS");
        if (isUnknown(hosts)) {
            reportViolation(`ALLOWED_HOSTS in ${env.path} ${UNPROVEN}. Make it a plain config-derived value (app.settings.allowedHosts).`);
        } else if (hosts === undefined || splitList(hosts).length === 0) {
            reportViolation(`ALLOWED_HOSTS is empty in ${env.path}, so the app answers any Host header. List the app's hostnames: ${HOSTS_FIX}`);
        } else {
            for (const host of splitList(hosts)) {
                if (host.includes("*") || host.startsWith(".")) {
                    reportViolation(`ALLOWED_HOSTS contains the wildcard ${show(host)}; production must list exact hostnames. Fix: ${HOSTS_FIX}`);
                }
            }
        }
    },
};

/** Rule 4: production logs at INFO or above, never DEBUG or TRACE. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, settings, show, UNPROVEN } from "../../lib/rule";

/** Settings of `production-log-level`. */
export interface LogLevelSettings {
    /**
     * Levels that log request bodies, tokens and internals.
     * @default ["TRACE", "DEBUG", "NOTSET", "ALL"]
     */
    forbiddenLevels: string[];
}

const DEFAULTS: LogLevelSettings = { forbiddenLevels: ["TRACE", "DEBUG", "NOTSET", "ALL"] };

export const productionLogLevel: ResourceValidationPolicy = {
    name: "production-log-level",
    description: "The app's LOG_LEVEL must be set and must not be DEBUG or TRACE in production.",
    severity: "medium",
    configSchema: { properties: { forbiddenLevels: { type: "array", items: { type: "string" }, default: DEFAULTS.forbiddenLevels } } },
    validateResource: (args, reportViolation) => {
        const env = appEnvOf(args.type, plainProps(args.props));
        if (!env) return;
        const { forbiddenLevels } = settings(args, DEFAULTS);
        const fix = configSet("app.settings.logLevel", "WARNING");
        const value = readVar(env, "LOG_LEVEL");
        if (value === undefined) {
            reportViolation(`LOG_LEVEL is not set in ${env.path}, so the app's own default decides and cannot be checked. Set it: ${fix}`);
        } else if (isUnknown(value)) {
            reportViolation(`LOG_LEVEL in ${env.path} ${UNPROVEN}. Make it a plain config-derived value: ${fix}`);
        } else if (forbiddenLevels.map((l) => l.toUpperCase()).includes(value.trim().toUpperCase())) {
            reportViolation(`LOG_LEVEL is ${show(value)} in ${env.path}; production must log at INFO or above (not ${forbiddenLevels.join("/")}). Fix: ${fix}`);
        }
    },
};

/** Rule 1: the app never runs with DEBUG on in production (Fly machine env or container env). */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { configSet, plainProps, show, UNPROVEN } from "../../lib/rule";

/** Spellings the app reads as "off"; anything else (`true`, `True`, `1`, `yes`, `on`, a typo) may turn debug on. */
const OFF = new Set(["false", "0", "no", "off"]);

export const noDebugInProduction: ResourceValidationPolicy = {
    name: "no-debug-in-production",
    description: "The app's DEBUG must be off (false, 0, no or off) in production: debug mode leaks stack traces and internals.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const env = appEnvOf(args.type, plainProps(args.props));
        if (!env) return;
        const fix = configSet("app.settings.debug", "false");
        const value = readVar(env, "DEBUG");
        if (value === undefined) {
            reportViolation(`DEBUG is not set in ${env.path}, so the app's own default decides and cannot be checked. Set it explicitly: ${fix}`);
        } else if (isUnknown(value)) {
            reportViolation(`DEBUG in ${env.path} ${UNPROVEN}. Make it a plain config-derived value: ${fix}`);
        } else if (!OFF.has(value.trim().toLowerCase())) {
            reportViolation(`DEBUG is ${show(value)} in ${env.path}; production must not run in debug mode. Fix: ${fix}`);
        }
    },
};

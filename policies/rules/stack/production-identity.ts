/**
 * A production stack says it is production everywhere it is named: the app's ENVIRONMENT and SENTRY_ENVIRONMENT,
 * and the GitHub deployment environment (whose reviewers and branch rules are what production approval means).
 * A prod stack that calls itself `staging` reports its errors as staging and deploys through staging's gate.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { configSet, ofType, settings, show, stackNodes, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY, GITHUB } from "../../lib/types";

/** Settings of `production-identity`. */
export interface IdentitySettings {
    /**
     * The name production goes by: ENVIRONMENT, SENTRY_ENVIRONMENT and the GitHub environment.
     * @default "production"
     */
    environment: string;
}

const DEFAULTS: IdentitySettings = { environment: "production" };

export const productionIdentity: StackValidationPolicy = {
    name: "production-identity",
    description: "The stack identifies as production: ENVIRONMENT and SENTRY_ENVIRONMENT are \"production\" and it deploys through the GitHub environment \"production\".",
    severity: "high",
    configSchema: { properties: { environment: { type: "string", minLength: 1, default: DEFAULTS.environment } } },
    validateStack: (args, reportViolation) => {
        const { environment } = settings(args, DEFAULTS);
        const nodes = stackNodes(args);
        const envFix = configSet("environment", environment);
        for (const app of ofType(nodes, FLY.machineGroup, DOCKER.container)) {
            const env = appEnvOf(app.type, app.props);
            if (!env) continue;
            for (const key of ["ENVIRONMENT", "SENTRY_ENVIRONMENT"]) {
                const value = readVar(env, key);
                if (isUnknown(value)) reportViolation(`${key} in ${env.path} ${UNPROVEN}. Fix: ${envFix}`, app.urn);
                else if (value !== environment) reportViolation(`${key} is ${show(value ?? "unset")} in ${env.path}; a production stack must report itself as ${show(environment)}. Fix: ${envFix}`, app.urn);
            }
        }
        const environments = ofType(nodes, GITHUB.environment);
        const names = environments.map((e) => e.props.environment);
        if (names.some(isUnknown)) reportViolation(`A GitHub environment name ${UNPROVEN}.`);
        else if (environments.length > 0 && !names.includes(environment)) {
            reportViolation(`The stack deploys through GitHub environment(s) ${names.map((n) => show(n ?? null)).join(", ")}, not ${show(environment)}, so production's reviewers and branch rules do not gate it. Fix: ${configSet("github.environment", environment)}`);
        }
    },
};

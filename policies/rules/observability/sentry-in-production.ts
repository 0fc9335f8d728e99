/**
 * Rule 14: production reports errors to Sentry (a project, a DSN delivered as a secret, the environment name)
 * and samples traces at no more than `maxTracesSampleRate`.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { secretEntry } from "../../lib/secrets";
import { configSet, dependsOnAny, ofType, settings, stackNodes, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY, SENTRY } from "../../lib/types";

/** Settings of `sentry-in-production`. */
export interface SentrySettings {
    /**
     * Highest traces sample rate: tracing every request costs quota and latency.
     * @default 0.2
     */
    maxTracesSampleRate: number;
}

const DEFAULTS: SentrySettings = { maxTracesSampleRate: 0.2 };
const SETUP = `${configSet("sentry.organization", "<org>")} && ${configSet("sentry.team", "<team>")}`;

export const sentryInProduction: StackValidationPolicy = {
    name: "sentry-in-production",
    description: "Production reports to Sentry (its own project or a shared one), the DSN reaches the app as a secret, and SENTRY_TRACES_SAMPLE_RATE is at most 0.2.",
    severity: "medium",
    configSchema: { properties: { maxTracesSampleRate: { type: "number", minimum: 0, maximum: 1, default: DEFAULTS.maxTracesSampleRate } } },
    validateStack: (args, reportViolation) => {
        const { maxTracesSampleRate } = settings(args, DEFAULTS);
        const nodes = stackNodes(args);
        const apps = ofType(nodes, FLY.machineGroup, DOCKER.container).filter((n) => appEnvOf(n.type, n.props));
        if (apps.length === 0) return;

        const projects = ofType(nodes, SENTRY.project);
        const keys = ofType(nodes, SENTRY.key);
        // `sentry.project: shared` adds a key to a project another stack (or a person) owns: no project resource
        // here, and the key names the project by slug.
        if (keys.length === 0) {
            reportViolation(projects.length === 0 ? `The stack has no Sentry project or key, so production errors go unseen. Configure Sentry: ${SETUP}` : "The stack has a Sentry project but no Sentry key, so the app has no DSN to report to. The program must create the key with the project (components/sentryProject.ts); check sentry.project and sentry.organization.");
        } else if (projects.length === 0) {
            for (const key of keys) {
                const project = key.props.project;
                if (isUnknown(project)) reportViolation(`The Sentry key's project ${UNPROVEN}, and the stack creates no Sentry project.`, key.urn);
                else if (typeof project !== "string" || project === "") reportViolation(`The Sentry key names no project, so the app has no DSN to report to. Configure Sentry: ${SETUP}`, key.urn);
            }
        }

        const rateFix = configSet("sentry.tracesSampleRate", "0.1");
        for (const app of apps) {
            const env = appEnvOf(app.type, app.props)!;
            const rate = readVar(env, "SENTRY_TRACES_SAMPLE_RATE");
            if (rate === undefined) reportViolation(`SENTRY_TRACES_SAMPLE_RATE is not set in ${env.path}. Fix: ${rateFix}`, app.urn);
            else if (isUnknown(rate)) reportViolation(`SENTRY_TRACES_SAMPLE_RATE in ${env.path} ${UNPROVEN}. Fix: ${rateFix}`, app.urn);
            else if (!(Number(rate) >= 0 && Number(rate) <= maxTracesSampleRate)) {
                reportViolation(`SENTRY_TRACES_SAMPLE_RATE is ${JSON.stringify(rate)} in ${env.path}; production must sample at most ${maxTracesSampleRate}. Fix: ${rateFix}`, app.urn);
            }
            const environment = readVar(env, "SENTRY_ENVIRONMENT");
            if (environment === undefined || environment === "") reportViolation(`SENTRY_ENVIRONMENT is not set in ${env.path}, so events cannot be told apart by environment. Fix: ${configSet("environment", "production")}`, app.urn);
        }

        // The DSN must reach Fly machines through the app's secrets, from this stack's Sentry key.
        for (const secrets of ofType(nodes, FLY.secrets)) {
            const dsn = secretEntry(secrets, "SENTRY_DSN");
            if (dsn === undefined || dsn === "") reportViolation(`The Fly secrets carry no SENTRY_DSN, so the app cannot report errors. Configure Sentry: ${SETUP}`, secrets.urn);
            else if (isUnknown(dsn) && !dependsOnAny(secrets, nodes, (n) => n.type === SENTRY.key)) {
                reportViolation(`SENTRY_DSN in the Fly secrets ${UNPROVEN}, and they do not depend on a Sentry key of this stack.`, secrets.urn);
            }
        }
    },
};

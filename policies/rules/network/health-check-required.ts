/** Rule 6: every service the app exposes has a health check, so a broken machine never receives traffic. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appEnvOf } from "../../lib/env";
import { isObject, isUnknown, listAt, objectAt, Plain, PlainObject, UNKNOWN } from "../../lib/known";
import { configSet, plainProps, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY } from "../../lib/types";

const FIX = configSet("app.healthPath", "/health");

/** Whether a check probes over HTTP with a path (what the app's health endpoint answers). */
function isHttpCheck(check: Plain): boolean | typeof UNKNOWN {
    if (!isObject(check)) return false;
    if (isUnknown(check.type) || isUnknown(check.path)) return UNKNOWN;
    return String(check.type).toLowerCase() === "http" && typeof check.path === "string" && check.path.startsWith("/");
}

export const healthCheckRequired: ResourceValidationPolicy = {
    name: "health-check-required",
    description: "Every service of the app must have an HTTP health check on the health path.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const props = plainProps(args.props);
        if (args.type === DOCKER.container) {
            if (!appEnvOf(args.type, props)) return;
            // A one-off container (the release step: attached, never restarted) runs to its end and serves nothing.
            if (props.attach === true && props.restart === "no") return;
            const health = objectAt(props, "healthcheck");
            const tests = health === UNKNOWN ? UNKNOWN : listAt(health ?? {}, "tests");
            if (isUnknown(tests)) reportViolation(`healthcheck ${UNPROVEN}.`);
            else if (tests.length === 0) reportViolation(`The app container has no healthcheck, so Docker cannot tell a hung app from a healthy one. The program must set one from app.healthPath (${FIX}).`);
            return;
        }
        if (args.type !== FLY.machineGroup) return;
        const config = objectAt(props, "config");
        if (isUnknown(config)) {
            reportViolation(`config ${UNPROVEN}: build the machine config from plain values.`);
            return;
        }
        const machineChecks = objectAt(config ?? {}, "checks");
        if (isUnknown(machineChecks)) {
            reportViolation(`config.checks ${UNPROVEN}.`);
            return;
        }
        const topLevel = Object.values(machineChecks ?? {}).map(isHttpCheck);
        const services = listAt(config ?? {}, "services");
        if (isUnknown(services)) {
            reportViolation(`config.services ${UNPROVEN}: build the services from plain values.`);
            return;
        }
        if (services.length === 0 && !topLevel.includes(true)) {
            reportViolation(`The machines have no HTTP health check (config.checks is empty). The program must add one on app.healthPath (${FIX}).`);
            return;
        }
        services.forEach((service, i) => {
            const checks = listAt(service as PlainObject, "checks");
            if (isUnknown(checks)) {
                reportViolation(`config.services[${i}].checks ${UNPROVEN}.`);
                return;
            }
            const verdicts = [...checks.map(isHttpCheck), ...topLevel];
            if (verdicts.includes(true)) return;
            if (verdicts.includes(UNKNOWN)) reportViolation(`The health checks of config.services[${i}] ${UNPROVEN}: their type and path must be plain values.`);
            else reportViolation(`config.services[${i}] has no HTTP health check (in its checks or config.checks), so Fly routes traffic to machines that are not ready. The program must add one on app.healthPath (${FIX}).`);
        });
    },
};

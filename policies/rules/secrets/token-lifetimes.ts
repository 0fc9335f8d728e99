/**
 * Security lifetimes have a production bound: a JWT access token lives at most `maxAccessTokenMinutes` (a stolen
 * token is good for that long, and nothing revokes it), and the JWT signing secret is rotated at least every
 * `maxRotationDays`. The schema allows a day and a year, which a development stack may want; production may not.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { appEnvOf, readVar } from "../../lib/env";
import { isUnknown } from "../../lib/known";
import { configSet, ofType, settings, show, stackNodes, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY, TIME_ROTATING } from "../../lib/types";

/** Settings of `token-lifetimes`. */
export interface LifetimeSettings {
    /**
     * Longest lifetime of a JWT access token, in minutes (`JWT_EXPIRY_MINUTES`).
     * @default 30
     */
    maxAccessTokenMinutes: number;
    /**
     * Longest time between rotations of the generated JWT secret, in days (`secrets.rotationDays`).
     * @default 90
     */
    maxRotationDays: number;
}

const DEFAULTS: LifetimeSettings = { maxAccessTokenMinutes: 30, maxRotationDays: 90 };

const EXPIRY = "JWT_EXPIRY_MINUTES";

export const tokenLifetimes: StackValidationPolicy = {
    name: "token-lifetimes",
    description: "JWT access tokens live at most 30 minutes (JWT_EXPIRY_MINUTES) and the generated JWT secret rotates at least every 90 days.",
    severity: "high",
    configSchema: {
        properties: {
            maxAccessTokenMinutes: { type: "integer", minimum: 1, default: DEFAULTS.maxAccessTokenMinutes },
            maxRotationDays: { type: "integer", minimum: 1, default: DEFAULTS.maxRotationDays },
        },
    },
    validateStack: (args, reportViolation) => {
        const { maxAccessTokenMinutes, maxRotationDays } = settings(args, DEFAULTS);
        const nodes = stackNodes(args);
        const expiryFix = configSet("app.settings.jwtExpiryMinutes", String(Math.min(15, maxAccessTokenMinutes)));
        for (const app of ofType(nodes, FLY.machineGroup, DOCKER.container)) {
            const env = appEnvOf(app.type, app.props);
            if (!env) continue;
            const value = readVar(env, EXPIRY);
            if (isUnknown(value)) reportViolation(`${EXPIRY} in ${env.path} ${UNPROVEN}. Fix: ${expiryFix}`, app.urn);
            else if (value === undefined) reportViolation(`${EXPIRY} is not set in ${env.path}, so the token lifetime is whatever the app defaults to, unbounded here. Fix: ${expiryFix}`, app.urn);
            else if (!/^\d+$/.test(value.trim()) || Number(value) > maxAccessTokenMinutes) {
                reportViolation(`${EXPIRY} is ${show(value)} (app.settings.jwtExpiryMinutes); production access tokens may live at most ${maxAccessTokenMinutes} minutes, since a stolen one cannot be revoked before it expires. Fix: ${expiryFix}`, app.urn);
            }
        }
        for (const rotation of ofType(nodes, TIME_ROTATING)) {
            const days = rotation.props.rotationDays;
            const fix = configSet("secrets.rotationDays", String(Math.min(30, maxRotationDays)));
            if (isUnknown(days)) reportViolation(`The JWT secret's rotation period ${UNPROVEN}. Fix: ${fix}`, rotation.urn);
            else if (typeof days !== "number") reportViolation(`The JWT secret's rotation "${rotation.name}" sets no rotationDays, so production's period is not bounded. Fix: ${fix}`, rotation.urn);
            else if (days > maxRotationDays) reportViolation(`The JWT secret rotates every ${days} days (secrets.rotationDays); production rotates at least every ${maxRotationDays}. Fix: ${fix}`, rotation.urn);
        }
    },
};

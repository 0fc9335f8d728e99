/**
 * A production rollout never takes the app down: machines are replaced `rolling` or `bluegreen` (never
 * `immediate`, which updates every machine at once without waiting for health), at most `maxUnavailable` at a
 * time, and new machines get a health timeout long enough to start and short enough to roll a bad release back.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, numberAt, stringAt } from "../../lib/known";
import { configSet, plainProps, settings, show, UNPROVEN } from "../../lib/rule";
import { FLY } from "../../lib/types";

/** Settings of `safe-rollout`. */
export interface RolloutSettings {
    /**
     * Strategies that wait for health before moving on.
     * @default ["rolling", "bluegreen"]
     */
    strategies: string[];
    /**
     * Most machines a rolling batch may take out of service at once.
     * @default 1
     */
    maxUnavailable: number;
    /**
     * Shortest health timeout: below it a healthy release is rolled back before its checks can pass.
     * @default 60
     */
    minHealthTimeoutSeconds: number;
    /**
     * Longest health timeout: above it a broken release holds the rollout (and the lock) that long.
     * @default 900
     */
    maxHealthTimeoutSeconds: number;
}

const DEFAULTS: RolloutSettings = { strategies: ["rolling", "bluegreen"], maxUnavailable: 1, minHealthTimeoutSeconds: 60, maxHealthTimeoutSeconds: 900 };

/** The provider's defaults (providers/fly/machineGroupConfig.ts) when an input is left out. */
const PROVIDER_DEFAULTS = { maxUnavailable: 1, healthTimeoutSeconds: 300 };

export const safeRollout: ResourceValidationPolicy = {
    name: "safe-rollout",
    description: "Production rollouts wait for health (rolling or bluegreen, never immediate), take at most one machine out at a time, and use a health timeout from 60 to 900 seconds.",
    severity: "high",
    configSchema: {
        properties: {
            strategies: { type: "array", items: { type: "string", enum: ["rolling", "bluegreen", "immediate"] }, minItems: 1, default: DEFAULTS.strategies },
            maxUnavailable: { type: "integer", minimum: 1, default: DEFAULTS.maxUnavailable },
            minHealthTimeoutSeconds: { type: "integer", minimum: 1, default: DEFAULTS.minHealthTimeoutSeconds },
            maxHealthTimeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, default: DEFAULTS.maxHealthTimeoutSeconds },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== FLY.machineGroup) return;
        const limits = settings(args, DEFAULTS);
        const props = plainProps(args.props);

        const strategy = stringAt(props, "strategy");
        const strategyFix = configSet("app.deploy.strategy", "bluegreen");
        if (isUnknown(strategy)) reportViolation(`strategy ${UNPROVEN}; it must be a plain config value. Fix: ${strategyFix}`);
        else if (strategy === undefined || !limits.strategies.includes(strategy)) {
            reportViolation(`The rollout strategy is ${show(strategy ?? "unset")}; production must use ${limits.strategies.join(" or ")}, which wait for each new machine to be healthy (immediate replaces every machine at once). Fix: ${strategyFix}`);
        }

        const unavailable = props.maxUnavailable === undefined ? PROVIDER_DEFAULTS.maxUnavailable : numberAt(props, "maxUnavailable");
        const unavailableFix = configSet("app.deploy.maxUnavailable", String(limits.maxUnavailable));
        if (isUnknown(unavailable)) reportViolation(`maxUnavailable ${UNPROVEN}. Fix: ${unavailableFix}`);
        else if (unavailable === undefined || unavailable > limits.maxUnavailable) {
            reportViolation(`maxUnavailable is ${show(props.maxUnavailable ?? null)}: a rolling update may take that many machines out of service at once; production allows at most ${limits.maxUnavailable}. Fix: ${unavailableFix}`);
        }

        const timeout = props.healthTimeoutSeconds === undefined ? PROVIDER_DEFAULTS.healthTimeoutSeconds : numberAt(props, "healthTimeoutSeconds");
        const timeoutFix = configSet("app.deploy.healthTimeoutSeconds", "300");
        if (isUnknown(timeout)) reportViolation(`healthTimeoutSeconds ${UNPROVEN}. Fix: ${timeoutFix}`);
        else if (timeout === undefined || timeout < limits.minHealthTimeoutSeconds || timeout > limits.maxHealthTimeoutSeconds) {
            reportViolation(`healthTimeoutSeconds is ${show(props.healthTimeoutSeconds ?? null)}; production needs ${limits.minHealthTimeoutSeconds} to ${limits.maxHealthTimeoutSeconds} seconds, long enough for a new machine to boot and pass its checks, short enough to roll a broken release back. Fix: ${timeoutFix}`);
        }
    },
};

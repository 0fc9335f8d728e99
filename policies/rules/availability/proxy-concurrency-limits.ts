/**
 * The Fly proxy sheds load before the app falls over: every service sets a soft and a hard concurrency limit, the
 * soft one at most the hard one, and the hard one low enough that a machine is never handed more than it can serve.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, listAt, numberAt, objectAt, UNKNOWN } from "../../lib/known";
import { configSet, plainProps, settings, show, UNPROVEN } from "../../lib/rule";
import { FLY } from "../../lib/types";

/** Settings of `proxy-concurrency-limits`. */
export interface ConcurrencySettings {
    /**
     * Highest hard limit (requests or connections per machine) production accepts.
     * @default 1000
     */
    maxHardLimit: number;
}

const DEFAULTS: ConcurrencySettings = { maxHardLimit: 1000 };
const TYPES = new Set(["requests", "connections"]);

export const proxyConcurrencyLimits: ResourceValidationPolicy = {
    name: "proxy-concurrency-limits",
    description: "Every Fly service sets concurrency limits (type requests or connections, soft ≤ hard, hard ≤ 1000), so the proxy sheds load instead of overloading a machine.",
    severity: "medium",
    configSchema: { properties: { maxHardLimit: { type: "integer", minimum: 1, default: DEFAULTS.maxHardLimit } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== FLY.machineGroup) return;
        const { maxHardLimit } = settings(args, DEFAULTS);
        const config = objectAt(plainProps(args.props), "config");
        const services = config === UNKNOWN ? UNKNOWN : listAt(config ?? {}, "services");
        if (isUnknown(services)) {
            reportViolation(`config.services ${UNPROVEN}: build the services from plain values.`);
            return;
        }
        const fix = `${configSet("app.concurrency.soft", "200")} && ${configSet("app.concurrency.hard", "250")}`;
        services.forEach((service, i) => {
            const where = `config.services[${i}].concurrency`;
            const concurrency = objectAt(service, "concurrency");
            if (isUnknown(concurrency)) return reportViolation(`${where} ${UNPROVEN}.`);
            if (concurrency === undefined) return reportViolation(`${where} is not set, so the proxy sends a machine every request it gets. Fix: ${fix}`);
            const type = concurrency.type;
            const soft = numberAt(concurrency, "soft_limit");
            const hard = numberAt(concurrency, "hard_limit");
            if (isUnknown(type) || isUnknown(soft) || isUnknown(hard)) return reportViolation(`${where} ${UNPROVEN}.`);
            if (typeof type !== "string" || !TYPES.has(type)) reportViolation(`${where}.type is ${show(type ?? "unset")}; it must be "requests" or "connections".`);
            if (hard === undefined || soft === undefined) return reportViolation(`${where} lacks a soft_limit or hard_limit, so the proxy cannot shed load. Fix: ${fix}`);
            if (hard > maxHardLimit) reportViolation(`${where}.hard_limit is ${hard}, above ${maxHardLimit}: in effect no limit, so a traffic spike overloads each machine instead of being queued or spread. Fix: ${fix}`);
            if (soft > hard) reportViolation(`${where}.soft_limit (${soft}) is above hard_limit (${hard}), so the proxy never balances before it rejects. Fix: ${fix}`);
        });
    },
};

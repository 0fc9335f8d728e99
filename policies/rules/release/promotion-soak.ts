/**
 * A promoted release must have run healthy on its source stack for `promotion.soakHours` (24 by default) before it
 * is deployed: staging's soak is what a promotion relies on. Judged on the release history that carries the
 * promotion record, against the time the policy runs; an explicit `promotion.override` with a reason lets an
 * emergency through (and promotion-soak-override reports it).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hours, promotionOf } from "../../lib/promotion";
import { configSet } from "../../lib/rule";

export const promotionSoak: ResourceValidationPolicy = {
    name: "promotion-soak",
    description: "A promoted image has run healthy on its source stack for at least promotion.soakHours before it is deployed.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const promotion = promotionOf(args.type, args.props);
        if (promotion === undefined || promotion.overrideReason !== undefined) return;
        const soakMs = promotion.soakHours * 3_600_000;
        const ran = Date.now() - promotion.healthyAt.getTime();
        if (ran >= soakMs) return;
        const eligible = new Date(promotion.healthyAt.getTime() + soakMs).toISOString();
        reportViolation(
            `${promotion.image} has run healthy on ${promotion.from} for ${hours(ran)} (since ${promotion.healthyAt.toISOString()}), ` +
                `less than promotion.soakHours (${promotion.soakHours} h); it may be promoted from ${eligible}. ` +
                `Fix: promote it again after then, or for an emergency: ${configSet("promotion.override.reason", '"<why the soak is skipped>"')}`,
        );
    },
};

/**
 * The other half of promotion-soak: a promotion deployed with `promotion.override` passes the soak, and this
 * finding (advisory in every stack) says so and why, so the override shows in every preview, plan and PR comment.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { looksLikeCredential } from "../../../config/credentials";
import { hours, promotionOf } from "../../lib/promotion";
import { configRm } from "../../lib/rule";

export const PROMOTION_SOAK_OVERRIDE = "promotion-soak-override";

export const promotionSoakOverride: ResourceValidationPolicy = {
    name: PROMOTION_SOAK_OVERRIDE,
    description: "Reports a promotion whose soak was overridden, with the reason given.",
    severity: "medium",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const promotion = promotionOf(args.type, args.props);
        if (promotion?.overrideReason === undefined) return;
        const reason = looksLikeCredential(promotion.overrideReason) ? "(not shown: it looks like a credential)" : JSON.stringify(promotion.overrideReason);
        const ran = Date.now() - promotion.healthyAt.getTime();
        reportViolation(
            `The soak of ${promotion.image} was overridden after ${hours(ran)} of the ${promotion.soakHours} h required on ${promotion.from}: ${reason}. ` +
                `Remove the override once this release is deployed: ${configRm("promotion.override")}`,
        );
    },
};

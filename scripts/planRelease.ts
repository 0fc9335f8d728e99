/**
 * The plan's release section: what image this up deploys and, for a promotion, the soak verdict the policy pack
 * gave (promotion-soak, promotion-soak-override), so `npm run plan -- prod` shows the promoted digest and whether it
 * may go. Read from the validated stack config and the analyzer's findings; nothing is computed twice.
 */
import type { PolicyViolation } from "../engine";
import type { StackConfig } from "../config";
import { promotionCopy } from "../config/promotion";
import { PROMOTION_SOAK_OVERRIDE } from "../policies/rules/release/promotion-soak-override";
import { paint } from "./render";

/** The release lines of a plan; `violations` undefined when no policy pack ran (then the soak is not judged). */
export function renderRelease(config: StackConfig, violations: readonly PolicyViolation[] | undefined): string {
    const { image } = config.app;
    if (config.rollback !== undefined) {
        return `Release:\n    rollback to ${config.rollback.to} (commit ${config.rollback.commit}): ${JSON.stringify(config.rollback.reason)}; nothing is built`;
    }
    const promoted = image.promoted;
    if (promoted === undefined) {
        if (image.context !== undefined) return `Release:\n    built from ${image.context} in this up (its digest exists after the build); \`npm run promote\` takes that digest onward`;
        return `Release:\n    prebuilt ${image.ref}`;
    }
    const copy = promotionCopy(config);
    const lines = [
        `    promoted from ${promoted.from}: ${promoted.image}`,
        `    commit ${promoted.commit}, healthy on ${promoted.from} since ${promoted.healthyAt}`,
        copy === undefined ? "    runs from the source repository (same Fly organization)" : `    copied by digest from organization ${config.promotion.sourceOrg ?? "(another registry)"} with ${copy.sourceTokenEnv}`,
    ];
    const blocked = violations?.find((v) => v.policyName === "promotion-soak");
    const overridden = violations?.find((v) => v.policyName === PROMOTION_SOAK_OVERRIDE);
    // The analyzer's message starts with the rule's description; the finding is what follows it.
    const finding = (v: PolicyViolation) => (v.message.startsWith(v.description) ? v.message.slice(v.description.length) : v.message).trim();
    if (violations === undefined) lines.push("    soak: not judged (no policy pack ran)");
    else if (blocked) lines.push(paint.red(`    soak: blocked (${blocked.enforcementLevel}): ${finding(blocked)}`));
    else if (overridden) lines.push(paint.yellow(`    soak: overridden: ${finding(overridden)}`));
    else lines.push(paint.green(`    soak: passed (at least ${config.promotion.soakHours} h healthy on ${promoted.from})`));
    return `Release:\n${lines.join("\n")}`;
}

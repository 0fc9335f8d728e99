/**
 * The promotion a release history carries (components/appService.ts gives it the stack's promotion record), read
 * once for the soak rule and its override finding.
 */
import { isObject, isUnknown } from "./known";
import { plainProps } from "./rule";
import { RELEASE_HISTORY } from "./types";

/** A promotion as the rules judge it. */
export interface Promotion {
    readonly from: string;
    readonly image: string;
    readonly healthyAt: Date;
    readonly soakHours: number;
    readonly overrideReason?: string;
}

/** The promotion of a resource, or undefined when it is no release history, carries none, or is not known yet. */
export function promotionOf(type: string, props: unknown): Promotion | undefined {
    if (type !== RELEASE_HISTORY) return undefined;
    const promotion = plainProps(props).promotion;
    if (isUnknown(promotion) || !isObject(promotion)) return undefined;
    const { from, image, healthyAt, soakHours, overrideReason } = promotion;
    if (typeof from !== "string" || typeof image !== "string" || typeof healthyAt !== "string" || typeof soakHours !== "number") return undefined;
    const when = new Date(healthyAt);
    if (Number.isNaN(when.getTime())) return undefined;
    return { from, image, healthyAt: when, soakHours, ...(typeof overrideReason === "string" ? { overrideReason } : {}) };
}

/** Hours, to one decimal. */
export function hours(ms: number): string {
    return `${(Math.max(0, ms) / 3_600_000).toFixed(1)} h`;
}

/**
 * What a stack's image config means for a deploy, read once from the validated config: which image it runs (a build,
 * a prebuilt or promoted digest, or a rollback's target) and whether a promoted image must first be copied into
 * this stack's registry. Both the program (components/environment.ts) and the load-time checks (load.ts) use it.
 */
import { FLY_REGISTRY, registryOf } from "../providers/fly/imageRef";
import type { StackConfig } from "./schema";

/** A promoted image that lives in another registry or Fly organization: the up copies it by digest. */
export interface PromotionCopy {
    /** The source image, by digest. */
    readonly source: string;
    /** The environment variable holding the source registry's token. */
    readonly sourceTokenEnv: string;
}

/**
 * The copy a promoted image needs, or undefined: none when nothing is promoted, when a rollback deploys a release of
 * the stack's own, or when the source is Fly's registry of the same organization (Fly machines pull any app's
 * repository of their organization).
 */
export function promotionCopy(config: StackConfig): PromotionCopy | undefined {
    const promoted = config.app.image.promoted;
    if (promoted === undefined || config.rollback !== undefined || config.platform !== "fly") return undefined;
    const org = config.fly?.org;
    const sameOrg = (config.promotion.sourceOrg ?? org) === org && registryOf(promoted.image) === FLY_REGISTRY;
    return sameOrg ? undefined : { source: promoted.image, sourceTokenEnv: config.promotion.sourceTokenEnv };
}

/** Whether the stack builds its image in this up (never during a rollback, never for a promoted or prebuilt image). */
export function buildsImage(config: StackConfig): boolean {
    return config.rollback === undefined && config.app.image.context !== undefined;
}

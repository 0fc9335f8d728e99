/**
 * `release:ReleaseHistory` (in the Fly provider package, which loads it): the releases a stack deployed, newest first, kept in its own state across ups so every
 * command reads them from stack outputs (no artifacts). The provider is releaseHistoryProvider.ts; it calls nothing
 * (it runs for a local stack too).
 */
import * as pulumi from "@pulumi/pulumi";
import { flyType, withFlyProvider } from "./registration";
import type { ReleaseRecord } from "./releaseHistoryRecords";

export type { ReleaseRecord } from "./releaseHistoryRecords";

/** A promotion the release came with: what the policy `promotion-soak` judges. */
export interface PromotionInput {
    /** The stack that proved the release. */
    readonly from: string;
    /** The source image, by digest. */
    readonly image: string;
    /** When the source stack's release became healthy (ISO 8601). */
    readonly healthyAt: string;
    /** Hours the source must have run it healthy. */
    readonly soakHours: number;
    /** Why the soak is skipped, for an emergency; absent otherwise. */
    readonly overrideReason?: string;
}

/** Arguments of {@link ReleaseHistory}. */
export interface ReleaseHistoryArgs {
    /** The image the stack now runs, by digest: a new one is a new release record. */
    readonly image: pulumi.Input<string>;
    /** The commit the image was built from, or `unknown` (then the history's own record of the digest, if any, is kept). */
    readonly commit: pulumi.Input<string>;
    /**
     * Set by a rollback up: the release it replaces is marked rolled back.
     * @default not a rollback
     */
    readonly rollback?: pulumi.Input<{ readonly reason: string }>;
    /**
     * The promotion record this release was deployed from.
     * @default not a promotion
     */
    readonly promotion?: pulumi.Input<PromotionInput>;
}

/** The stack's release records. Never replaced: its state is the history. */
export class ReleaseHistory extends pulumi.CustomResource {
    /** The release the last up deployed. */
    declare public readonly release: pulumi.Output<ReleaseRecord>;
    /** The last releases, newest first. */
    declare public readonly releases: pulumi.Output<ReleaseRecord[]>;

    constructor(name: string, args: ReleaseHistoryArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("ReleaseHistory"), name, withFlyProvider("ReleaseHistory", { rollback: undefined, promotion: undefined, ...args, release: undefined, releases: undefined }), opts);
    }
}

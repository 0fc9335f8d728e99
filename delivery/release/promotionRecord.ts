/**
 * The promotion record in the target stack's file (`app.image.promoted`): written by `npm run promote`, so a
 * promotion is a reviewed commit and undoing it is `git revert`. The edit keeps every other line of the file, its
 * comments included.
 */
import YAML, { isMap } from "yaml";
import type { ReleaseRecord } from "./records";

/** What `app.image.promoted` holds. */
export interface PromotionRecord {
    /** The stack that proved the release. */
    readonly from: string;
    /** The source image, by digest. */
    readonly image: string;
    /** The commit it was built from. */
    readonly commit: string;
    /** When the source stack's release record says it became healthy. */
    readonly healthyAt: string;
}

/** The record promoting `release` of stack `from`. */
export function promotionOf(from: string, release: ReleaseRecord & { healthyAt: string }): PromotionRecord {
    return { from, image: release.image, commit: release.commit, healthyAt: release.healthyAt };
}

/**
 * `text` (a stack file) with `<project>:app.image` replaced by `{ promoted: record }`: whatever the image was (a
 * build context, a prebuilt ref, an earlier promotion), the stack now deploys the promoted digest. Throws when the
 * file has no `<project>:app` map.
 */
export function writePromotion(text: string, project: string, target: string, record: PromotionRecord): string {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`Pulumi.${target}.yaml is not valid YAML: ${doc.errors[0].message}`);
    const app = doc.getIn(["config", `${project}:app`]);
    if (!isMap(app)) throw new Error(`Pulumi.${target}.yaml has no ${project}:app map to promote into.\n  fix: give the stack an app (copy it from Pulumi.${record.from}.yaml), then promote again`);
    const image = doc.createNode({ promoted: { ...record } });
    // Quoted, so no YAML reader takes it for a timestamp and hands the program something other than the string.
    const healthyAt = image.getIn(["promoted", "healthyAt"], true);
    if (YAML.isScalar(healthyAt)) healthyAt.type = "QUOTE_DOUBLE";
    // Comments on the `image` key stay (they belong to the key); the old value and its own comments go with it.
    app.set("image", image);
    return doc.toString({ lineWidth: 0 });
}

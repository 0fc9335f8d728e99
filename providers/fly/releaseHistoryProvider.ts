/**
 * ReleaseHistory (`pulumi-nodejs:dynamic/release:ReleaseHistory`): carries the stack's release records from one up to
 * the next in its own state (releaseHistoryRecords.ts decides what changes). It depends on what serves the image, so
 * it is written once the rollout finished healthy; its time is that moment.
 */
import { kindProvider } from "./kindProvider";
import { changedKeys, isKnown } from "./providerInputs";
import { type Deployed, type ReleaseRecord, recordRelease } from "./releaseHistoryRecords";
import type { PromotionInput } from "./releaseHistory";

interface HistoryInputs extends Deployed {
    promotion?: PromotionInput;
}

interface HistoryOutputs extends HistoryInputs {
    release: ReleaseRecord;
    releases: ReleaseRecord[];
}

function outputs(inputs: HistoryInputs, history: readonly ReleaseRecord[]): HistoryOutputs {
    const releases = recordRelease(history, inputs, new Date());
    return { ...inputs, release: releases[0], releases };
}

export const releaseHistoryProvider = kindProvider({
    check: (_olds, news: HistoryInputs) => {
        const failures = [];
        // An unpinned image is the policy image-pinned-by-digest's to judge (advisory outside prod), so it is recorded.
        if (news.image === undefined || (isKnown(news.image) && (typeof news.image !== "string" || news.image.length === 0))) {
            failures.push({ property: "image", reason: "fly:ReleaseHistory: image is required: the reference the app runs, by digest." });
        }
        if (news.commit === undefined || (isKnown(news.commit) && typeof news.commit !== "string")) {
            failures.push({ property: "commit", reason: "fly:ReleaseHistory: commit is required: the git commit of the image, or unknown." });
        }
        return failures;
    },
    diff: (olds: HistoryOutputs, news: HistoryInputs) => ({ changes: changedKeys(olds, news, ["image", "commit", "rollback", "promotion"]).length > 0, replaces: [] }),
    create: async (inputs: HistoryInputs) => ({ id: "releases", outs: outputs(inputs, []) }),
    // The history is what this resource holds; there is nothing live to read it from.
    read: async (id, props) => ({ id, props }),
    update: async (_id, olds: HistoryOutputs, news: HistoryInputs) => ({ outs: outputs(news, olds.releases ?? []) }),
    delete: async () => undefined,
});

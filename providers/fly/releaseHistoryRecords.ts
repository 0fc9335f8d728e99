/**
 * How a release history changes with an up: pure functions over the records, so the provider is a thin shell and
 * the rules (one record per new digest, a rollback marks what it replaced, twenty kept) are tested alone.
 */
import { digestOf } from "./imageRef";

/** One release: the image a stack deployed, when, from which commit, and whether it was rolled back since. */
export interface ReleaseRecord {
    image: string;
    digest: string;
    commit: string;
    deployedAt: string;
    /** When the up that deployed it finished with every machine passing its checks. */
    healthyAt: string;
    rolledBack: boolean;
    rolledBackAt?: string;
    /** The digest (`unknown` for an unpinned image) this release rolled back, when it was deployed by a rollback. */
    rollbackOf?: string;
}

/** Releases kept, newest first. */
export const RELEASES_KEPT = 20;

/** What a record says for a commit (or digest) nobody knows. */
export const UNKNOWN = "unknown";

/** What an up deployed. */
export interface Deployed {
    image: string;
    commit: string;
    rollback?: { reason: string };
}

/**
 * The history after an up that deployed `deployed` at `now`. The same image again adds nothing; a new one adds a
 * record in front, its commit taken from an earlier record of the same digest when the up did not know it; a
 * rollback marks the release it replaces.
 */
export function recordRelease(history: readonly ReleaseRecord[], deployed: Deployed, now: Date): ReleaseRecord[] {
    const current = history[0];
    if (current && current.image === deployed.image && (deployed.commit === UNKNOWN || deployed.commit === current.commit)) return [...history];
    const at = now.toISOString();
    // An unpinned image (allowed outside prod, where image-pinned-by-digest is advisory) has no digest to record.
    const digest = digestOf(deployed.image) ?? UNKNOWN;
    const known = history.find((r) => r.image === deployed.image && r.commit !== UNKNOWN)?.commit;
    const rollsBack = deployed.rollback !== undefined && current !== undefined && current.image !== deployed.image;
    const record: ReleaseRecord = {
        image: deployed.image,
        digest,
        commit: deployed.commit !== UNKNOWN ? deployed.commit : (known ?? UNKNOWN),
        deployedAt: at,
        healthyAt: at,
        rolledBack: false,
        ...(rollsBack ? { rollbackOf: current.digest } : {}),
    };
    const rest = history.map((r, i) => (i === 0 && rollsBack ? { ...r, rolledBack: true, rolledBackAt: at } : r));
    return [record, ...rest].slice(0, RELEASES_KEPT);
}

/**
 * The decisions of the release commands, as pure functions over the release records: which release a rollback
 * goes back to, and whether a stack's release may be promoted.
 */
import { digestNamed, type ReleaseRecord, shortDigest, type StackReleases } from "./records";

/** A refused choice: the message says why and what to do instead. */
export class ReleaseDecisionError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReleaseDecisionError";
    }
}

/**
 * The release a rollback of `stack` deploys: the one `to` names (a digest or `repo@sha256:...`), or by default the
 * newest earlier release that became healthy, was not rolled back and is not the digest running now. Refuses a
 * target that is the current release, was rolled back itself, never became healthy, or is not among the releases.
 */
export function rollbackTarget(stack: string, records: StackReleases, to?: string): ReleaseRecord {
    const current = records.release.digest;
    const list = records.releases.map((r) => `    ${shortDigest(r.digest)}  ${r.commit.slice(0, 12)}  ${r.rolledBack ? "rolled back" : r.healthyAt ? `healthy since ${r.healthyAt}` : "never healthy"}`).join("\n");
    if (to !== undefined) {
        const digest = digestNamed(to);
        if (!digest) throw new ReleaseDecisionError(`--to ${JSON.stringify(to)} is not a digest: give sha256:<64 hex> or <repository>@sha256:<64 hex> (npm run releases -- ${stack} lists them)`);
        if (digest === current) throw new ReleaseDecisionError(`${shortDigest(digest)} is the release "${stack}" runs now; nothing to roll back to.\n  releases:\n${list}`);
        const target = records.releases.find((r) => r.digest === digest && !r.rolledBack && r.healthyAt);
        if (!target) {
            const rolledBack = records.releases.some((r) => r.digest === digest);
            throw new ReleaseDecisionError(
                rolledBack
                    ? `${shortDigest(digest)} was rolled back on "${stack}" before, or never became healthy; choose a healthy release that was not rolled back.\n  releases:\n${list}`
                    : `${shortDigest(digest)} is not among the last releases of "${stack}"; choose one of:\n${list}`,
            );
        }
        return target;
    }
    const target = records.releases.find((r) => r.digest !== current && r.digest !== "unknown" && !r.rolledBack && r.healthyAt);
    if (!target) throw new ReleaseDecisionError(`"${stack}" has no earlier healthy release that was not rolled back; nothing to roll back to.\n  releases:\n${list || "    (none)"}`);
    return target;
}

/**
 * The release of `from` that a promotion pins: its current release, refused when it was rolled back or never
 * became healthy (then the soak cannot have started).
 */
export function promotable(from: string, records: StackReleases): ReleaseRecord & { healthyAt: string } {
    const { release } = records;
    const rolledBack = release.rolledBack || records.releases.some((r) => r.digest === release.digest && r.deployedAt === release.deployedAt && r.rolledBack);
    if (rolledBack) {
        throw new ReleaseDecisionError(`the current release of "${from}" (${shortDigest(release.digest)}) was rolled back; it cannot be promoted.\n  fix: deploy a good release to ${from} first, and promote it once it has soaked`);
    }
    if (!release.healthyAt) {
        throw new ReleaseDecisionError(`the current release of "${from}" (${shortDigest(release.digest)}) never became healthy (no healthyAt); it cannot be promoted.\n  fix: check "${from}" (npm run verify -- ${from}) and deploy a healthy release first`);
    }
    return release as ReleaseRecord & { healthyAt: string };
}

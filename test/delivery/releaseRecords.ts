/** Release records for the release commands' tests, shaped as the program's `release`/`releases` outputs. */
import { createHash } from "node:crypto";
import type { ReleaseRecord } from "../../delivery/release/records";

/** A digest derived from a name, so each test's releases are distinct and readable. */
export const digestFor = (name: string): string => `sha256:${createHash("sha256").update(name).digest("hex")}`;

/** The release of image `name` in `repository`, healthy 10 minutes after deployment unless said otherwise. */
export function releaseOf(name: string, at: string, extra: Partial<ReleaseRecord> = {}, repository = "registry.fly.io/api-staging-app"): ReleaseRecord & { healthyAt: string } {
    const digest = digestFor(name);
    const healthy = new Date(Date.parse(at) + 10 * 60_000).toISOString();
    return { image: `${repository}@${digest}`, digest, commit: createHash("sha1").update(name).digest("hex"), deployedAt: at, healthyAt: healthy, rolledBack: false, ...extra };
}

/** Outputs of a stack whose releases are `list` (newest first), as `pulumi stack output --json` prints them. */
export function outputsOf(list: readonly ReleaseRecord[], healthUrl = "https://api-staging-app.fly.dev/health"): Record<string, unknown> {
    return { release: list[0], releases: list, healthUrl };
}

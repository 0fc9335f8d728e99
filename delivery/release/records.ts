/**
 * The release records a stack exports (`release`, `releases`) as the commands read them: checked on the way in, so a
 * stack without them (no up since the records exist) or with a malformed one gets a clear error, never a guess.
 */
import { DIGEST, digestOf } from "../../providers/fly/imageRef";
import type { ReleaseRecord as HistoryRecord } from "../../providers/fly/releaseHistoryRecords";

/**
 * One release of a stack as the commands read it: the record the program keeps (providers/fly/releaseHistoryRecords.ts),
 * read from outputs that may come from an older program, so `healthyAt` is checked rather than assumed.
 */
export type ReleaseRecord = Readonly<Omit<HistoryRecord, "healthyAt">> & {
    /** When its rollout finished with every machine passing its checks (ISO 8601); absent if it never did. */
    readonly healthyAt?: string;
};

/** A stack's release outputs. */
export interface StackReleases {
    /** What the last up deployed. */
    readonly release: ReleaseRecord;
    /** The last releases, newest first (the first is `release`). */
    readonly releases: readonly ReleaseRecord[];
    /** The stack's `healthUrl` output, when it has one. */
    readonly healthUrl?: string;
}

/** A record or list the commands cannot use. */
export class ReleaseRecordError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReleaseRecordError";
    }
}

const isTime = (value: unknown): value is string => typeof value === "string" && !Number.isNaN(Date.parse(value));

/** The problems of one record, each naming the field. */
export function recordProblems(value: unknown): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return ["is not an object"];
    const r = value as Record<string, unknown>;
    const problems: string[] = [];
    // An unpinned image (allowed outside prod) is recorded with digest `unknown`: listed, never a rollback target.
    const unpinned = r.digest === "unknown";
    if (typeof r.digest !== "string" || !(unpinned || DIGEST.test(r.digest))) problems.push(`digest ${JSON.stringify(r.digest)} is not sha256:<64 hex>`);
    if (typeof r.image !== "string" || (!unpinned && digestOf(r.image) !== r.digest)) problems.push(`image ${JSON.stringify(r.image)} is not <repository>@<digest>`);
    if (typeof r.commit !== "string" || r.commit === "") problems.push("commit is missing");
    if (!isTime(r.deployedAt)) problems.push(`deployedAt ${JSON.stringify(r.deployedAt)} is not a time`);
    if (r.healthyAt !== undefined && !isTime(r.healthyAt)) problems.push(`healthyAt ${JSON.stringify(r.healthyAt)} is not a time`);
    if (typeof r.rolledBack !== "boolean") problems.push("rolledBack is not true or false");
    if (r.rolledBackAt !== undefined && !isTime(r.rolledBackAt)) problems.push(`rolledBackAt ${JSON.stringify(r.rolledBackAt)} is not a time`);
    if (r.rollbackOf !== undefined && (typeof r.rollbackOf !== "string" || !DIGEST.test(r.rollbackOf))) problems.push(`rollbackOf ${JSON.stringify(r.rollbackOf)} is not sha256:<64 hex>`);
    return problems;
}

/**
 * Reads a stack's outputs (plain values, as `pulumi stack output --json` prints them) into its release records.
 * Throws {@link ReleaseRecordError} naming the stack, what is wrong and how to get the records.
 */
export function readReleases(stack: string, outputs: Readonly<Record<string, unknown>>): StackReleases {
    const fix = `run an up of "${stack}" with this version of the program (npm run up -- ${stack}); it records each release it deploys`;
    if (outputs.release === undefined || outputs.releases === undefined) {
        throw new ReleaseRecordError(`stack "${stack}" has no release records (outputs release and releases).\n  fix: ${fix}`);
    }
    const problems = recordProblems(outputs.release).map((p) => `release: ${p}`);
    if (!Array.isArray(outputs.releases)) problems.push("releases: is not a list");
    else outputs.releases.forEach((entry, i) => problems.push(...recordProblems(entry).map((p) => `releases[${i}]: ${p}`)));
    if (problems.length > 0) {
        throw new ReleaseRecordError(`stack "${stack}" has malformed release records:\n${problems.map((p) => `  - ${p}`).join("\n")}\n  fix: ${fix}`);
    }
    const healthUrl = typeof outputs.healthUrl === "string" ? outputs.healthUrl : undefined;
    return { release: outputs.release as ReleaseRecord, releases: outputs.releases as ReleaseRecord[], ...(healthUrl ? { healthUrl } : {}) };
}

/** The digest `--to` names: a bare `sha256:...` or `repo@sha256:...`; undefined for anything else. */
export function digestNamed(reference: string): string | undefined {
    return DIGEST.test(reference) ? reference : digestOf(reference);
}

/** `sha256:0123456789ab`: the first 12 hex digits, as Docker prints short ids. */
export const shortDigest = (digest: string): string => digest.slice(0, "sha256:".length + 12);

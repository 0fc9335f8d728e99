/**
 * Which review stacks the sweeper destroys: a pure decision over the backend's stacks (with their last update),
 * the pull requests they belong to, and the time. Only names of the form `pr-<number>` (config/stackFile.ts) are ever
 * chosen; dev, staging, prod and anything else are left alone however old they are.
 */
import { reviewNumber } from "../../config/stackFile";

/** A stack as the backend lists it (`pulumi stack ls --json`, the Automation API's StackSummary). */
export interface StackListing {
    readonly name: string;
    /** When its last update finished (ISO 8601); absent for a stack that was never updated. */
    readonly lastUpdate?: string;
    /** Whether an operation holds it right now. */
    readonly updateInProgress?: boolean;
}

/** A pull request as GitHub's REST API describes it. */
export interface PullRequestFacts {
    readonly number: number;
    readonly state: "open" | "closed";
    /** Whether its head is in another repository (a fork), which never gets a review stack. */
    readonly fork: boolean;
}

/** Why a review stack goes, or why it stays. */
export type SweepReason = "pull request closed" | "no such pull request" | "pull request from a fork" | "stale" | "fresh" | "never updated" | "operation in progress";

/** The decision for one review stack. */
export interface SweepDecision {
    readonly stack: string;
    readonly pullRequest: number;
    readonly destroy: boolean;
    readonly reason: SweepReason;
    /** Days since its last update, when known. */
    readonly idleDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The decision for every review stack among `stacks` (other stacks are not in the answer). A stack goes when its pull
 * request is closed, does not exist or comes from a fork, or when it was not updated for `ttlDays`; it stays while an
 * operation holds it (the next sweep decides), and while its open pull request's stack has never been updated (an up
 * is creating it).
 */
export function decideSweep(stacks: readonly StackListing[], pulls: readonly PullRequestFacts[], now: Date, ttlDays: number): SweepDecision[] {
    if (!(ttlDays > 0)) throw new Error(`ttlDays must be a positive number of days, received ${ttlDays}`);
    const byNumber = new Map(pulls.map((p) => [p.number, p]));
    return stacks.flatMap((stack): SweepDecision[] => {
        const number = reviewNumber(stack.name);
        if (number === undefined) return [];
        const updated = stack.lastUpdate === undefined ? Number.NaN : Date.parse(stack.lastUpdate);
        const idleDays = Number.isNaN(updated) ? undefined : (now.getTime() - updated) / DAY_MS;
        const decide = (destroy: boolean, reason: SweepReason): SweepDecision[] => [{ stack: stack.name, pullRequest: number, destroy, reason, ...(idleDays === undefined ? {} : { idleDays }) }];
        if (stack.updateInProgress) return decide(false, "operation in progress");
        const pull = byNumber.get(number);
        if (pull === undefined) return decide(true, "no such pull request");
        if (pull.fork) return decide(true, "pull request from a fork");
        if (pull.state === "closed") return decide(true, "pull request closed");
        if (idleDays === undefined) return decide(false, "never updated");
        return idleDays >= ttlDays ? decide(true, "stale") : decide(false, "fresh");
    });
}

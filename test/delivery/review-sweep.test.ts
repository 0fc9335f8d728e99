/**
 * The sweeper's choice (delivery/review/sweep.ts) over stacks and pull requests: closed, missing and fork pull
 * requests and stale stacks go; open, fresh ones stay; nothing but `pr-<number>` is ever chosen, however old.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideSweep, type PullRequestFacts, type StackListing } from "../../delivery/review/sweep";

const NOW = new Date("2026-12-03T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
const open = (number: number): PullRequestFacts => ({ number, state: "open", fork: false });
const TTL = 7;

/** The stacks chosen for destruction, with their reasons. */
const chosen = (stacks: StackListing[], pulls: PullRequestFacts[], ttlDays = TTL) =>
    decideSweep(stacks, pulls, NOW, ttlDays)
        .filter((d) => d.destroy)
        .map((d) => `${d.stack}: ${d.reason}`);

describe("the sweeper's choice", () => {
    it("destroys the stack of a closed pull request, however fresh", () => {
        assert.deepEqual(chosen([{ name: "pr-7", lastUpdate: daysAgo(0.1) }], [{ number: 7, state: "closed", fork: false }]), ["pr-7: pull request closed"]);
    });

    it("destroys the stack of an open pull request not updated for ttlDays, keeps a fresh one", () => {
        const stacks = [
            { name: "pr-7", lastUpdate: daysAgo(7.01) },
            { name: "pr-8", lastUpdate: daysAgo(6.99) },
        ];
        assert.deepEqual(chosen(stacks, [open(7), open(8)]), ["pr-7: stale"]);
        const [, kept] = decideSweep(stacks, [open(7), open(8)], NOW, TTL);
        assert.equal(kept.destroy, false);
        assert.equal(kept.reason, "fresh");
    });

    it("the TTL is the one given: with 14 days the 7-day-old stack stays, with 1 day both go", () => {
        const stacks = [
            { name: "pr-7", lastUpdate: daysAgo(7.01) },
            { name: "pr-8", lastUpdate: daysAgo(1.5) },
        ];
        assert.deepEqual(chosen(stacks, [open(7), open(8)], 14), []);
        assert.deepEqual(chosen(stacks, [open(7), open(8)], 1), ["pr-7: stale", "pr-8: stale"]);
        assert.throws(() => decideSweep(stacks, [], NOW, 0), /ttlDays must be a positive number of days, received 0/);
    });

    it("destroys a stack whose pull request does not exist", () => {
        assert.deepEqual(chosen([{ name: "pr-99", lastUpdate: daysAgo(0) }], [open(7)]), ["pr-99: no such pull request"]);
    });

    it("destroys a fork's stack (which should never exist), even while open and fresh", () => {
        assert.deepEqual(chosen([{ name: "pr-7", lastUpdate: daysAgo(0) }], [{ number: 7, state: "open", fork: true }]), ["pr-7: pull request from a fork"]);
    });

    it("never chooses a stack that is not pr-<number>, even stale and without a pull request", () => {
        const others = ["dev", "staging", "prod", "review", "pr-", "pr-07", "pr-x", "PR-7", "pr-7-old", "pr-1234567890", "qa-pr-7"].map((name) => ({ name, lastUpdate: daysAgo(400) }));
        assert.deepEqual(decideSweep(others, [{ number: 7, state: "closed", fork: false }], NOW, TTL), []);
        // Control: the same staleness on a review stack is chosen.
        assert.deepEqual(chosen([...others, { name: "pr-7", lastUpdate: daysAgo(400) }], [open(7)]), ["pr-7: stale"]);
    });

    it("leaves a stack an operation holds for the next sweep, even when its pull request is closed", () => {
        const busy = decideSweep([{ name: "pr-7", lastUpdate: daysAgo(30), updateInProgress: true }], [{ number: 7, state: "closed", fork: false }], NOW, TTL);
        assert.deepEqual(busy.map((d) => [d.destroy, d.reason]), [[false, "operation in progress"]]);
    });

    it("keeps an open pull request's stack that was never updated (an up is creating it); destroys it once closed", () => {
        assert.deepEqual(decideSweep([{ name: "pr-7" }], [open(7)], NOW, TTL).map((d) => [d.destroy, d.reason]), [[false, "never updated"]]);
        assert.deepEqual(chosen([{ name: "pr-7" }], [{ number: 7, state: "closed", fork: false }]), ["pr-7: pull request closed"]);
    });

    it("says how long each stack was idle and which pull request it belongs to", () => {
        const [d] = decideSweep([{ name: "pr-42", lastUpdate: daysAgo(3) }], [open(42)], NOW, TTL);
        assert.equal(d.pullRequest, 42);
        assert.equal(Math.round(d.idleDays! * 100) / 100, 3);
    });
});

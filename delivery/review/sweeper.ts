/**
 * The review stacks' sweeper, as review-sweeper.yml runs it every day and review.yml on a pull request's close:
 *
 *   npm run review:sweep [-- --dry-run]          every review stack the backend holds, judged by sweep.ts
 *   npm run review:sweep -- --pull-request <n>   only pr-<n>, when the backend holds it (nothing to do otherwise)
 *
 * Lists the backend's stacks with their last update through the Automation API on the pinned CLI, reads each review
 * stack's pull request from GitHub (PULLS_TOKEN, GITHUB_REPOSITORY; GITHUB_API_URL on GitHub Enterprise), and runs
 * the stack command `destroy` (destroy, then `stack rm`) on each stack chosen, one after the other; a failure is
 * reported and the others still go. Exit 0 when every chosen stack went, 1 otherwise, 2 on bad arguments.
 */
// First: config/ loads @pulumi/pulumi, and with it TypeScript's compiler, which the sweeper never uses (docs/startup.md).
import "../../startup/deferNow";
import { parseArgs } from "node:util";
import { REVIEW_TEMPLATE, reviewNumber } from "../../config/stackFile";
import { readStackFile, parseStackFile } from "../../scripts/stackFile";
import { CommandExit } from "../cli/exitCodes";
import { main as stackCommand } from "../cli/main";
import { pinnedCli } from "../cli/pinnedCli";
import { ROOT } from "../cli/root";
import { readPulls } from "./pulls";
import { decideSweep, type SweepDecision, type StackListing } from "./sweep";

/** The backend's stacks of this project, by bare name (a Pulumi Cloud listing may qualify them with `org/`). */
async function listStacks(): Promise<StackListing[]> {
    const cli = await pinnedCli(ROOT);
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const workspace = await LocalWorkspace.create({ workDir: ROOT, pulumiCommand: cli.command });
    return (await workspace.listStacks()).map((s) => ({ name: s.name.split("/").at(-1)!, lastUpdate: s.lastUpdate, updateInProgress: s.updateInProgress }));
}

/** `review.ttlDays` of the review stacks' template, validated by the config schema (its default when unset). */
export function reviewTtlDays(root = ROOT): number {
    // Any review stack reads the template; the number only names it.
    const { review } = parseStackFile("pr-1", readStackFile("pr-1", root)).config;
    if (review === undefined) throw new Error(`${REVIEW_TEMPLATE} has no review section, so it is no review template; restore it (git checkout -- ${REVIEW_TEMPLATE})`);
    return review.ttlDays;
}

/** One line per decision, for the log. */
export function describeDecision(d: SweepDecision): string {
    const idle = d.idleDays === undefined ? "never updated" : `idle ${d.idleDays.toFixed(1)} days`;
    return `${d.destroy ? "destroy" : "keep   "} ${d.stack}  (pull request #${d.pullRequest}: ${d.reason}; ${idle})`;
}

/** Runs the stack command `destroy` on `stack`; its exit code. */
async function destroy(stack: string, env: NodeJS.ProcessEnv): Promise<number> {
    try {
        return await stackCommand(["destroy", stack], env, ROOT);
    } catch (err) {
        console.error(err instanceof CommandExit ? err.message : String(err));
        return err instanceof CommandExit ? err.code : 1;
    }
}

export async function sweep(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<number> {
    const { values } = parseArgs({ args: [...argv], options: { "pull-request": { type: "string" }, "dry-run": { type: "boolean", default: false } } });
    const only = values["pull-request"];
    if (only !== undefined && reviewNumber(`pr-${only}`) === undefined) {
        console.error(`review:sweep: --pull-request must be a pull request's number (1 to 9 digits, no leading zero), received ${JSON.stringify(only)}`);
        return 2;
    }
    const stacks = await listStacks();
    let chosen: string[];
    if (only !== undefined) {
        chosen = stacks.some((s) => s.name === `pr-${only}`) ? [`pr-${only}`] : [];
        if (chosen.length === 0) console.log(`review:sweep: no stack pr-${only} in the backend; nothing to destroy`);
    } else {
        const repository = env.GITHUB_REPOSITORY;
        const token = env.PULLS_TOKEN;
        if (!repository || !token) {
            console.error("review:sweep: set GITHUB_REPOSITORY (owner/name) and PULLS_TOKEN (a token that reads pull requests) to judge the review stacks");
            return 2;
        }
        const ttlDays = reviewTtlDays();
        const numbers = stacks.flatMap((s) => reviewNumber(s.name) ?? []);
        const pulls = await readPulls({ repository, token, apiUrl: env.GITHUB_API_URL }, numbers);
        const decisions = decideSweep(stacks, pulls, now, ttlDays);
        console.log(`review:sweep: ${decisions.length} review stack${decisions.length === 1 ? "" : "s"} of ${stacks.length}, TTL ${ttlDays} days (Pulumi.review.yaml review.ttlDays)`);
        for (const d of decisions) console.log(`  ${describeDecision(d)}`);
        chosen = decisions.filter((d) => d.destroy).map((d) => d.stack);
    }
    if (values["dry-run"]) {
        console.log(`review:sweep: --dry-run: would destroy ${chosen.join(" ") || "nothing"}`);
        return 0;
    }
    const failed: string[] = [];
    for (const stack of chosen) {
        console.log(`review:sweep: destroying ${stack} and removing its state`);
        if ((await destroy(stack, env)) !== 0) failed.push(stack);
    }
    if (failed.length > 0) {
        console.error(`review:sweep: could not destroy ${failed.join(" ")}; see above (a lock: docs/runbooks/stuck-lock.md). The next sweep tries again.`);
        return 1;
    }
    return 0;
}

if (require.main === module) {
    sweep(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            console.error(`review:sweep: ${err instanceof CommandExit ? err.message : ((err as Error).stack ?? String(err))}`);
            process.exitCode = err instanceof CommandExit ? err.code : 1;
        },
    );
}

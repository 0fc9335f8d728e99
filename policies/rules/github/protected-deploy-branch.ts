/**
 * Rule 13: the branch that deploys is protected: pull requests with approvals that a later push dismisses, passing
 * status checks, no force push, no deletion, and nobody exempt (no ruleset bypass actor, admins included in a
 * classic protection). Judges every branch protection or branch ruleset in the stack, and that each environment's
 * deploying branch is covered by one.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { protectedPatterns, protections, protectionsFor } from "../../lib/github";
import { isObject, isUnknown, Plain, UNKNOWN } from "../../lib/known";
import { configSet, ofType, settings, stackNodes, StackNode, UNPROVEN } from "../../lib/rule";
import { GITHUB } from "../../lib/types";
import { deploymentPoliciesOf } from "./protected-deploy-environment";

const first = (value: Plain): Plain => (isUnknown(value) ? UNKNOWN : Array.isArray(value) ? value[0] : value);

/** Why approvals can be kept across a later push; `undefined` when a new push needs a new approval. */
function staleApprovals(dismiss: Plain, lastPush: Plain): string | undefined {
    if (isUnknown(dismiss) || isUnknown(lastPush)) return `stale-review dismissal ${UNPROVEN}`;
    if (dismiss === true || lastPush === true) return undefined;
    return `approvals survive later pushes, so code nobody reviewed can be merged after an approval (${configSet("github.protection.dismissStaleReviews", "true")})`;
}

/** What is missing from a protection, in words. */
function weaknesses(n: StackNode, minApprovals: number): string[] {
    const out: string[] = [];
    const p = n.props;
    const approvals = configSet("github.protection.requiredApprovals", String(Math.max(1, minApprovals)));
    const exempt = configSet("github.protection.enforceAdmins", "true");
    const checks = configSet("github.protection.statusChecks[0]", "ci");
    if (n.type === GITHUB.branchProtection) {
        const reviews = first(p.requiredPullRequestReviews);
        const count = isObject(reviews) ? reviews.requiredApprovingReviewCount : reviews;
        if (isUnknown(count)) out.push(`required reviews ${UNPROVEN}`);
        else if (!(typeof count === "number" && count >= minApprovals)) out.push(`${count ?? 0} approving review(s) required, fewer than ${minApprovals} (${approvals})`);
        else {
            const stale = staleApprovals(isObject(reviews) ? reviews.dismissStaleReviews : undefined, isObject(reviews) ? reviews.requireLastPushApproval : undefined);
            if (stale) out.push(stale);
        }
        if (isUnknown(p.enforceAdmins)) out.push(`enforceAdmins ${UNPROVEN}`);
        else if (p.enforceAdmins !== true) out.push(`repository admins are exempt (${exempt})`);
        const status = first(p.requiredStatusChecks);
        const contexts = isObject(status) ? status.contexts : status;
        if (isUnknown(contexts)) out.push(`required status checks ${UNPROVEN}`);
        else if (!Array.isArray(contexts) || contexts.length === 0) out.push(`no status check is required (${checks})`);
        for (const [key, what] of [["allowsForcePushes", "force pushes"], ["allowsDeletions", "deletion"]] as const) {
            if (isUnknown(p[key])) out.push(`${key} ${UNPROVEN}`);
            else if (p[key] === true) out.push(`${what} allowed (${key}: the program sets it false in components/githubEnvironment.ts; a protection managed elsewhere must block it too)`);
        }
    } else {
        const rules = p.rules;
        if (isUnknown(rules) || !isObject(rules)) return [isUnknown(rules) ? `rules ${UNPROVEN}` : "the ruleset has no rules"];
        if (rules.deletion !== true) out.push("deletion is not blocked (rules.deletion: set it true in the ruleset)");
        if (rules.nonFastForward !== true) out.push("force pushes are not blocked (rules.nonFastForward: set it true in the ruleset)");
        const pr = rules.pullRequest;
        const count = isObject(pr) ? pr.requiredApprovingReviewCount : pr;
        if (isUnknown(count)) out.push(`required reviews ${UNPROVEN}`);
        else if (!(typeof count === "number" && count >= minApprovals)) out.push(`${count ?? 0} approving review(s) required, fewer than ${minApprovals} (${approvals})`);
        else {
            const stale = staleApprovals(isObject(pr) ? pr.dismissStaleReviewsOnPush : undefined, isObject(pr) ? pr.requireLastPushApproval : undefined);
            if (stale) out.push(stale);
        }
        const bypass = p.bypassActors;
        if (isUnknown(bypass) || (Array.isArray(bypass) && bypass.some(isUnknown))) out.push(`bypassActors ${UNPROVEN}`);
        else if (Array.isArray(bypass) && bypass.length > 0) {
            const who = bypass.map((a) => (isObject(a) ? `${String(a.actorType ?? "actor")} ${String(a.actorId ?? "")}`.trim() : "an actor")).join(", ");
            out.push(`${who} may bypass the ruleset (${exempt})`);
        }
        const status = rules.requiredStatusChecks;
        const required = isObject(status) ? status.requiredChecks : status;
        if (isUnknown(required)) out.push(`required status checks ${UNPROVEN}`);
        else if (!Array.isArray(required) || required.length === 0) out.push(`no status check is required (${checks})`);
    }
    return out;
}

/** Settings of `protected-deploy-branch`. */
export interface DeployBranchSettings {
    /**
     * Approving reviews a pull request into the deploying branch needs.
     * @default 1
     */
    minApprovals: number;
}

const DEFAULTS: DeployBranchSettings = { minApprovals: 1 };

export const protectedDeployBranch: StackValidationPolicy = {
    name: "protected-deploy-branch",
    description: "The deploying branch is protected: required reviews dismissed by a new push, required status checks, no force push, no deletion, nobody exempt.",
    severity: "critical",
    configSchema: { properties: { minApprovals: { type: "integer", minimum: 1, maximum: 6, default: DEFAULTS.minApprovals } } },
    validateStack: (args, reportViolation) => {
        const { minApprovals } = settings(args, DEFAULTS);
        const nodes = stackNodes(args);
        const all = protections(nodes);
        for (const protection of all) {
            const problems = weaknesses(protection, minApprovals);
            if (problems.length > 0) reportViolation(`Branch protection "${protection.name}" is too weak: ${problems.join("; ")}.`, protection.urn);
        }
        const enable = configSet("github.protection.enabled", "true");
        for (const env of ofType(nodes, GITHUB.environment)) {
            const label = `GitHub environment "${String(env.props.environment ?? env.name)}"`;
            if (all.some((p) => protectedPatterns(p) === UNKNOWN)) {
                reportViolation(`${label}: a branch protection pattern ${UNPROVEN}.`, env.urn);
                continue;
            }
            const policy = env.props.deploymentBranchPolicy;
            const custom = isObject(policy) && policy.customBranchPolicies === true;
            const branches = custom ? deploymentPoliciesOf(env, nodes).map((p) => p.props.branchPattern).filter((b): b is string => typeof b === "string") : [];
            if (!custom && all.length === 0) {
                reportViolation(`${label} deploys from protected branches, but the stack protects no branch. Fix: ${enable}`, env.urn);
            }
            for (const branch of branches) {
                if (protectionsFor(nodes, branch).length === 0) {
                    reportViolation(`${label} deploys from branch "${branch}", which no branch protection or active ruleset in the stack covers. Fix: ${enable}`, env.urn);
                }
            }
        }
    },
};

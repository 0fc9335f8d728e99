/**
 * Rule 13: the branch that deploys is protected: pull requests with approvals, passing status checks, no force
 * push, no deletion. Judges every branch protection or branch ruleset in the stack, and that each environment's
 * deploying branch is covered by one.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { protectedPatterns, protections, protectionsFor } from "../../lib/github";
import { isObject, isUnknown, Plain, UNKNOWN } from "../../lib/known";
import { configSet, ofType, stackNodes, StackNode, UNPROVEN } from "../../lib/rule";
import { GITHUB } from "../../lib/types";
import { deploymentPoliciesOf } from "./protected-deploy-environment";

const first = (value: Plain): Plain => (isUnknown(value) ? UNKNOWN : Array.isArray(value) ? value[0] : value);

/** What is missing from a protection, in words. */
function weaknesses(n: StackNode): string[] {
    const out: string[] = [];
    const p = n.props;
    const approvals = configSet("github.protection.requiredApprovals", "1");
    const checks = configSet("github.protection.statusChecks[0]", "ci");
    if (n.type === GITHUB.branchProtection) {
        const reviews = first(p.requiredPullRequestReviews);
        const count = isObject(reviews) ? reviews.requiredApprovingReviewCount : reviews;
        if (isUnknown(count)) out.push(`required reviews ${UNPROVEN}`);
        else if (!(typeof count === "number" && count >= 1)) out.push(`no approving review is required (${approvals})`);
        const status = first(p.requiredStatusChecks);
        const contexts = isObject(status) ? status.contexts : status;
        if (isUnknown(contexts)) out.push(`required status checks ${UNPROVEN}`);
        else if (!Array.isArray(contexts) || contexts.length === 0) out.push(`no status check is required (${checks})`);
        for (const [key, what] of [["allowsForcePushes", "force pushes"], ["allowsDeletions", "deletion"]] as const) {
            if (isUnknown(p[key])) out.push(`${key} ${UNPROVEN}`);
            else if (p[key] === true) out.push(`${what} allowed`);
        }
    } else {
        const rules = p.rules;
        if (isUnknown(rules) || !isObject(rules)) return [isUnknown(rules) ? `rules ${UNPROVEN}` : "the ruleset has no rules"];
        if (rules.deletion !== true) out.push("deletion is not blocked (rules.deletion)");
        if (rules.nonFastForward !== true) out.push("force pushes are not blocked (rules.nonFastForward)");
        const pr = rules.pullRequest;
        const count = isObject(pr) ? pr.requiredApprovingReviewCount : pr;
        if (isUnknown(count)) out.push(`required reviews ${UNPROVEN}`);
        else if (!(typeof count === "number" && count >= 1)) out.push(`no approving review is required (${approvals})`);
        const status = rules.requiredStatusChecks;
        const required = isObject(status) ? status.requiredChecks : status;
        if (isUnknown(required)) out.push(`required status checks ${UNPROVEN}`);
        else if (!Array.isArray(required) || required.length === 0) out.push(`no status check is required (${checks})`);
    }
    return out;
}

export const protectedDeployBranch: StackValidationPolicy = {
    name: "protected-deploy-branch",
    description: "The deploying branch is protected: required reviews, required status checks, no force push, no deletion.",
    severity: "critical",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        const all = protections(nodes);
        for (const protection of all) {
            const problems = weaknesses(protection);
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

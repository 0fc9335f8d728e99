/**
 * Rule 12: the GitHub environment that deploys production needs a reviewer who is not the author, cannot be
 * bypassed by admins, and accepts deployments only from the protected branch.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { isObject, isUnknown, Plain } from "../../lib/known";
import { configSet, ofType, stackNodes, StackNode, UNPROVEN } from "../../lib/rule";
import { GITHUB, READ_ENVIRONMENT_TYPE } from "../../lib/types";

/** Deployment branch policies (`branchPattern`) that belong to an environment. */
export function deploymentPoliciesOf(environment: StackNode, nodes: readonly StackNode[]): StackNode[] {
    return ofType(nodes, GITHUB.deploymentPolicy).filter(
        (p) => p.dependsOn.has(environment.urn) || (p.props.environment !== undefined && p.props.environment === environment.props.environment && p.props.repository === environment.props.repository),
    );
}

export const protectedDeployEnvironment: StackValidationPolicy = {
    name: "protected-deploy-environment",
    description: "The GitHub deployment environment has at least one required reviewer, prevents self-review, does not let admins bypass, and deploys only from the protected branch.",
    severity: "critical",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        for (const env of ofType(nodes, GITHUB.environment)) {
            const report = (message: string) => reportViolation(`GitHub environment "${String(env.props.environment ?? env.name)}": ${message}`, env.urn);
            const props = env.props;

            // Read environments (previews, policy gate, drift): one restricted to named branches admits only runs
            // of merged code and needs no reviewer; one that admits every run (pull-request previews) needs them.
            const read = env.urn.includes(`${READ_ENVIRONMENT_TYPE}$`);
            const policy = props.deploymentBranchPolicy;
            if (!(read && isObject(policy) && policy.customBranchPolicies === true)) {
                const reviewers = props.reviewers;
                if (isUnknown(reviewers)) report(`reviewers ${UNPROVEN}.`);
                else {
                    const lists: Plain[] = (Array.isArray(reviewers) ? reviewers : []).flatMap((r) => (isObject(r) ? [r.users, r.teams] : []));
                    const ids: Plain[] = lists.flatMap((l): Plain[] => (isUnknown(l) ? [l] : Array.isArray(l) ? l : []));
                    if (ids.some(isUnknown)) report(`reviewers ${UNPROVEN}.`);
                    else if (ids.length === 0) report(`has no required reviewer, so anyone with write access can deploy. Fix: ${configSet("github.reviewers.users[0]", "<user id>")} (or github.reviewers.teams[0]; ids from \`gh api users/<login> --jq .id\`)`);
                }

                if (isUnknown(props.preventSelfReview)) report(`preventSelfReview ${UNPROVEN}.`);
                else if (props.preventSelfReview !== true) report(`does not prevent self-review, so the author of a change can approve its own deployment. Fix: ${configSet("github.preventSelfReview", "true")}`);

                // The provider's default lets admins bypass, so only an explicit false passes.
                if (isUnknown(props.canAdminsBypass)) report(`canAdminsBypass ${UNPROVEN}.`);
                else if (props.canAdminsBypass !== false) report(`lets repository admins bypass the protection rules. Fix: ${configSet("github.adminsCanBypass", "false")}`);
            }

            const branchFix = configSet("github.branch", "main");
            if (read && policy === undefined) continue;
            if (isUnknown(policy)) report(`deploymentBranchPolicy ${UNPROVEN}.`);
            else if (!isObject(policy)) report(`has no deployment branch policy, so any branch can deploy. Fix: ${branchFix}`);
            else if (isUnknown(policy.protectedBranches) || isUnknown(policy.customBranchPolicies)) report(`deploymentBranchPolicy ${UNPROVEN}.`);
            else if (policy.customBranchPolicies === true) {
                const patterns = deploymentPoliciesOf(env, nodes).map((p) => p.props.branchPattern);
                if (patterns.some(isUnknown)) report(`a deployment branch pattern ${UNPROVEN}.`);
                else if (patterns.length === 0) report(`uses custom branch policies but lists no branch, so no rule restricts deployments. Fix: ${branchFix}`);
                else if (patterns.some((p) => typeof p !== "string" || p.includes("*"))) report(`accepts deployments from a wildcard branch pattern; name the one deploying branch. Fix: ${branchFix}`);
            } else if (policy.protectedBranches !== true) {
                report(`deployment branch policy restricts nothing (neither protected nor custom branches). Fix: ${branchFix}`);
            }
        }
    },
};

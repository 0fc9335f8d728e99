/**
 * Rule 12: the GitHub environment that deploys production needs a reviewer who is not the author, cannot be
 * bypassed by admins, waits before it starts (time to cancel), and accepts deployments from exactly the production
 * branch: one custom branch policy naming it, no tag policy, not "any protected branch".
 *
 * The deploy environment is the one named like production (setting `environment`); any other environment of the
 * stack only needs a required reviewer. Read environments (components/githubReadEnvironment.ts) hold read-only
 * credentials: one restricted to exact branch names needs no reviewer, one that admits every run (pull-request
 * previews) needs a reviewer gate no author or admin can pass alone. When no environment has the deploy name, every
 * other environment is judged as the deploy one, so a rename never relaxes the rule.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { isObject, isUnknown, Plain } from "../../lib/known";
import { configSet, ofType, settings, show, stackNodes, StackNode, UNPROVEN } from "../../lib/rule";
import { GITHUB, READ_ENVIRONMENT_TYPE } from "../../lib/types";

/** Settings of `protected-deploy-environment`. */
export interface DeployEnvironmentSettings {
    /**
     * Name of the GitHub environment that deploys production.
     * @default "production"
     */
    environment: string;
    /**
     * The only branch that may deploy to it.
     * @default "main"
     */
    branch: string;
    /**
     * Shortest wait before a deployment starts, so an approved deployment can still be cancelled.
     * @default 1
     */
    minWaitTimerMinutes: number;
}

const DEFAULTS: DeployEnvironmentSettings = { environment: "production", branch: "main", minWaitTimerMinutes: 1 };

/** Deployment branch/tag policies that belong to an environment. */
export function deploymentPoliciesOf(environment: StackNode, nodes: readonly StackNode[]): StackNode[] {
    return ofType(nodes, GITHUB.deploymentPolicy).filter(
        (p) => p.dependsOn.has(environment.urn) || (p.props.environment !== undefined && p.props.environment === environment.props.environment && p.props.repository === environment.props.repository),
    );
}

/** Why the environment's reviewers do not gate it; `undefined` when at least one reviewer is required. */
function reviewerProblem(reviewers: Plain): string | undefined {
    if (isUnknown(reviewers)) return `reviewers ${UNPROVEN}.`;
    const lists: Plain[] = (Array.isArray(reviewers) ? reviewers : []).flatMap((r) => (isObject(r) ? [r.users, r.teams] : []));
    const ids: Plain[] = lists.flatMap((l): Plain[] => (isUnknown(l) ? [l] : Array.isArray(l) ? l : []));
    if (ids.some(isUnknown)) return `reviewers ${UNPROVEN}.`;
    if (ids.length === 0) return `has no required reviewer, so anyone with write access can deploy. Fix: ${configSet("github.reviewers.users[0]", "<user id>")} (or github.reviewers.teams[0]; ids from \`gh api users/<login> --jq .id\`)`;
    return undefined;
}

/** Problems with a read environment: unrestricted ones need the reviewer gate, restricted ones exact branch names. */
function readProblems(env: StackNode, nodes: readonly StackNode[], limits: DeployEnvironmentSettings): string[] {
    const policy = env.props.deploymentBranchPolicy;
    if (isUnknown(policy)) return [`deploymentBranchPolicy ${UNPROVEN}.`];
    if (isObject(policy) && policy.customBranchPolicies === true) {
        const patterns = deploymentPoliciesOf(env, nodes).map((p) => p.props.branchPattern);
        const branchFix = configSet("github.branch", limits.branch);
        if (patterns.some(isUnknown)) return [`a deployment branch pattern ${UNPROVEN}.`];
        if (patterns.length === 0) return [`uses custom branch policies but lists no branch, so no rule restricts who reads. Fix: ${branchFix}`];
        if (patterns.some((p) => typeof p !== "string" || p.includes("*"))) return [`admits a wildcard branch pattern; name the branches whose runs may read. Fix: ${branchFix}`];
        return [];
    }
    const problems: string[] = [];
    const reviewers = reviewerProblem(env.props.reviewers);
    if (reviewers) problems.push(reviewers);
    const props = env.props;
    if (isUnknown(props.preventSelfReview)) problems.push(`preventSelfReview ${UNPROVEN}.`);
    else if (props.preventSelfReview !== true) problems.push(`does not prevent self-review, so the author of a change can approve its own run. Fix: ${configSet("github.preventSelfReview", "true")}`);
    if (isUnknown(props.canAdminsBypass)) problems.push(`canAdminsBypass ${UNPROVEN}.`);
    else if (props.canAdminsBypass !== false) problems.push(`lets repository admins bypass the protection rules. Fix: ${configSet("github.adminsCanBypass", "false")}`);
    return problems;
}

/** Problems with who and what may deploy to the production environment, in words. */
function deployProblems(env: StackNode, nodes: readonly StackNode[], limits: DeployEnvironmentSettings): string[] {
    const problems: string[] = [];
    const props = env.props;
    if (isUnknown(props.preventSelfReview)) problems.push(`preventSelfReview ${UNPROVEN}.`);
    else if (props.preventSelfReview !== true) problems.push(`does not prevent self-review, so the author of a change can approve its own deployment. Fix: ${configSet("github.preventSelfReview", "true")}`);

    // The provider's default lets admins bypass, so only an explicit false passes.
    if (isUnknown(props.canAdminsBypass)) problems.push(`canAdminsBypass ${UNPROVEN}.`);
    else if (props.canAdminsBypass !== false) problems.push(`lets repository admins bypass the protection rules. Fix: ${configSet("github.adminsCanBypass", "false")}`);

    const wait = props.waitTimer ?? 0;
    const waitFix = configSet("github.waitTimerMinutes", String(Math.max(5, limits.minWaitTimerMinutes)));
    if (isUnknown(wait)) problems.push(`waitTimer ${UNPROVEN}.`);
    else if (!(typeof wait === "number" && wait >= limits.minWaitTimerMinutes)) problems.push(`waits ${String(wait)} minute(s) before deploying; production waits at least ${limits.minWaitTimerMinutes}, so an approved deployment can still be cancelled. Fix: ${waitFix}`);

    const policy = props.deploymentBranchPolicy;
    const branchFix = configSet("github.branch", limits.branch);
    if (isUnknown(policy)) return [...problems, `deploymentBranchPolicy ${UNPROVEN}.`];
    if (!isObject(policy)) return [...problems, `has no deployment branch policy, so any branch can deploy. Fix: ${branchFix}`];
    if (isUnknown(policy.protectedBranches) || isUnknown(policy.customBranchPolicies)) return [...problems, `deploymentBranchPolicy ${UNPROVEN}.`];
    if (policy.customBranchPolicies !== true) {
        const what = policy.protectedBranches === true ? "admits every protected branch, not only the production branch" : "restricts nothing (neither protected nor custom branches)";
        return [...problems, `deployment branch policy ${what}. Fix: name the one deploying branch (${branchFix}; components/githubEnvironment.ts sets customBranchPolicies)`];
    }
    const rules = deploymentPoliciesOf(env, nodes);
    const branches = rules.map((p) => p.props.branchPattern);
    const tags = rules.map((p) => p.props.tagPattern).filter((t) => t !== undefined && t !== null && t !== "");
    if (branches.some(isUnknown) || tags.some(isUnknown)) problems.push(`a deployment branch or tag pattern ${UNPROVEN}.`);
    else if (tags.length > 0) problems.push(`accepts deployments from tags ${tags.map((t) => show(t)).join(", ")}; anyone who can push a tag could deploy. Deploy only from the branch: ${branchFix}`);
    else if (rules.length === 0) problems.push(`uses custom branch policies but lists no branch, so no rule restricts deployments. Fix: ${branchFix}`);
    else {
        const others = branches.filter((b) => b !== limits.branch);
        if (others.length > 0) problems.push(`accepts deployments from ${others.map((b) => show(b ?? null)).join(", ")}; production deploys only from ${show(limits.branch)}. Fix: ${branchFix}`);
    }
    return problems;
}

export const protectedDeployEnvironment: StackValidationPolicy = {
    name: "protected-deploy-environment",
    description: "The production GitHub environment has a required reviewer, prevents self-review, does not let admins bypass, waits before deploying, and deploys only from the production branch.",
    severity: "critical",
    configSchema: {
        properties: {
            environment: { type: "string", minLength: 1, default: DEFAULTS.environment },
            branch: { type: "string", minLength: 1, default: DEFAULTS.branch },
            minWaitTimerMinutes: { type: "integer", minimum: 0, default: DEFAULTS.minWaitTimerMinutes },
        },
    },
    validateStack: (args, reportViolation) => {
        const limits = settings(args, DEFAULTS);
        const nodes = stackNodes(args);
        const environments = ofType(nodes, GITHUB.environment);
        const named = environments.filter((e) => e.props.environment === limits.environment);
        const deploying = named.length > 0 && !environments.some((e) => isUnknown(e.props.environment)) ? named : environments.filter((e) => !e.urn.includes(`${READ_ENVIRONMENT_TYPE}$`));
        for (const env of environments) {
            const report = (message: string) => reportViolation(`GitHub environment "${String(env.props.environment ?? env.name)}": ${message}`, env.urn);
            // Read environments (previews, policy gate, drift) hold read-only credentials: one restricted to named
            // branches admits only runs of merged code and needs no reviewer; one that admits every run (pull-request
            // previews) needs a reviewer who cannot be the author and whom admins cannot bypass.
            if (env.urn.includes(`${READ_ENVIRONMENT_TYPE}$`)) {
                readProblems(env, nodes, limits).forEach(report);
                continue;
            }
            const reviewers = reviewerProblem(env.props.reviewers);
            if (reviewers) report(reviewers);
            if (deploying.includes(env)) deployProblems(env, nodes, limits).forEach(report);
        }
    },
};

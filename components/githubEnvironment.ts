/**
 * GitHubEnvironment: the GitHub deployment environment a stack deploys through (required reviewers, deployments
 * only from one branch), the secrets and variables its workflows read, and the protection of that branch.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { GitHubReadEnvironment, GitHubReadEnvironmentArgs, validateGitHubReadEnvironmentArgs } from "./githubReadEnvironment";
import { GITHUB_DEFAULTS } from "../config/defaults";
import { ENV_VAR_NAME } from "../config/patterns";
import { NAME_LIMITS, NameScope, physicalName } from "./naming";
import { refuseInvalid } from "./refuseInvalid";

/** Type token of {@link GitHubEnvironment}. */
export const GITHUB_ENVIRONMENT_TYPE = "platform:github:GitHubEnvironment";

/** GitHub's built-in repository role id for "admin", the actor a ruleset lets bypass when admins are exempt. */
export const REPOSITORY_ADMIN_ROLE_ID = 5;

/** Protection of the deploying branch. */
export interface BranchProtectionArgs {
    /**
     * Approving reviews a pull request needs.
     * @default GITHUB_DEFAULTS.protection.requiredApprovals
     */
    readonly requiredApprovals?: number;
    /**
     * Status checks (CI job names) that must pass before merging.
     * @default GITHUB_DEFAULTS.protection.statusChecks
     */
    readonly statusChecks?: readonly string[];
    /**
     * Require a linear history (no merge commits).
     * @default GITHUB_DEFAULTS.protection.linearHistory
     */
    readonly linearHistory?: boolean;
    /**
     * Apply the rules to repository admins too.
     * @default GITHUB_DEFAULTS.protection.enforceAdmins
     */
    readonly enforceAdmins?: boolean;
    /**
     * Every review conversation must be resolved before merging.
     * @default GITHUB_DEFAULTS.protection.conversationResolution
     */
    readonly conversationResolution?: boolean;
    /**
     * A new push dismisses earlier approvals.
     * @default GITHUB_DEFAULTS.protection.dismissStaleReviews
     */
    readonly dismissStaleReviews?: boolean;
}

/** Arguments of {@link GitHubEnvironment}. */
export interface GitHubEnvironmentArgs {
    /** Where physical names come from (service prefix and stack). */
    readonly scope: NameScope;
    /** Repository owner (user or organization); the provider acts on this owner's repositories. */
    readonly owner: string;
    /** Repository name. */
    readonly repository: string;
    /** Name of the GitHub environment, e.g. `production`. */
    readonly environment: string;
    /** The only branch that may deploy to the environment, e.g. `main`. */
    readonly branch: string;
    /**
     * Required reviewers by GitHub id.
     * @default { users: [], teams: [] }
     */
    readonly reviewers?: { readonly users?: readonly number[]; readonly teams?: readonly number[] };
    /**
     * The person who triggered a deployment cannot approve it.
     * @default GITHUB_DEFAULTS.preventSelfReview
     */
    readonly preventSelfReview?: boolean;
    /**
     * Repository admins may bypass the environment's protection rules.
     * @default GITHUB_DEFAULTS.adminsCanBypass
     */
    readonly adminsCanBypass?: boolean;
    /**
     * Minutes a deployment waits before it starts.
     * @default GITHUB_DEFAULTS.waitTimerMinutes
     */
    readonly waitTimerMinutes?: number;
    /**
     * Protect the deploying branch; `undefined` leaves the branch unprotected (for a repository whose branch rules
     * are managed elsewhere).
     * @default undefined
     */
    readonly protection?: BranchProtectionArgs;
    /**
     * Environment secrets for the workflows, by name (values are secrets).
     * @default {}
     */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Environment variables for the workflows, by name (not secret: `PULUMI_STACK`, the app name, the health URL).
     * @default {}
     */
    readonly variables?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Environments for the jobs that read this stack without deploying it (pull-request previews, the policy gate,
     * drift), each holding that stack's read-only credentials. The repository comes from this component.
     * @default []
     */
    readonly readEnvironments?: readonly Omit<GitHubReadEnvironmentArgs, "repository">[];
}

/**
 * Removes the `token` input the SDK fills in from `GITHUB_TOKEN` when none is given: as a plain provider input it
 * would be stored in state and printed by `preview --diff`, and since previews and deploys run with different
 * tokens it would show as a provider change on every preview. The plugin reads `GITHUB_TOKEN` itself instead.
 */
export const leaveTokenToPlugin: pulumi.ResourceTransformation = ({ props, opts }) => {
    const { token: _ignored, ...rest } = props;
    return { props: rest, opts };
};

/** Problems with plain args, each naming the component, what is allowed and the value received. */
export function validateGitHubEnvironmentArgs(name: string, args: GitHubEnvironmentArgs): string[] {
    const problems: string[] = [];
    const where = `GitHubEnvironment "${name}"`;
    const users = args.reviewers?.users ?? [];
    const teams = args.reviewers?.teams ?? [];
    if (users.length + teams.length > 6) problems.push(`${where}: GitHub allows at most 6 required reviewers, got ${users.length + teams.length}.`);
    if (args.waitTimerMinutes !== undefined && !(Number.isInteger(args.waitTimerMinutes) && args.waitTimerMinutes >= 0 && args.waitTimerMinutes <= 43200)) {
        problems.push(`${where}: waitTimerMinutes must be a whole number from 0 to 43200, got ${args.waitTimerMinutes}.`);
    }
    const approvals = args.protection?.requiredApprovals;
    if (approvals !== undefined && !(Number.isInteger(approvals) && approvals >= 0 && approvals <= 10)) {
        problems.push(`${where}: protection.requiredApprovals must be a whole number from 0 to 10, got ${approvals}.`);
    }
    const secretNames = Object.keys(args.secrets ?? {});
    for (const [kind, names] of [["secret", secretNames], ["variable", Object.keys(args.variables ?? {})]] as const) {
        for (const key of names) {
            if (!ENV_VAR_NAME.test(key)) problems.push(`${where}: ${kind} name "${key}" must be UPPER_SNAKE_CASE, such as FLY_API_TOKEN.`);
            else if (key.startsWith("GITHUB_")) problems.push(`${where}: ${kind} name "${key}" starts with GITHUB_, which GitHub reserves; rename it.`);
        }
    }
    for (const key of Object.keys(args.variables ?? {})) {
        if (secretNames.includes(key)) problems.push(`${where}: "${key}" is both a secret and a variable; keep it only as a secret.`);
    }
    const names = [args.environment, ...(args.readEnvironments ?? []).map((r) => r.environment)];
    for (const [i, env] of names.entries()) {
        if (names.indexOf(env) !== i) problems.push(`${where}: environment "${env}" is named twice (environment and readEnvironments must all differ).`);
    }
    // Checked here too, so an invalid read environment stops the whole component before anything registers.
    for (const read of args.readEnvironments ?? []) {
        problems.push(...validateGitHubReadEnvironmentArgs(`${name}-read-${read.environment}`, { ...read, repository: args.repository }));
    }
    return problems;
}

/** A GitHub deployment environment with its protected branch, secrets and variables. */
export class GitHubEnvironment extends pulumi.ComponentResource {
    /** Name of the GitHub environment. */
    public readonly environment: pulumi.Output<string>;

    constructor(name: string, args: GitHubEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseInvalid(validateGitHubEnvironmentArgs(name, args));
        super(GITHUB_ENVIRONMENT_TYPE, name, {}, opts);
        const users = [...(args.reviewers?.users ?? [])];
        const teams = [...(args.reviewers?.teams ?? [])];
        const preventSelfReview = args.preventSelfReview ?? GITHUB_DEFAULTS.preventSelfReview;
        const canAdminsBypass = args.adminsCanBypass ?? GITHUB_DEFAULTS.adminsCanBypass;
        const waitTimer = args.waitTimerMinutes ?? GITHUB_DEFAULTS.waitTimerMinutes;
        const secrets = args.secrets ?? {};
        const variables = args.variables ?? {};

        // An explicit provider: the owner is configuration of this stack, not of whoever runs it. The token is the
        // plugin's own (GITHUB_TOKEN), never a resource input.
        const provider = new github.Provider(`${name}-provider`, { owner: args.owner }, { parent: this, transformations: [leaveTokenToPlugin] });
        const child = { parent: this, provider };
        const repository = args.repository;

        const environment = new github.RepositoryEnvironment(
            `${name}-environment`,
            {
                repository,
                environment: args.environment,
                reviewers: users.length + teams.length > 0 ? [{ users, teams }] : [],
                preventSelfReview,
                canAdminsBypass,
                waitTimer,
                // Custom policies name the one deploying branch; "protected branches" would admit any protected one.
                deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
            },
            child,
        );
        new github.RepositoryEnvironmentDeploymentPolicy(
            `${name}-branch-policy`,
            { repository, environment: environment.environment, branchPattern: args.branch },
            child,
        );

        if (args.protection !== undefined) this.protectBranch(name, args, args.protection, child);

        for (const [secretName, value] of Object.entries(secrets)) {
            new github.ActionsEnvironmentSecret(
                `${name}-secret-${secretName}`,
                { repository, environment: environment.environment, secretName, plaintextValue: pulumi.secret(value) },
                { ...child, additionalSecretOutputs: ["plaintextValue"] },
            );
        }
        for (const [variableName, value] of Object.entries(variables)) {
            new github.ActionsEnvironmentVariable(`${name}-var-${variableName}`, { repository, environment: environment.environment, variableName, value }, child);
        }

        for (const read of args.readEnvironments ?? []) {
            new GitHubReadEnvironment(`${name}-read-${read.environment}`, { ...read, repository }, { parent: this, providers: [provider] });
        }

        this.environment = environment.environment;
        this.registerOutputs({ environment: this.environment });
    }

    /**
     * A repository ruleset rather than classic branch protection: rulesets layer (each stack adds its own for its
     * branch without taking over rules someone else manages for the same pattern, where a second BranchProtection
     * on one pattern conflicts), they address the repository by name, and "admins included" is simply an empty
     * bypass list, which GitHub shows to everyone who can read the repository.
     */
    private protectBranch(name: string, args: GitHubEnvironmentArgs, protection: BranchProtectionArgs, opts: pulumi.CustomResourceOptions): void {
        const D = GITHUB_DEFAULTS.protection;
        const statusChecks = protection.statusChecks ?? D.statusChecks;
        const enforceAdmins = protection.enforceAdmins ?? D.enforceAdmins;
        new github.RepositoryRuleset(
            `${name}-branch-ruleset`,
            {
                name: physicalName(args.scope, `deploy-${args.branch}`, NAME_LIMITS.github),
                repository: args.repository,
                target: "branch",
                enforcement: "active",
                conditions: { refName: { includes: [`refs/heads/${args.branch}`], excludes: [] } },
                bypassActors: enforceAdmins ? [] : [{ actorId: REPOSITORY_ADMIN_ROLE_ID, actorType: "RepositoryRole", bypassMode: "always" }],
                rules: {
                    deletion: true,
                    nonFastForward: true,
                    requiredLinearHistory: protection.linearHistory ?? D.linearHistory,
                    pullRequest: {
                        requiredApprovingReviewCount: protection.requiredApprovals ?? D.requiredApprovals,
                        dismissStaleReviewsOnPush: protection.dismissStaleReviews ?? D.dismissStaleReviews,
                        requiredReviewThreadResolution: protection.conversationResolution ?? D.conversationResolution,
                    },
                    // An empty required-checks rule would require nothing; leave it out rather than pretend.
                    requiredStatusChecks:
                        statusChecks.length > 0
                            ? { requiredChecks: statusChecks.map((context) => ({ context })), strictRequiredStatusChecksPolicy: true }
                            : undefined,
                },
            },
            opts,
        );
    }
}

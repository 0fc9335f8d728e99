/**
 * GitHubReadEnvironment: a GitHub environment for workflow jobs that read a stack but never deploy it (pull-request
 * previews, the policy gate, drift). It exists so that the credentials those jobs need (read-only tokens, the
 * stack's passphrase) are environment secrets, released only to a run that the environment admits: one from a named
 * branch, or one a required reviewer approved. Repository secrets would reach every job of every branch.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { GITHUB_DEFAULTS } from "../config/defaults";
import { BRANCH_NAME } from "../config/patterns";
import { refuseInvalid } from "./refuseInvalid";

/** Type token of {@link GitHubReadEnvironment}; the policy pack tells read environments from deploying ones by it. */
export const GITHUB_READ_ENVIRONMENT_TYPE = "platform:github:GitHubReadEnvironment";

/** Arguments of {@link GitHubReadEnvironment}. */
export interface GitHubReadEnvironmentArgs {
    /** Repository name. */
    readonly repository: string;
    /** Name of the GitHub environment, e.g. `production-preview`. */
    readonly environment: string;
    /**
     * The only branches whose runs may use the environment. Empty admits every run, which pull-request previews
     * need (GitHub checks a pull request's run against `refs/pull/<n>/merge`, which no branch pattern names); such an
     * environment should then have required reviewers.
     * @default []
     */
    readonly branches?: readonly string[];
    /**
     * Required reviewers by GitHub id: each run waits until one of them approves it.
     * @default { users: [], teams: [] }
     */
    readonly reviewers?: { readonly users?: readonly number[]; readonly teams?: readonly number[] };
    /**
     * The person who triggered a run cannot approve it (the author of a pull request cannot release its preview).
     * @default GITHUB_DEFAULTS.preventSelfReview
     */
    readonly preventSelfReview?: boolean;
    /**
     * Repository admins may skip the required reviewers.
     * @default GITHUB_DEFAULTS.adminsCanBypass
     */
    readonly adminsCanBypass?: boolean;
}

/** Problems with plain args, each naming the component, what is allowed and the value received. */
export function validateGitHubReadEnvironmentArgs(name: string, args: GitHubReadEnvironmentArgs): string[] {
    const problems: string[] = [];
    const where = `GitHubReadEnvironment "${name}"`;
    const count = (args.reviewers?.users?.length ?? 0) + (args.reviewers?.teams?.length ?? 0);
    if (count > 6) problems.push(`${where}: GitHub allows at most 6 required reviewers, got ${count}.`);
    if (args.environment.trim() === "") problems.push(`${where}: environment must not be empty.`);
    const branches = args.branches ?? [];
    for (const branch of branches) {
        if (!BRANCH_NAME.test(branch) || branch.includes("*")) problems.push(`${where}: branch ${JSON.stringify(branch)} must be one branch name such as main (no wildcards).`);
    }
    if (new Set(branches).size !== branches.length) problems.push(`${where}: branches lists a branch twice.`);
    return problems;
}

/** A GitHub environment that admits only named branches or reviewer-approved runs. */
export class GitHubReadEnvironment extends pulumi.ComponentResource {
    /** Name of the GitHub environment. */
    public readonly environment: pulumi.Output<string>;

    constructor(name: string, args: GitHubReadEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseInvalid(validateGitHubReadEnvironmentArgs(name, args));
        super(GITHUB_READ_ENVIRONMENT_TYPE, name, {}, opts);
        const branches = [...(args.branches ?? [])];
        const users = [...(args.reviewers?.users ?? [])];
        const teams = [...(args.reviewers?.teams ?? [])];
        const preventSelfReview = args.preventSelfReview ?? GITHUB_DEFAULTS.preventSelfReview;
        const canAdminsBypass = args.adminsCanBypass ?? GITHUB_DEFAULTS.adminsCanBypass;

        const environment = new github.RepositoryEnvironment(
            `${name}-environment`,
            {
                repository: args.repository,
                environment: args.environment,
                reviewers: users.length + teams.length > 0 ? [{ users, teams }] : [],
                preventSelfReview,
                canAdminsBypass,
                // No policy at all admits every run; custom policies admit exactly the listed branches.
                deploymentBranchPolicy: branches.length > 0 ? { protectedBranches: false, customBranchPolicies: true } : undefined,
            },
            { parent: this },
        );
        for (const branch of branches) {
            new github.RepositoryEnvironmentDeploymentPolicy(
                `${name}-branch-${branch}`,
                { repository: args.repository, environment: environment.environment, branchPattern: branch },
                { parent: this },
            );
        }

        this.environment = environment.environment;
        this.registerOutputs({ environment: this.environment });
    }
}

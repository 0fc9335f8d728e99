/**
 * A review stack (`pr-<number>`, policies/review.json) stays inside its own pull request: nothing in prod's Fly
 * organization, no Managed Postgres cluster of its own (its database lives in staging's cluster), never a database
 * or user of the cluster's owner, no GitHub environment. Its monthly estimate is judged by `budget`, mandatory in the
 * same file. The rule judges a stack whose enforcement file names the organizations it must stay out of
 * (`forbiddenFlyOrgs`); without them (dev, staging, prod), it judges nothing.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../../lib/known";
import { configRm, configSet, settings, show, stackNodes, UNPROVEN } from "../../lib/rule";
import { FLY, FLY_TYPE_PREFIX } from "../../lib/types";

/** Settings of `review-isolation`. */
export interface ReviewIsolationSettings {
    /**
     * Fly organizations a review stack must never reach (prod's). Empty: the rule judges nothing.
     * @default []
     */
    forbiddenFlyOrgs: string[];
    /**
     * Databases and users of the shared cluster that belong to its owner (staging's), never a review stack's.
     * @default ["app"]
     */
    sharedClusterNames: string[];
}

const DEFAULTS: ReviewIsolationSettings = { forbiddenFlyOrgs: [], sharedClusterNames: ["app"] };

/** The GitHub provider's resources (environments, their secrets, branch protection, rulesets). */
const isGitHub = (type: string) => type.startsWith("github:");

export const reviewIsolation: StackValidationPolicy = {
    name: "review-isolation",
    description: "A review stack stays in its pull request: nothing in prod's Fly organization, no Managed Postgres cluster of its own, no database or user of the shared cluster's owner, no GitHub environment.",
    severity: "critical",
    configSchema: {
        properties: {
            forbiddenFlyOrgs: { type: "array", items: { type: "string", minLength: 1 }, default: DEFAULTS.forbiddenFlyOrgs },
            sharedClusterNames: { type: "array", items: { type: "string", minLength: 1 }, default: DEFAULTS.sharedClusterNames },
        },
    },
    validateStack: (args, reportViolation) => {
        const { forbiddenFlyOrgs, sharedClusterNames } = settings(args, DEFAULTS);
        if (forbiddenFlyOrgs.length === 0) return;
        const forbidden = new Set(forbiddenFlyOrgs.map((o) => o.toLowerCase()));
        const nodes = stackNodes(args);

        const orgs = new Set<string>();
        for (const node of nodes.filter((n) => n.type.startsWith(FLY_TYPE_PREFIX) && n.props.orgSlug !== undefined)) {
            const org = node.props.orgSlug;
            if (isUnknown(org)) reportViolation(`The Fly organization of ${node.name} ${UNPROVEN}; it must be a plain config value (fly.org).`, node.urn);
            else if (typeof org === "string" && forbidden.has(org.toLowerCase()) && !orgs.has(org)) {
                orgs.add(org);
                reportViolation(`The Fly organization ${show(org)} (fly.org) is production's: a review stack runs in staging's organization, with staging-scoped credentials. Fix: ${configSet("fly.org", "<staging's organization>")} in Pulumi.review.yaml`);
            }
        }
        for (const node of nodes.filter((n) => n.type === FLY.managedPostgres)) {
            reportViolation(
                `${node.name} is a Managed Postgres cluster of the review stack's own (at least $38 a month each); a review stack's database lives in staging's cluster. Fix: ${configSet("database.kind", "flyShared")} and ${configSet("database.cluster", "<staging's cluster id>")}`,
                node.urn,
            );
        }
        const shared = new Set(sharedClusterNames);
        for (const node of nodes.filter((n) => n.type === FLY.postgresDatabase || n.type === FLY.postgresUser)) {
            const name = node.type === FLY.postgresDatabase ? node.props.name : node.props.username;
            if (typeof name === "string" && shared.has(name)) {
                const what = node.type === FLY.postgresDatabase ? "database" : "user";
                reportViolation(`${node.name} is the ${what} ${show(name)} of the shared cluster's owner (staging); a review stack's ${what} is its own, named after the stack (app_pr_7). Fix: ${configRm("database.name")} in Pulumi.review.yaml`, node.urn);
            }
        }
        for (const node of nodes.filter((n) => isGitHub(n.type))) {
            reportViolation(`${node.name} (${node.type}) changes GitHub; a review stack changes no GitHub environment. Fix: ${configRm("github")} in Pulumi.review.yaml`, node.urn);
        }
    },
};

/**
 * A stack with a database and no release step is likely missing one: nothing applies the new image's migrations
 * before it takes traffic. Advisory by design (policies/prod.json says so explicitly, over its `all`): a stack may
 * migrate some other way, which only its owners know.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ofType, stackNodes, type StackNode } from "../../lib/rule";
import { DOCKER, FLY, isLocalRelease } from "../../lib/types";

export const RELEASE_STEP_PRESENT = "release-step-present";

/** A local Postgres container: the one whose env configures the postgres image. */
const isLocalDatabase = (n: StackNode): boolean =>
    n.type === DOCKER.container && Array.isArray(n.props.envs) && n.props.envs.some((e) => typeof e === "string" && e.startsWith("POSTGRES_DB="));

export const releaseStepPresent: StackValidationPolicy = {
    name: RELEASE_STEP_PRESENT,
    description: "A stack with a database runs a release step (migrations) before the app changes.",
    severity: "medium",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        const hasDatabase = ofType(nodes, FLY.managedPostgres).length > 0 || nodes.some(isLocalDatabase);
        if (!hasDatabase) return;
        if (ofType(nodes, FLY.release).length > 0 || nodes.some((n) => isLocalRelease(n.type, n.props))) return;
        reportViolation(
            "The stack has a database but no release step, so an image whose migrations were never applied can go live. " +
                "Name the app's migrate command: pulumi config set --path 'app.release.command[0]' npm && pulumi config set --path 'app.release.command[1]' run " +
                "&& pulumi config set --path 'app.release.command[2]' migrate",
        );
    },
};

/**
 * `retainOnDelete` on every resource that holds data, checked where it can be seen: in the program. The policy
 * analyzer protocol (@pulumi/policy 1.21) carries `protect` but not `retainOnDelete`, so no policy can judge it;
 * the options a resource is constructed with are visible only here, before they are sent.
 *
 * A `transformations` entry (in-process, on the components environment.ts builds, inherited by their children)
 * rather than a stack transform: stack transforms need the engine's callback support, which neither the offline
 * engine nor the test mocks have, and an in-process check runs the same under all three.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as fly from "../providers/fly";

/** Resource classes whose deletion deletes data: a database cluster, its databases and users, volumes. */
export const STATEFUL_RESOURCES: readonly (abstract new (...args: any[]) => pulumi.Resource)[] = [fly.ManagedPostgres, fly.PostgresDatabase, fly.PostgresUser, fly.Volume, docker.Volume];

/**
 * A transformation that refuses a stateful resource constructed without `retainOnDelete: true`, naming the
 * resource and the fix. For a stack whose config asks for its data to be kept (`database.retainOnDelete`).
 * @param stack The stack's name, for the `pulumi config set` fix.
 */
export function requireRetainOnDelete(stack: string): pulumi.ResourceTransformation {
    return ({ resource, type, name, opts }) => {
        if (!STATEFUL_RESOURCES.some((kind) => resource instanceof kind) || (opts as pulumi.CustomResourceOptions).retainOnDelete === true) return undefined;
        throw new pulumi.RunError(
            `Stack "${stack}": ${type} "${name}" holds data but is registered without retainOnDelete, while the stack's config keeps its data ` +
                `(database.retainOnDelete is true): removing it from the program would delete the data. Fix the component that creates "${name}": ` +
                `pass it retainOnDelete: true (as Postgres passes its retainOnDelete arg to every data resource).`,
        );
    };
}

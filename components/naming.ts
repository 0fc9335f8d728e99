/**
 * Physical names: the one place that turns a service prefix, a stack and a role into a name a provider accepts.
 * Fly app names are global across Fly, Sentry slugs are per organization, Docker names per host: two stacks of this
 * program must never produce the same name, and a name must stay the same across runs.
 */
import { createHash } from "node:crypto";

/** Where physical names come from: the service prefix (`app.name`) and the stack. */
export interface NameScope {
    /** Service prefix, e.g. `api`. */
    readonly prefix: string;
    /** Pulumi stack name, e.g. `staging`. */
    readonly stack: string;
}

/** Length limits of the providers that hold physical names. */
export const NAME_LIMITS = {
    /** Fly app names (and Managed Postgres cluster names): 3-63 characters. */
    fly: 63,
    /** Sentry project and team slugs. */
    sentry: 50,
    /** Docker container, network and volume names (no hard limit; kept DNS-label sized). */
    docker: 63,
    /** GitHub ruleset names. */
    github: 100,
    /** PostgreSQL identifiers (database and user names): 63 bytes. */
    postgres: 63,
} as const;

/** One of the providers' length limits: every one leaves room for a name and its hash suffix. */
export type NameLimit = (typeof NAME_LIMITS)[keyof typeof NAME_LIMITS];

const HASH_LENGTH = 6;

/** Lowercase letters, digits and single dashes, no leading or trailing dash. */
function slugify(value: string): string {
    return value
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

function shortHash(value: string): string {
    return createHash("sha256").update(value).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * Joins parts into a slug of at most `limit` characters.
 *
 * When slugging changed a part (`my_stack` and `my-stack` would otherwise meet, and a part of only `_` or `.` has
 * no slug at all) or the result is too long, a short hash of the original parts is appended, so distinct inputs
 * never share a name and the name is stable.
 */
export function joinName(parts: readonly string[], limit: NameLimit): string {
    const kept = parts.filter((part) => part.length > 0);
    const slugs = kept.map(slugify);
    const plain = slugs.filter((slug) => slug.length > 0).join("-");
    const lossy = slugs.some((slug, i) => slug !== kept[i]);
    if (!lossy && plain.length <= limit) return plain;
    const suffix = shortHash(kept.join("\u0000"));
    const head = plain.slice(0, limit - HASH_LENGTH - 1).replace(/-+$/, "");
    return head.length > 0 ? `${head}-${suffix}` : suffix;
}

/**
 * The physical name of one resource of a stack: `<prefix>-<stack>[-<role>]`, within `limit`.
 *
 * @example physicalName({ prefix: "api", stack: "staging" }, "db", NAME_LIMITS.fly) // "api-staging-db"
 */
export function physicalName(scope: NameScope, role: string | undefined, limit: NameLimit): string {
    return joinName([scope.prefix, scope.stack, role ?? ""], limit);
}

/**
 * A name shared by every stack of the service (`<prefix>[-<role>]`), for things the stacks share on purpose, such
 * as one Sentry project whose environments tell the stacks apart.
 */
export function sharedName(scope: NameScope, role: string | undefined, limit: NameLimit): string {
    return joinName([scope.prefix, role ?? ""], limit);
}

/**
 * The name of one stack's database or user in a cluster several stacks share: `<base>_<stack>` as a PostgreSQL
 * identifier (lowercase letters, digits and `_`), within 63 characters and as distinct as {@link physicalName}.
 *
 * @example sharedClusterName("app", { prefix: "api", stack: "pr-7" }) // "app_pr_7"
 */
export function sharedClusterName(base: string, scope: NameScope): string {
    return joinName([base, scope.stack], NAME_LIMITS.postgres).replace(/-/g, "_");
}

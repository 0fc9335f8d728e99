/** What the GitHub rules share: which branch protections exist and whether a branch is covered by one. */
import { isObject, isUnknown, Plain, UNKNOWN, Unknown } from "./known";
import { StackNode } from "./rule";
import { GITHUB } from "./types";

/** Branch patterns a protection covers (`main`, `release/*`); `UNKNOWN` when it cannot be read. */
export function protectedPatterns(node: StackNode): string[] | Unknown {
    if (node.type === GITHUB.branchProtection) {
        const pattern = node.props.pattern;
        if (isUnknown(pattern)) return UNKNOWN;
        return typeof pattern === "string" ? [pattern] : [];
    }
    if (node.type === GITHUB.ruleset) {
        if (node.props.target !== "branch" || node.props.enforcement !== "active") return [];
        const conditions = node.props.conditions;
        if (isUnknown(conditions)) return UNKNOWN;
        const refName = isObject(conditions) ? conditions.refName : undefined;
        if (isUnknown(refName)) return UNKNOWN;
        const includes: Plain = isObject(refName) ? refName.includes : undefined;
        if (isUnknown(includes)) return UNKNOWN;
        return (Array.isArray(includes) ? includes : []).filter((p): p is string => typeof p === "string").map((p) => p.replace(/^refs\/heads\//, ""));
    }
    return [];
}

/** Whether `branch` matches a GitHub branch pattern (fnmatch-style `*`, `**`, `?`; `~ALL`, `~DEFAULT_BRANCH` for rulesets). */
export function matchesBranch(pattern: string, branch: string): boolean {
    if (pattern === "~ALL") return true;
    if (pattern === "~DEFAULT_BRANCH") return branch === "main" || branch === "master";
    const regex = pattern
        .split("**")
        .map((part) => part.split("*").map((p) => p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, "[^/]")).join("[^/]*"))
        .join(".*");
    return new RegExp(`^${regex}$`).test(branch);
}

/** The protections in the stack that cover `branch`. */
export function protectionsFor(nodes: readonly StackNode[], branch: string): StackNode[] {
    return nodes.filter((n) => {
        const patterns = protectedPatterns(n);
        return patterns !== UNKNOWN && patterns.some((p) => matchesBranch(p, branch));
    });
}

/** Every branch protection and active branch ruleset of the stack. */
export function protections(nodes: readonly StackNode[]): StackNode[] {
    return nodes.filter((n) => n.type === GITHUB.branchProtection || n.type === GITHUB.ruleset);
}

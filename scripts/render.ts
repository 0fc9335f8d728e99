/**
 * Plain-text rendering shared by `npm run plan` and `npm run envdiff`: a resource tree with the settings that
 * matter, and values with secrets masked.
 */
import type { RegisteredResource, StackRun } from "../test/harness/stack";

export const MASK = "[secret]";

const color = process.stdout.isTTY && !process.env.NO_COLOR;
export const paint = {
    bold: (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s),
    dim: (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s),
    red: (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s),
    yellow: (s: string) => (color ? `\x1b[33m${s}\x1b[0m` : s),
    green: (s: string) => (color ? `\x1b[32m${s}\x1b[0m` : s),
};

/** Inputs worth a glance, per type token; others show their top-level scalar inputs. */
const KEY_INPUTS: Record<string, readonly string[]> = {
    "pulumi-nodejs:dynamic/fly:MachineGroup": ["app", "regions", "strategy", "maxUnavailable", "config.image", "config.guest", "config.env.DEBUG", "config.env.LOG_LEVEL", "config.env.CORS_ORIGINS"],
    "pulumi-nodejs:dynamic/fly:Secrets": ["app", "values"],
    "pulumi-nodejs:dynamic/fly:ManagedPostgres": ["name", "region", "plan", "diskSizeGb", "pgMajorVersion"],
    "docker:index/container:Container": ["name", "image", "envs", "ports"],
    "docker:index/image:Image": ["imageName", "build.context", "build.dockerfile"],
    "random:index/randomPassword:RandomPassword": ["length", "special", "keepers"],
    "github:index/repositoryEnvironment:RepositoryEnvironment": ["repository", "environment", "reviewers", "preventSelfReview", "canAdminsBypass"],
    "github:index/branchProtection:BranchProtection": ["pattern", "requiredPullRequestReviews", "requiredStatusChecks", "allowsForcePushes", "allowsDeletions"],
};

function get(node: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((n, k) => (n !== null && typeof n === "object" ? (n as Record<string, unknown>)[k] : undefined), node);
}

/** Whether `path` is secret, or inside / around a secret input. */
function isSecret(resource: RegisteredResource, path: string): boolean {
    return resource.secretPaths.some((s) => s === path || s.startsWith(`${path}.`) || s.startsWith(`${path}[`) || path.startsWith(`${s}.`));
}

/** Replaces every secret leaf of `value` (at `path`) with the mask. */
export function masked(resource: RegisteredResource, path: string, value: unknown): unknown {
    if (resource.secretPaths.includes(path) || resource.secretPaths.some((s) => path.startsWith(`${s}.`) || path.startsWith(`${s}[`))) return MASK;
    if (!isSecret(resource, path)) return value;
    if (Array.isArray(value)) return value.map((v, i) => masked(resource, `${path}[${i}]`, v));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(resource, `${path}.${k}`, v)]));
    }
    return value;
}

function show(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function settings(resource: RegisteredResource): string[] {
    const paths =
        KEY_INPUTS[resource.type] ??
        Object.entries(resource.inputs)
            .filter(([, v]) => v === null || typeof v !== "object")
            .map(([k]) => k)
            .slice(0, 6);
    return paths.flatMap((path) => {
        const value = get(resource.inputs, path);
        return value === undefined ? [] : [`${path}=${show(masked(resource, path, value))}`];
    });
}

function flags(resource: RegisteredResource): string {
    const out = [resource.protect ? "protect" : "", resource.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
    return out.length ? paint.yellow(` [${out.join(", ")}]`) : "";
}

/** The resources of a run as a tree: components, then their children with key settings. */
export function renderTree(run: StackRun): string {
    const byParent = new Map<string | undefined, RegisteredResource[]>();
    const urns = new Set(run.resources.map((r) => r.urn));
    for (const resource of run.resources) {
        const parent = resource.parent && urns.has(resource.parent) ? resource.parent : undefined;
        byParent.set(parent, [...(byParent.get(parent) ?? []), resource]);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        const children = byParent.get(parent) ?? [];
        children.forEach((resource, i) => {
            const last = i === children.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            lines.push(`${indent}${branch}${paint.bold(resource.name)} ${paint.dim(resource.type)}${flags(resource)}`);
            const inner = parent === undefined ? "   " : `${indent}${last ? "   " : "│  "}`;
            for (const setting of settings(resource)) lines.push(`${inner}${paint.dim("·")} ${setting}`);
            walk(resource.urn, inner);
        });
    };
    walk(undefined, "");
    return lines.join("\n");
}

/** Stack outputs with secret ones masked. */
export function renderOutputs(run: StackRun): string {
    return Object.entries(run.outputs)
        .map(([key, value]) => `  ${key}: ${run.secretOutputs.includes(key) ? MASK : show(value)}`)
        .join("\n");
}

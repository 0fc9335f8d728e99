/**
 * Plain-text rendering shared by `npm run plan` and `npm run envdiff`: the offline engine's preview as the CLI lays
 * it out (a resource tree with each step, the outputs, the policy packs' verdict), with every secret masked, every
 * value not known until apply printed as such, and every stand-in (plugin-backed provider) marked.
 */
import { redactCredentials } from "../config/credentials";
import type { OperationResult, PolicyViolation, Step } from "../engine";
import { isSecret, UNKNOWN, type Wire } from "../engine/rpc";

export const MASK = "[secret]";
/** How a value the engine will only know after apply is printed, never an invented one. */
export const UNKNOWN_TEXT = "(unknown until apply)";
/** The mark of a resource whose provider is a stand-in: its outputs are invented, its inputs schema-checked. */
export const STAND_IN = "stand-in";

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
    "pulumi-nodejs:dynamic/fly:Release": ["app", "image", "command"],
    "pulumi-nodejs:dynamic/fly:ManagedPostgres": ["name", "region", "plan", "diskSizeGb", "pgMajorVersion"],
    "docker:index/container:Container": ["name", "image", "envs", "ports", "command"],
    "docker:index/image:Image": ["imageName", "build.context", "build.dockerfile"],
    "random:index/randomPassword:RandomPassword": ["length", "special", "keepers"],
    "github:index/repositoryEnvironment:RepositoryEnvironment": ["repository", "environment", "reviewers", "preventSelfReview", "canAdminsBypass"],
    "github:index/branchProtection:BranchProtection": ["pattern", "requiredPullRequestReviews", "requiredStatusChecks", "allowsForcePushes", "allowsDeletions"],
};

/** The CLI's symbol per operation. */
const SYMBOLS: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", read: ">", refresh: "~" };

/** A wire value made printable: secrets masked, plain values that look like credentials too, unknowns named, whatever is nested. */
export function printable(value: Wire): unknown {
    if (value === UNKNOWN) return UNKNOWN_TEXT;
    if (isSecret(value)) return MASK;
    if (typeof value === "string") return redactCredentials(value);
    if (Array.isArray(value)) return value.map(printable);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
    return value;
}

function get(node: Wire, path: string): Wire {
    return path.split(".").reduce<Wire>((n, k) => (isSecret(n) ? n : n !== null && typeof n === "object" ? n[k] : undefined), node);
}

function show(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function settings(step: Step): string[] {
    const paths =
        KEY_INPUTS[step.type] ??
        Object.entries(step.inputs)
            .filter(([k, v]) => !k.startsWith("__") && (v === null || typeof v !== "object" || isSecret(v)))
            .map(([k]) => k)
            .slice(0, 6);
    return paths.flatMap((path) => {
        const value = get(step.inputs, path);
        return value === undefined ? [] : [`${path}=${show(printable(value))}`];
    });
}

function info(step: Step): string {
    const marks = [step.standIn ? STAND_IN : "", step.options?.protect ? "protect" : "", step.options?.retainOnDelete ? "retainOnDelete" : "", step.diffs.length > 0 ? `[diff: ${step.diffs.join(", ")}]` : ""].filter(Boolean);
    return marks.length > 0 ? paint.yellow(`  ${marks.join(", ")}`) : "";
}

/** The steps as the CLI's tree: `<symbol> <type> <name> <op>`, children under parents, key settings under each. */
export function renderSteps(steps: readonly Step[]): string {
    const urns = new Set(steps.map((s) => s.urn));
    const byParent = new Map<string | undefined, Step[]>();
    for (const step of steps) {
        const parent = step.parent && urns.has(step.parent) ? step.parent : undefined;
        byParent.set(parent, [...(byParent.get(parent) ?? []), step]);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        const children = byParent.get(parent) ?? [];
        children.forEach((step, i) => {
            const last = i === children.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            lines.push(` ${(SYMBOLS[step.op] ?? "?").padEnd(3)}${indent}${branch}${paint.dim(step.type)}  ${paint.bold(step.name)}  ${step.op}${info(step)}`);
            const inner = parent === undefined ? "   " : `${indent}${last ? "   " : "│  "}`;
            for (const setting of settings(step)) lines.push(`    ${inner}${paint.dim("·")} ${setting}`);
            walk(step.urn, inner);
        });
    };
    walk(undefined, "");
    return lines.join("\n");
}

/** Stack outputs, secrets masked and unknowns named. */
export function renderOutputs(outputs: Readonly<Record<string, Wire>>): string {
    return Object.entries(outputs)
        .map(([key, value]) => `    ${key}: ${show(printable(value))}`)
        .join("\n");
}

/** How many steps of each kind, as the CLI's `Resources:` summary. */
export function renderSummary(steps: readonly Step[]): string {
    const counts = new Map<string, number>();
    for (const step of steps) counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
    const verb: Record<string, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete", same: "unchanged", read: "to read" };
    return [...counts].map(([op, n]) => `    ${SYMBOLS[op] ?? "?"} ${n} ${verb[op] ?? op}`).join("\n");
}

function resourceOf(violation: PolicyViolation, steps: readonly Step[]): string {
    const step = steps.find((s) => s.urn === violation.urn);
    return step ? `(${step.type}: ${step.name})` : violation.urn ? `(${violation.urn})` : "";
}

/**
 * The policy verdict as the CLI words it: `Policies:`, one line per pack (✅ clean, ⚠️ advisory only, ❌ mandatory),
 * then `- [level]  policy  (type: name)` and the message (the rule's description, then what is wrong).
 */
export function renderPolicies(result: Pick<OperationResult, "policyPack" | "violations" | "steps">, packVersion: string, packPath: string): string {
    const name = result.policyPack ?? "(policy pack)";
    const violations = [...result.violations].sort((a, b) => Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory"));
    const mark = violations.some((v) => v.enforcementLevel === "mandatory") ? "❌" : violations.length > 0 ? "⚠️" : "✅";
    const lines = ["Policies:", `    ${mark} ${name}@v${packVersion} (local: ${packPath})`];
    for (const v of violations) {
        lines.push(`        - [${v.enforcementLevel}]  ${v.policyName}  ${resourceOf(v, result.steps)}`.trimEnd());
        // The analyzer's message already opens with the rule's description, as the CLI prints it.
        for (const line of redactCredentials(v.message).split("\n")) if (line.trim() !== "") lines.push(`          ${line}`);
    }
    return lines.join("\n");
}

/**
 * The stateful-change guard: in a stack whose config asks for it (`guard.statefulChanges: block`), a replace or
 * delete of anything that holds data or identity (stateful.ts) fails the preview and the deploy, naming the
 * resource, the property that forces it and the fix, unless that resource is allowed explicitly: by a pull-request
 * label `allow-replace:<resource>` (read by the preview job), or by a one-shot `guard.allow` entry with a reason.
 * An entry that allows nothing is a finding too, so an allowance never outlives the up it was written for.
 */
import type { GuardConfig } from "../../config";
import type { ChangeOp, PreviewModel, ResourceChange } from "./model";
import { statefulType, type StatefulType } from "./stateful";

/** The pull-request label that allows one resource's replace or delete in that pull request's preview. */
export const ALLOW_LABEL_PREFIX = "allow-replace:";

export interface GuardFinding {
    readonly kind: "blocked" | "stale-allowance";
    /** The resource's logical name (what `guard.allow` and the label name). */
    readonly resource: string;
    readonly type?: string;
    readonly op?: ChangeOp;
    /** The properties that force the replacement (empty for a delete). */
    readonly properties: readonly string[];
    /** One line for people: what happens, why, and the fix. */
    readonly message: string;
}

/** A replace or delete the guard let through, and who allowed it. */
export interface GuardAllowance {
    readonly resource: string;
    readonly op: ChangeOp;
    readonly by: string;
}

export interface GuardVerdict {
    /** False when the stack's config does not ask for the guard. */
    readonly enabled: boolean;
    readonly findings: readonly GuardFinding[];
    readonly allowed: readonly GuardAllowance[];
    readonly ok: boolean;
}

/** The replaces and deletes of stateful resources in a preview, with what each holds. */
export function statefulChanges(model: PreviewModel): { change: ResourceChange; holds: StatefulType }[] {
    return model.changes.flatMap((change) => {
        const holds = statefulType(change.type);
        return holds && (change.op === "replace" || change.op === "delete") ? [{ change, holds }] : [];
    });
}

function describe(change: ResourceChange, holds: StatefulType): string {
    if (change.op === "delete") return `would be deleted (the program no longer declares it), losing ${holds.loses}`;
    const named = (p: string) => (holds.configKeys[p] ? `${p} (config ${holds.configKeys[p]})` : p);
    const props = change.replaceReasons.length > 0 ? change.replaceReasons.map(named).join(", ") : "(the provider named none)";
    const renamed = change.renamedFrom ? ` (as ${change.name}, replacing ${change.renamedFrom})` : "";
    return `would be replaced${renamed}, losing ${holds.loses}; forced by a change to ${props}`;
}

/**
 * Judges a preview against the stack's guard config and the pull request's labels; the fixes name `model.stack`.
 */
export function judge(model: PreviewModel, guard: GuardConfig, labels: readonly string[] = []): GuardVerdict {
    const { stack } = model;
    if (guard.statefulChanges !== "block") return { enabled: false, findings: [], allowed: [], ok: true };
    const byLabel = new Set(labels.filter((l) => l.startsWith(ALLOW_LABEL_PREFIX)).map((l) => l.slice(ALLOW_LABEL_PREFIX.length).trim()));
    const byConfig = new Map(guard.allow.map((entry, index) => [entry.resource, { ...entry, index }]));
    const findings: GuardFinding[] = [];
    const allowed: GuardAllowance[] = [];
    const used = new Set<string>();
    for (const { change, holds } of statefulChanges(model)) {
        const names = [change.name, change.renamedFrom].filter((n): n is string => n !== undefined);
        const entry = names.map((n) => byConfig.get(n)).find((e) => e !== undefined);
        const label = names.find((n) => byLabel.has(n));
        if (entry) {
            used.add(entry.resource);
            allowed.push({ resource: change.renamedFrom ?? change.name, op: change.op, by: `guard.allow[${entry.index}]: ${entry.reason}` });
            continue;
        }
        if (label) {
            allowed.push({ resource: change.renamedFrom ?? change.name, op: change.op, by: `pull-request label ${ALLOW_LABEL_PREFIX}${label}` });
            continue;
        }
        const resource = change.renamedFrom ?? change.name;
        findings.push({
            kind: "blocked",
            resource,
            type: change.type,
            op: change.op,
            properties: change.op === "replace" ? change.replaceReasons : [],
            message:
                `${change.type} "${resource}" ${describe(change, holds)}. Fix: ${holds.fix}. ` +
                `If losing it is intended, allow it for this resource: label the pull request ${ALLOW_LABEL_PREFIX}${resource}, and for the deploy ` +
                `pulumi config set --stack ${stack} --path 'guard.allow[${guard.allow.length}].resource' ${resource} (with guard.allow[${guard.allow.length}].reason).`,
        });
    }
    for (const [resource, entry] of byConfig) {
        if (used.has(resource)) continue;
        findings.push({
            kind: "stale-allowance",
            resource,
            properties: [],
            message: `guard.allow[${entry.index}] allows "${resource}" to be replaced or deleted, but this preview does neither: an allowance holds for one up only. Fix: pulumi config rm --stack ${stack} --path 'guard.allow[${entry.index}]'`,
        });
    }
    return { enabled: true, findings, allowed, ok: findings.length === 0 };
}

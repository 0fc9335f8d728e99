/**
 * One reading of a preview, whoever ran it: the real CLI (`pulumi preview --json --show-sames`, its `PreviewDigest`,
 * plus the policy events of `--event-log`, which the digest leaves out) or the offline engine (`npm run plan`, the
 * tests). Each resource's operation, the properties that force its replacement (the provider's diff), and its inputs
 * before and after, secrets masked. The guard (guard.ts), the cost estimate and the PR comment read only this.
 *
 * The CLI's formats, as its source defines them (pulumi/pulumi, read 2026-12-03): `PreviewDigest`, `PreviewStep`
 * and `PreviewDiagnostic` in pkg/display/json.go (written by `ShowPreviewDigest`, pkg/backend/display/json.go), and
 * `EngineEvent.policyEvent` (`apitype.PolicyEvent`) in sdk/go/common/apitype/events.go.
 */
import type { OperationResult } from "../../engine";
import { nameOf } from "../../engine/urn";
import { SIG_KEY } from "../../engine/wire";

export type ChangeOp = "create" | "update" | "replace" | "delete" | "same" | "read";

/** Inputs as the model keeps them: plain JSON, secrets as `[secret]`, unknowns as the wire's `UNKNOWN` (engine/wire.ts). */
export type Inputs = Readonly<Record<string, unknown>>;

/** How a secret is shown: never its value. */
export const SECRET_VALUE = "[secret]";

export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    /** The logical name (last part of the URN). */
    readonly name: string;
    readonly op: ChangeOp;
    /** Properties whose change forces the replacement (the provider's diff), or, for a rename, the inputs that differ. */
    readonly replaceReasons: readonly string[];
    /** Properties that differ (update and replace). */
    readonly diffs: readonly string[];
    /** Inputs before the change (absent for a create). */
    readonly before?: Inputs;
    /** Inputs after the change (absent for a delete). */
    readonly after?: Inputs;
    /** For a replacement by a new logical name (a delete paired with a create of the same type and parent): the old name. */
    readonly renamedFrom?: string;
}

export interface PolicyFinding {
    readonly policyName: string;
    readonly enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    readonly message: string;
    readonly urn?: string;
}

export interface PreviewModel {
    readonly stack: string;
    readonly source: "cli" | "engine";
    /** Custom resources only (components and providers hold nothing), in the preview's order. */
    readonly changes: readonly ResourceChange[];
    readonly violations: readonly PolicyFinding[];
    /** Errors the preview reported (a failed check, a program error): the preview failed when any is here. */
    readonly errors: readonly string[];
}

/** A value as the model keeps it: secrets masked, the rest plain JSON. */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] !== undefined) return SECRET_VALUE;
        return Object.fromEntries(Object.entries(record).filter(([key]) => key !== "__provider").map(([key, v]) => [key, plain(v)]));
    }
    return value;
}

const plainInputs = (inputs: Record<string, unknown> | undefined): Inputs | undefined => (inputs === undefined ? undefined : (plain(inputs) as Inputs));

/** Top-level inputs that differ between two input maps. */
function differing(before: Inputs, after: Inputs): string[] {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

/**
 * A delete and a create of the same type under the same parent are one replacement by a new logical name (a
 * certificate named after its hostname, when the domain changes): the inputs that differ are why.
 */
function pairRenames(changes: ResourceChange[], parents: ReadonlyMap<string, string | undefined>): ResourceChange[] {
    const key = (c: ResourceChange) => `${c.type}\u0000${parents.get(c.urn) ?? ""}`;
    const deletes = new Map<string, ResourceChange[]>();
    const creates = new Map<string, ResourceChange[]>();
    for (const c of changes) {
        if (c.op === "delete") deletes.set(key(c), [...(deletes.get(key(c)) ?? []), c]);
        if (c.op === "create") creates.set(key(c), [...(creates.get(key(c)) ?? []), c]);
    }
    const dropped = new Set<ResourceChange>();
    const replaced = new Map<ResourceChange, ResourceChange>();
    for (const [k, gone] of deletes) {
        const made = creates.get(k);
        // Only a one-to-one pair is unambiguous; anything else stays a create and a delete.
        if (gone.length !== 1 || made?.length !== 1) continue;
        const reasons = differing(gone[0].before ?? {}, made[0].after ?? {});
        replaced.set(made[0], { ...made[0], op: "replace", replaceReasons: reasons, diffs: reasons, before: gone[0].before, renamedFrom: gone[0].name });
        dropped.add(gone[0]);
    }
    return changes.filter((c) => !dropped.has(c)).map((c) => replaced.get(c) ?? c);
}

const isResource = (type: string, custom: boolean) => custom && !type.startsWith("pulumi:providers:");

/** A provider may answer "changed" without naming properties (Fly's dynamic providers do): then the inputs that differ are the diff. */
function withDiffs(change: ResourceChange): ResourceChange {
    if ((change.op !== "update" && change.op !== "replace") || change.diffs.length > 0) return change;
    return { ...change, diffs: differing(change.before ?? {}, change.after ?? {}) };
}

/** The offline engine's preview (`runOperation({ operation: "preview" })`), whose `state` is the stack before it. */
export function fromEngine(result: OperationResult): PreviewModel {
    const old = new Map(result.state.resources.map((r) => [r.urn, r]));
    const parents = new Map<string, string | undefined>();
    const changes: ResourceChange[] = [];
    for (const step of result.steps) {
        if (!isResource(step.type, step.custom) || step.op === "delete-replaced") continue;
        const before = old.get(step.urn);
        parents.set(step.urn, step.parent ?? before?.parent);
        const op: ChangeOp = step.op;
        changes.push({
            urn: step.urn,
            type: step.type,
            name: step.name,
            op,
            replaceReasons: op === "replace" ? [...step.replaces] : [],
            diffs: op === "update" || op === "replace" ? [...step.diffs] : [],
            before: op === "create" ? undefined : plainInputs(before?.inputs ?? step.inputs),
            after: op === "delete" ? undefined : plainInputs(step.inputs),
        });
    }
    // A failure that is only mandatory violations is carried by `violations`, as the CLI reports it.
    const policyOnly = /^\d+ mandatory policy violations?$/.test(result.error ?? "");
    return {
        stack: result.stack,
        source: "engine",
        changes: pairRenames(changes, parents).map(withDiffs),
        violations: result.violations.map((v) => ({ policyName: v.policyName, enforcementLevel: v.enforcementLevel, message: v.message, urn: v.urn })),
        errors: result.ok || policyOnly ? [] : [result.error ?? "the preview failed"],
    };
}

/** `apitype.ResourceV3`, the part the model reads. */
interface CliResource {
    readonly urn: string;
    readonly type: string;
    readonly custom?: boolean;
    readonly parent?: string;
    readonly inputs?: Record<string, unknown>;
}

/** `display.PreviewStep`. */
interface CliStep {
    readonly op: string;
    readonly urn: string;
    readonly oldState?: CliResource;
    readonly newState?: CliResource;
    readonly diffReasons?: readonly string[];
    readonly replaceReasons?: readonly string[];
}

/** `display.PreviewDigest`, the document `pulumi preview --json` prints. */
export interface CliPreviewDigest {
    readonly steps?: readonly CliStep[];
    readonly diagnostics?: readonly { readonly urn?: string; readonly message?: string; readonly severity?: string }[];
    readonly changeSummary?: Readonly<Record<string, number>>;
}

/** One line of `pulumi preview --event-log`: an `apitype.EngineEvent`; only `policyEvent` is read. */
interface CliEngineEvent {
    readonly policyEvent?: { readonly resourceUrn?: string; readonly message: string; readonly policyName: string; readonly enforcementLevel: string };
}

/** The CLI's step ops, folded to the model's: the halves of a replacement are one `replace`. */
const CLI_OPS: Readonly<Record<string, ChangeOp | undefined>> = {
    same: "same",
    create: "create",
    import: "create",
    update: "update",
    delete: "delete",
    replace: "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "import-replacement": "replace",
    read: "read",
    "read-replacement": "read",
    refresh: "same",
    "discard": "delete",
    "discard-replaced": "replace",
    "remove-pending-replace": "same",
};

/** The CLI's enforcement levels as the policy pack names them (`warning` is advisory). */
const CLI_LEVELS: Readonly<Record<string, PolicyFinding["enforcementLevel"]>> = { warning: "advisory", advisory: "advisory", mandatory: "mandatory", remediate: "remediate", none: "disabled", disabled: "disabled" };

/**
 * The real CLI's preview: the digest of `pulumi preview --json --show-sames` and, when given, the lines of its
 * `--event-log` (the digest drops policy events). Throws on a document that is not a digest, naming the fix.
 */
export function fromCli(stack: string, digest: CliPreviewDigest, eventLog = ""): PreviewModel {
    if (digest === null || typeof digest !== "object" || (digest.steps !== undefined && !Array.isArray(digest.steps))) {
        throw new Error("not a `pulumi preview --json` document (no steps list): run `pulumi preview --json --show-sames > preview.json`");
    }
    const parents = new Map<string, string | undefined>();
    const byUrn = new Map<string, ResourceChange>();
    for (const step of digest.steps ?? []) {
        const state = step.newState ?? step.oldState;
        const op = CLI_OPS[step.op];
        if (!state || !op || !isResource(state.type, state.custom === true)) continue;
        const seen = byUrn.get(step.urn);
        const replaceReasons = [...new Set([...(seen?.replaceReasons ?? []), ...(step.replaceReasons ?? [])])];
        const diffs = [...new Set([...(seen?.diffs ?? []), ...(step.diffReasons ?? []), ...(step.replaceReasons ?? [])])].sort();
        parents.set(step.urn, state.parent || undefined);
        byUrn.set(step.urn, {
            urn: step.urn,
            type: state.type,
            name: nameOf(step.urn),
            op: seen?.op === "replace" ? "replace" : op,
            replaceReasons: op === "replace" || seen?.op === "replace" ? replaceReasons : [],
            diffs: op === "update" || op === "replace" ? diffs : [],
            before: seen?.before ?? (op === "create" ? undefined : plainInputs(step.oldState?.inputs ?? step.newState?.inputs)),
            after: op === "delete" ? undefined : (plainInputs(step.newState?.inputs) ?? seen?.after),
        });
    }
    const violations: PolicyFinding[] = [];
    for (const line of eventLog.split("\n")) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as CliEngineEvent;
        const p = event.policyEvent;
        if (p) violations.push({ policyName: p.policyName, enforcementLevel: CLI_LEVELS[p.enforcementLevel] ?? "advisory", message: p.message, urn: p.resourceUrn || undefined });
    }
    const errors = (digest.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => (d.message ?? "").trim());
    return { stack, source: "cli", changes: pairRenames([...byUrn.values()], parents).map(withDiffs), violations, errors };
}

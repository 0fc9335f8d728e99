/**
 * What the engine needs of a resource provider, whether it is a real plugin process (the dynamic-provider host) or
 * a stand-in for a plugin that cannot run offline. Values are wire values (see ../rpc.ts): unknowns and secrets
 * marked as the engine keeps them.
 */
import type { Wire } from "../rpc";

/** A property a provider's `check` rejected. */
export interface CheckFailure {
    readonly property: string;
    readonly reason: string;
}

export interface CheckResult {
    readonly inputs: Record<string, Wire>;
    readonly failures: readonly CheckFailure[];
}

export interface DiffResult {
    /** `unknown` means the provider could not tell: the engine then compares inputs itself. */
    readonly changes: "none" | "some" | "unknown";
    readonly replaces: readonly string[];
    readonly deleteBeforeReplace: boolean;
    /** Top-level properties that differ, when the provider says. */
    readonly diffs: readonly string[];
}

export interface ReadResult {
    /** Empty when the resource no longer exists. */
    readonly id: string;
    readonly outputs: Record<string, Wire>;
    readonly inputs?: Record<string, Wire>;
}

/** The resource being operated on, as the engine identifies it to a provider. */
export interface Target {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Output properties the program asked to keep secret. */
    readonly additionalSecretOutputs: readonly string[];
}

export interface ResourceProvider {
    /** How printouts name it, e.g. `pulumi-nodejs` or `random (stand-in)`. */
    readonly label: string;
    /** True when this is not the real provider: its outputs are invented and every printout says so. */
    readonly standIn: boolean;
    check(target: Target, olds: Record<string, Wire> | undefined, news: Record<string, Wire>): Promise<CheckResult>;
    diff(target: Target, id: string, oldInputs: Record<string, Wire>, oldOutputs: Record<string, Wire>, news: Record<string, Wire>, ignoreChanges: readonly string[]): Promise<DiffResult>;
    create(target: Target, inputs: Record<string, Wire>): Promise<{ id: string; outputs: Record<string, Wire> }>;
    read(target: Target, id: string, inputs: Record<string, Wire>, outputs: Record<string, Wire>): Promise<ReadResult>;
    update(target: Target, id: string, oldInputs: Record<string, Wire>, oldOutputs: Record<string, Wire>, news: Record<string, Wire>): Promise<Record<string, Wire>>;
    delete(target: Target, id: string, inputs: Record<string, Wire>, outputs: Record<string, Wire>): Promise<void>;
    close(): Promise<void>;
}

/**
 * The size of a stack's state as the engine would save it, from what the harness records: each resource's inputs
 * and outputs, with a dynamic resource's `__provider` text counted in both (the dynamic-provider plugin copies it
 * into the outputs). The state-size test and the benchmark share it.
 */
import type { RegisteredResource } from "./stack";

/** Budget for a whole stack's state (prod has the most resources). */
export const MAX_STATE_BYTES = 64 * 1024;
/** Budget for one dynamic resource's `__provider` text. */
export const MAX_PROVIDER_BYTES = 2 * 1024;

/** Bytes of one resource in state (its `__provider` is ASCII, so its length is its size in bytes). */
export function stateBytes(resource: RegisteredResource): number {
    const provider = resource.serializedProviderLength ?? 0;
    return Buffer.byteLength(JSON.stringify(resource.inputs)) + Buffer.byteLength(JSON.stringify(resource.state)) + 2 * provider;
}

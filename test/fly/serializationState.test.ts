/**
 * State holds data, not code: every Fly resource of the prod stack registers its kind's thin `__provider` (at most
 * 2 KB), and prod's whole state (inputs and outputs of every resource, as the harness records it, with `__provider`
 * counted in both, since the plugin copies it into the outputs) stays under 64 KB.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type FlyKind, flyType, thinFlyProvider } from "../../providers/fly/registration";
import { type RegisteredResource, runStack } from "../harness/stack";

const MAX_PROVIDER_BYTES = 2 * 1024;
const MAX_STATE_BYTES = 64 * 1024;
const FLY_PREFIX = flyType("" as FlyKind);

/** Bytes of one resource in state: its inputs and its outputs, each with the `__provider` text when it has one. */
function stateBytes(resource: RegisteredResource): number {
    const provider = resource.serializedProviderLength ?? 0;
    return Buffer.byteLength(JSON.stringify(resource.inputs)) + Buffer.byteLength(JSON.stringify(resource.state)) + 2 * provider;
}

describe("prod state size", () => {
    it("registers the thin provider text of its kind on every Fly resource, at most 2 KB each", async () => {
        const run = await runStack("prod");
        const fly = run.resources.filter((r) => r.type.startsWith(FLY_PREFIX));
        assert.ok(fly.length >= 9, `prod registers ${fly.length} Fly resources`);
        for (const resource of fly) {
            const kind = resource.type.slice(FLY_PREFIX.length) as FlyKind;
            assert.ok((resource.serializedProviderLength ?? Infinity) <= MAX_PROVIDER_BYTES, `${resource.urn}: __provider is ${resource.serializedProviderLength} characters, over ${MAX_PROVIDER_BYTES}`);
            assert.equal(resource.serializedProviderLength, thinFlyProvider(kind).length, `${resource.urn} registers another text than its kind's`);
        }
    });

    it("keeps prod's whole state under 64 KB", async () => {
        const run = await runStack("prod");
        const sizes = run.resources.map((r) => ({ urn: r.urn, bytes: stateBytes(r) })).sort((a, b) => b.bytes - a.bytes);
        const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
        const largest = sizes.slice(0, 3).map((s) => `${s.urn} (${s.bytes} B)`).join(", ");
        assert.ok(total <= MAX_STATE_BYTES, `prod state is ${total} bytes, over ${MAX_STATE_BYTES}; largest: ${largest}`);
    });
});

/**
 * State holds data, not code: every Fly resource of the prod stack registers its kind's thin `__provider` (at most
 * 2 KB), and prod's whole state (inputs and outputs of every resource, as the harness records it, with `__provider`
 * counted in both, since the plugin copies it into the outputs) stays under 64 KB.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type FlyKind, flyType, thinFlyProvider } from "../../providers/fly/registration";
import { runStack } from "../harness/stack";
import { MAX_PROVIDER_BYTES, MAX_STATE_BYTES, stateBytes } from "../harness/stateSize";

const FLY_PREFIX = flyType("" as FlyKind);

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

/**
 * Migration from the fully serialized providers: a stack whose state was written by commit fb9274f (every Fly
 * resource holding ~175 KB of provider code as `__provider`, in inputs and outputs; test/fixtures/) moves to the thin
 * text by a plain `up`. The plugin runs the new text's check, diff and update with the old state, as the engine
 * drives it: each kind reports an update (never a replacement), the update sends no mutating request to Fly and
 * keeps every output, and afterwards the outputs carry the thin text and the next diff is empty.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { FLY_KINDS, type FlyKind, flyType, thinFlyProvider } from "../../providers/fly/registration";
import { type HostCall, runInPluginHost, succeeded } from "./serializationHost";
import { TEST_TOKEN, useEmulator } from "./support";

const FIXTURES = join(__dirname, "..", "fixtures");

interface FatProviderRef {
    /** File (gzip) holding the text every kind shared. */
    $fatProvider: string;
    /** The line after it that chose the kind. */
    tail: string;
}

interface OldResource {
    type: string;
    name: string;
    id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

/** The recorded state, each `__provider` expanded to the exact text the old code registered. */
function oldState(): (OldResource & { kind: FlyKind })[] {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, "fly-state-fb9274f.json"), "utf8")) as { resources: OldResource[] };
    const shared = new Map<string, string>();
    const expand = (ref: FatProviderRef): string => {
        if (!shared.has(ref.$fatProvider)) shared.set(ref.$fatProvider, gunzipSync(readFileSync(join(FIXTURES, ref.$fatProvider))).toString("utf8"));
        return shared.get(ref.$fatProvider)! + ref.tail;
    };
    return fixture.resources.map((r) => ({
        ...r,
        kind: r.type.slice(flyType("" as FlyKind).length) as FlyKind,
        inputs: { ...r.inputs, __provider: expand(r.inputs.__provider as FatProviderRef) },
        outputs: { ...r.outputs, __provider: expand(r.outputs.__provider as FatProviderRef) },
    }));
}

/** The program's inputs after the change: the same data, the thin text. */
function newInputs(resource: OldResource & { kind: FlyKind }): Record<string, unknown> {
    return { ...resource.inputs, __provider: thinFlyProvider(resource.kind) };
}

describe("migration from fully serialized providers", () => {
    const env = useEmulator();

    it("rewrites __provider of every kind by an update that changes nothing at Fly", async () => {
        const resources = oldState();
        const recorded = new Set(resources.map((r) => r.kind));
        assert.equal(recorded.size, 9, "the fixture holds one resource or more of each of the nine kinds of fb9274f");
        for (const kind of recorded) assert.ok((FLY_KINDS as readonly string[]).includes(kind), `${kind} of the old state is no longer a Fly kind`);
        for (const r of resources) assert.ok((r.outputs.__provider as string).length > 100_000, `${r.name}: the fixture's __provider is not the old serialized form`);

        const childEnv = { FLY_API_HOSTNAME: env.fly.url, FLY_API_TOKEN: TEST_TOKEN, FLY_POLL_INTERVAL_MS: "5", FLY_API_BACKOFF_MS: "1" };
        const each = (method: string, args: (r: OldResource & { kind: FlyKind }, i: number) => unknown[]): HostCall[] =>
            resources.map((r, i) => ({ text: thinFlyProvider(r.kind), method, args: args(r, i) }));

        // check: the plugin keeps the new __provider beside the checked inputs.
        const checked = (await runInPluginHost(each("check", (r) => [r.inputs, newInputs(r)]), childEnv)).map((result, i) => {
            const value = succeeded(result, `${resources[i].name} check`);
            assert.deepEqual(value.failures ?? [], [], `${resources[i].name}: the old inputs no longer pass check`);
            return { ...value.inputs, __provider: thinFlyProvider(resources[i].kind) };
        });
        const diffs = await runInPluginHost(each("diff", (r, i) => [r.id, r.outputs, checked[i]]), childEnv);
        const updates = await runInPluginHost(each("update", (r, i) => [r.id, r.outputs, checked[i]]), childEnv);
        // update: the plugin adds the new inputs' __provider to the outputs (resultIncludingProvider).
        const migrated = updates.map((result, i) => ({ ...succeeded(result, `${resources[i].name} update`).outs, __provider: checked[i].__provider }));
        const after = await runInPluginHost(each("diff", (r, i) => [r.id, migrated[i], checked[i]]), childEnv);

        resources.forEach((r, i) => {
            const diff = succeeded(diffs[i], `${r.name} diff`);
            assert.equal(diff.changes, true, `${r.name}: a changed __provider alone must be an update, or the outputs keep the old code`);
            assert.deepEqual(diff.replaces ?? [], [], `${r.name}: the migration would replace it`);
            assert.ok(!diff.deleteBeforeReplace, `${r.name}: the migration would delete it`);
            const { __provider: _old, ...oldData } = r.outputs;
            const { __provider: text, ...newData } = migrated[i];
            assert.deepEqual(newData, oldData, `${r.name}: the update changed outputs`);
            assert.equal(text, thinFlyProvider(r.kind));
            assert.equal(succeeded(after[i], `${r.name} diff after`).changes, false, `${r.name}: still differs after the migration`);
        });
        assert.deepEqual(env.fly.mutating().map((q) => `${q.method} ${q.path}`), [], "the migration sent mutating requests to Fly");
    });
});

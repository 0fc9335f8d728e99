/**
 * Moving a resource to a new `__provider` text without touching Fly (the way a stack whose state holds the old,
 * fully serialized providers migrates to the thin ones, and any later change of the text).
 *
 * The dynamic-provider plugin runs the new text's `diff` with the old outputs as `olds` and copies `__provider` into
 * the outputs only on create, update and read. A diff that ignored `__provider` would leave the old text in the
 * outputs, so a text change alone counts as a change (never a replacement), and the update that follows, when the
 * kind's own diff sees nothing to change, returns the old outputs without a request to Fly.
 */
import type * as pulumi from "@pulumi/pulumi";

const PROVIDER_KEY = "__provider";

/** `provider` with `diff` and `update` that also carry a change of the `__provider` text. */
export function upgradesProviderText(kind: string, provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
    const own = async (id: string, olds: any, news: any): Promise<pulumi.dynamic.DiffResult> => (provider.diff ? provider.diff(id, olds, news) : { changes: false });
    return {
        ...provider,
        async diff(id, olds, news) {
            const result = await own(id, olds, news);
            if (result.changes === true || olds?.[PROVIDER_KEY] === news?.[PROVIDER_KEY]) return result;
            return { ...result, changes: true };
        },
        async update(id, olds, news) {
            const result = await own(id, olds, news);
            if (result.changes !== true) {
                const { [PROVIDER_KEY]: _old, ...outs } = olds ?? {};
                return { outs };
            }
            if (!provider.update) throw new Error(`fly:${kind} "${id}": cannot be updated in place, and its diff asked for an update; this is a bug in the Fly provider.`);
            return provider.update(id, olds, news);
        },
    };
}

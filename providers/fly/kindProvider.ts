/**
 * A kind's host-side provider from its functions: the engine's calls, with the arguments each function reads.
 * Every Fly kind is one check, diff, create, read, optional update and delete; this is where they meet Pulumi's
 * `ResourceProvider` shape, once.
 */
import type * as pulumi from "@pulumi/pulumi";

/** What a kind implements, typed as the engine sends it (the host passes plain property maps). */
export interface KindFunctions {
    /** The problems with `news` (`olds` for kinds that compare), or a whole check result when it normalizes the inputs. */
    check(olds: any, news: any): pulumi.dynamic.CheckFailure[] | pulumi.dynamic.CheckResult | Promise<pulumi.dynamic.CheckResult>;
    diff(olds: any, news: any): pulumi.dynamic.DiffResult | Promise<pulumi.dynamic.DiffResult>;
    create(inputs: any): Promise<pulumi.dynamic.CreateResult>;
    read(id: string, props: any): Promise<pulumi.dynamic.ReadResult>;
    /** Absent for kinds whose every change replaces them. */
    update?(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>;
    delete(id: string, props: any): Promise<void>;
}

/** The provider the dynamic-provider host calls (hostEntry.ts maps each kind to one). */
export function kindProvider(kind: KindFunctions): pulumi.dynamic.ResourceProvider {
    const update = kind.update;
    return {
        async check(olds, news) {
            const result = await kind.check(olds, news);
            return Array.isArray(result) ? { inputs: news, failures: result } : result;
        },
        diff: async (_id, olds, news) => kind.diff(olds, news),
        create: async (inputs) => kind.create(inputs),
        read: async (id, props) => kind.read(id, props),
        ...(update && { update: async (id: string, olds: unknown, news: unknown) => update(id, olds, news) }),
        delete: async (id, props) => kind.delete(id, props),
    };
}

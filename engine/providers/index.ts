/**
 * Which provider the engine runs for a package: the real dynamic-provider host for `pulumi-nodejs`, else a stand-in
 * checked against the package's pinned schema (its plugin cannot run offline). One place, so the engine and the
 * tests' fast policy judge (test/policies/analyzerVerdict.ts) check inputs with the same providers.
 */
import { startDynamicProvider } from "./dynamic";
import type { PackageSchema } from "./schema";
import { standInProvider } from "./standIn";
import type { ResourceProvider } from "./types";

/** What starting a provider needs. */
export interface ProviderOptions {
    /** The project directory (the dynamic-provider host resolves the providers' code from here). */
    readonly cwd: string;
    /** The engine's address, passed to the host as the CLI passes it. */
    readonly engineAddress: string;
    /** The host's environment (credentials are read from it at call time). */
    readonly env: NodeJS.ProcessEnv;
    /** The pinned schemas of the plugin-backed packages, by package name. */
    readonly schemas: ReadonlyMap<string, PackageSchema>;
    /** The clock the stand-ins see (time.Rotating compares against it). */
    readonly now: () => Date;
}

/** Starts the provider of `pkg`; rejects for a package with neither a host nor a schema. */
export function startProvider(pkg: string, options: ProviderOptions): Promise<ResourceProvider> {
    if (pkg === "pulumi-nodejs") return startDynamicProvider({ cwd: options.cwd, engineAddress: options.engineAddress, env: options.env });
    const schema = options.schemas.get(pkg);
    return schema
        ? Promise.resolve(standInProvider(schema, { now: options.now }))
        : Promise.reject(new Error(`no provider for package "${pkg}": its plugin cannot run offline and contracts/pulumi-schemas/ has no schema for it`));
}

/**
 * How a Fly resource class registers itself, as `pulumi.dynamic.Resource` would: type token
 * `pulumi-nodejs:dynamic/fly:<Kind>` and a `__provider` input that the dynamic-provider plugin evaluates
 * (`require-from-string`, plain node, the project directory as working directory) and calls `handler()` on.
 *
 * The text is thin: it names the kind and requires the installed package `@api-environments/fly-provider`
 * (providers/fly, built to JavaScript by scripts/build-fly-provider.mjs), which resolves from the project's node_modules.
 * So state holds data, not code; the installed implementation always runs (a fix to `read` or `delete` reaches
 * existing resources at once); and the text is the same whatever compiles the program. It is written by hand rather
 * than by `runtime.serializeFunction`, whose output depends on the compiler and which would capture the package by
 * value, since npm links a `file:` dependency as a symlink whose real path is outside node_modules.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * The Fly resource kinds, as in their type tokens `pulumi-nodejs:dynamic/fly:<Kind>`. hostEntry.ts maps each to its
 * provider (the compiler holds the two lists together).
 */
export const FLY_KINDS = ["App", "IpAssignment", "Certificate", "Volume", "Secrets", "MachineGroup", "ManagedPostgres", "PostgresDatabase", "PostgresUser", "Release", "ExistingPostgres", "ImageCopy", "ReleaseHistory"] as const;

/** One of {@link FLY_KINDS}. */
export type FlyKind = (typeof FLY_KINDS)[number];

/** The installed package holding the implementation (providers/fly/package.json). */
export const FLY_PROVIDER_PACKAGE = "@api-environments/fly-provider";

/**
 * The module of a kind's type token: `fly`, except the release history, which calls nothing and is kept by local
 * stacks too, so its token does not claim it is a Fly resource.
 */
const MODULES: Partial<Record<FlyKind, string>> = { ReleaseHistory: "release" };

/** The type token of a Fly resource, as `pulumi.dynamic.Resource` forms it for module `fly` (or the kind's own). */
export function flyType(kind: FlyKind): string {
    return `pulumi-nodejs:dynamic/${MODULES[kind] ?? "fly"}:${kind}`;
}

/**
 * The `__provider` text of a kind. ES5 syntax, so any node runs it; it reads nothing but the package: the providers
 * read `FLY_API_TOKEN` and `FLY_API_HOSTNAME` from the environment when a method runs.
 */
export function thinFlyProvider(kind: FlyKind): string {
    const fix = "run `npm ci` in the Pulumi project directory (its postinstall builds providers/fly)";
    return [
        "exports.handler = function () {",
        `    var kind = ${JSON.stringify(kind)}, name = ${JSON.stringify(FLY_PROVIDER_PACKAGE)}, providers;`,
        "    try {",
        "        providers = require(name).flyProviders;",
        "    } catch (error) {",
        `        throw new Error("fly:" + kind + ": cannot load the Fly provider package " + name + " from " + process.cwd() + " (" + String(error && error.message).split("\\n")[0] + "); ${fix}.");`,
        "    }",
        "    if (!providers || !providers[kind]) {",
        `        throw new Error("fly:" + kind + ": the installed " + name + " has no provider for this kind; ${fix}.");`,
        "    }",
        "    return providers[kind];",
        "};",
        "",
    ].join("\n");
}

/** `props` plus the `__provider` input the dynamic-provider plugin runs, as `pulumi.dynamic.Resource` adds it. */
export function withFlyProvider(kind: FlyKind, props: pulumi.Inputs): pulumi.Inputs {
    if ("__provider" in props) throw new Error("A dynamic resource must not define the __provider key");
    return { ...props, __provider: thinFlyProvider(kind) };
}

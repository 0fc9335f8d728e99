/**
 * The one serialized form behind every Fly resource class.
 *
 * `pulumi.dynamic.Resource` serializes each provider object on its own (`runtime.serializeFunction`, cached per
 * object), and each text re-captures the shared client and helpers by value (common.ts explains why they are by
 * value). Closure serialization costs roughly in proportion to the code it walks, so nine separate texts made the
 * first evaluation of a Fly stack spend most of its time serializing the same client nine times. Here every provider
 * is serialized together, once per process, into a module that exports them by kind; each class registers that text
 * plus one line choosing its kind as the `handler` the plugin calls. The kind therefore lives in the provider text
 * (never in inputs, outputs or state), and each kind's text still runs on its own in the plugin, exactly as before.
 *
 * The classes register `pulumi-nodejs:dynamic/fly:<Kind>` with `__provider` themselves (what `pulumi.dynamic.Resource`
 * does), because `pulumi.dynamic.Resource` offers no way to hand it text serialized once for several kinds.
 */
import * as pulumi from "@pulumi/pulumi";
// These imports form a cycle with the class files (they import this module). It is safe because nothing here reads
// them while modules load: `allProviders` runs when the first resource is constructed.
import { appProvider } from "./app";
import { certificateProvider } from "./certificate";
import { ipAssignmentProvider } from "./ipAssignment";
import { machineGroupProvider } from "./machineGroup";
import { managedPostgresProvider } from "./managedPostgres";
import { postgresDatabaseProvider } from "./postgresDatabase";
import { postgresUserProvider } from "./postgresUser";
import { releaseProvider } from "./release";
import { secretsProvider } from "./secrets";
import { volumeProvider } from "./volume";

/** The Fly resource kinds, as in their type tokens `pulumi-nodejs:dynamic/fly:<Kind>`. */
export type FlyKind = "App" | "IpAssignment" | "Certificate" | "Volume" | "Secrets" | "MachineGroup" | "ManagedPostgres" | "PostgresDatabase" | "PostgresUser" | "Release";

/** What the shared text exports the providers under (the plugin itself only calls `handler`). */
const EXPORT_NAME = "flyProviders";

function allProviders(): Record<FlyKind, pulumi.dynamic.ResourceProvider> {
    return {
        App: appProvider,
        IpAssignment: ipAssignmentProvider,
        Certificate: certificateProvider,
        Volume: volumeProvider,
        Secrets: secretsProvider,
        MachineGroup: machineGroupProvider as pulumi.dynamic.ResourceProvider,
        ManagedPostgres: managedPostgresProvider,
        PostgresDatabase: postgresDatabaseProvider,
        PostgresUser: postgresUserProvider,
        Release: releaseProvider as pulumi.dynamic.ResourceProvider,
    };
}

let shared: Promise<pulumi.runtime.SerializedFunction> | undefined;

/**
 * All providers serialized together. Kept for the process, like `pulumi.dynamic.Resource`'s own per-object cache:
 * the code cannot change while the process runs, and nothing is kept across processes.
 */
function serializeAll(): Promise<pulumi.runtime.SerializedFunction> {
    if (!shared) {
        const providers = allProviders();
        // No secrets allowed (pulumi.dynamic.Resource would allow them and mark the text secret): the providers read
        // the token when called, so a captured secret would be a bug, and failing here says so before anything runs.
        shared = pulumi.runtime.serializeFunction(() => providers, { exportName: EXPORT_NAME, allowSecrets: false });
    }
    return shared;
}

/** The shared text with `handler` bound to one kind: what the dynamic-provider plugin loads for that kind. */
function bind(text: string, kind: FlyKind): string {
    return `${text}\nexports.handler = function () { return exports.${EXPORT_NAME}()[${JSON.stringify(kind)}]; };\n`;
}

/** The serialized provider a resource of `kind` registers as `__provider` (for tests and tools). */
export async function serializedFlyProvider(kind: FlyKind): Promise<string> {
    return bind((await serializeAll()).text, kind);
}

/** The type token of a Fly resource, as `pulumi.dynamic.Resource` forms it for module `fly`. */
export function flyType(kind: FlyKind): string {
    return `pulumi-nodejs:dynamic/fly:${kind}`;
}

/** `props` plus the `__provider` input the dynamic-provider plugin runs, as `pulumi.dynamic.Resource` adds it. */
export function withFlyProvider(kind: FlyKind, props: pulumi.Inputs): pulumi.Inputs {
    if ("__provider" in props) throw new Error("A dynamic resource must not define the __provider key");
    return { ...props, __provider: pulumi.output(serializedFlyProvider(kind)) };
}

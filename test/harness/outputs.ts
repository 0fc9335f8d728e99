/**
 * What the in-process harness's mocks answer for a created resource: its inputs (as awsx's tests do), plus the
 * outputs the program reads that no input carries, so a test can follow each value to the resource it came from.
 *
 * - Plugin-backed packages (docker, random, time, github, sentry): the offline engine's stand-in outputs
 *   (engine/providers/standIn.ts), the one home of invented provider outputs, on a fixed clock.
 * - Fly resources: the real providers run against the emulator in test/fly and the engine tests; here each output
 *   the program reads is a marker naming the resource and the output (`<output> of <name>`, shaped as a host name
 *   where the program builds a URL of it), or what the resource was told (a machine group reports the image it was
 *   given). Nothing imitates what Fly would compute.
 *
 * Values a provider marks secret come back as `pulumi.secret`, because mocks do not apply a provider's
 * `additionalSecretOutputs`.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isSecret, type Wire } from "../../engine/rpc";
import { loadSchemas, type PackageSchema } from "../../engine/providers/schema";
import { standInOutputs } from "../../engine/providers/standIn";

type Inputs = Record<string, any>;

/** The harness's clock: a time.Rotating created under mocks starts here unless its inputs say otherwise. */
export const HARNESS_NOW = new Date(Date.UTC(2026, 0, 1));

let schemas: Map<string, PackageSchema> | undefined;
const schemaOf = (type: string): PackageSchema | undefined => {
    schemas ??= loadSchemas(join(__dirname, "..", "..", "contracts", "pulumi-schemas"));
    return schemas.get(type.split(":")[0]);
};

const marker = (output: string, name: string): string => `${output} of ${name}`;
/** A number only this resource's output has (for outputs the program passes on as numbers). */
const numberMarker = (output: string, name: string): number => parseInt(createHash("sha256").update(marker(output, name)).digest("hex").slice(0, 6), 16);

/** A cluster's pooler endpoint: a host on Fly's Managed Postgres domain and a port, both this resource's own. */
const pooler = (name: string) => ({ host: `pooler.${name}.flympg.net`, port: 1024 + (numberMarker("pooler.port", name) % 64_000) });

/** Outputs of the Fly resources that the program reads and no input carries. */
const FLY_OUTPUTS: Record<string, (name: string, inputs: Inputs) => Inputs> = {
    "pulumi-nodejs:dynamic/fly:MachineGroup": (_name, inputs) => ({ imageRef: inputs.config?.image }),
    "pulumi-nodejs:dynamic/fly:Secrets": (name) => ({ version: numberMarker("version", name) }),
    // Shaped as a host name on Fly's Managed Postgres domain and a password, because the program builds a URL of them
    // and production-isolation refuses a host reserved for local use (`.invalid`).
    "pulumi-nodejs:dynamic/fly:ManagedPostgres": (name) => ({ clusterId: marker("clusterId", name), pooler: pooler(name) }),
    "pulumi-nodejs:dynamic/fly:ExistingPostgres": (name) => ({ name: marker("name", name), region: "ams", pooler: pooler(name) }),
    "pulumi-nodejs:dynamic/fly:PostgresUser": (name) => ({ password: pulumi.secret(`password-of-${name}`) }),
};

/** Wire secrets as the SDK's secret outputs. */
function fromWire(value: Wire): unknown {
    if (isSecret(value)) return pulumi.secret(fromWire(value.value));
    if (Array.isArray(value)) return value.map(fromWire);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
    return value;
}

/** The state the engine would hold after creating the resource. */
export function mockState(type: string, name: string, inputs: Inputs): Record<string, unknown> {
    const { __provider: _provider, ...rest } = inputs;
    const fly = FLY_OUTPUTS[type];
    if (fly) return { ...rest, ...fly(name, rest) };
    const schema = schemaOf(type);
    if (!schema || !(type in schema.resources)) return rest;
    const created = typeof rest.rfc3339 === "string" ? new Date(rest.rfc3339) : HARNESS_NOW;
    return fromWire(standInOutputs(schema, { urn: `${type}::${name}`, type, id: `${name}-id`, inputs: rest, created })) as Record<string, unknown>;
}

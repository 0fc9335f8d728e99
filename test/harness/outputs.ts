/**
 * What providers compute for resources under the offline harness, standing in for the engine's `create`.
 *
 * Each entry derives its outputs from the resource's inputs, the way the real provider does (a password of the
 * requested length and character classes, a digest of what was built, a cluster endpoint from its name): tests
 * assert on how the program wires these values, so they must vary with the inputs, never be fixed answers.
 * Values a real provider marks secret are wrapped in `pulumi.secret` here, because mocks do not apply a provider's
 * `additionalSecretOutputs`.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

type Inputs = Record<string, any>;
type Compute = (name: string, inputs: Inputs) => Record<string, unknown>;

/** A stable pseudo-random hex string derived from its seed. */
export function digest(...seed: unknown[]): string {
    return createHash("sha256").update(JSON.stringify(seed)).digest("hex");
}

/** A password as `random.RandomPassword` makes one: `length` characters from the enabled classes, seeded by inputs. */
function password(inputs: Inputs, name: string): string {
    const classes: string[] = [];
    if (inputs.lower !== false) classes.push("abcdefghijklmnopqrstuvwxyz");
    if (inputs.upper !== false) classes.push("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (inputs.numeric !== false) classes.push("0123456789");
    if (inputs.special !== false) classes.push(inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?");
    const alphabet = classes.join("");
    const length = Number(inputs.length ?? 16);
    let out = "";
    let block = "";
    for (let i = 0; out.length < length; i++) {
        if (block.length === 0) block = digest(name, inputs.keepers ?? null, inputs.length, i);
        const byte = parseInt(block.slice(0, 2), 16);
        block = block.slice(2);
        // Guarantee one of each enabled class up front, as the provider's min* defaults do.
        const pool = out.length < classes.length ? classes[out.length] : alphabet;
        out += pool[byte % pool.length];
    }
    return out;
}

const FIXED_NOW = Date.UTC(2026, 0, 1);

const computed: Record<string, Compute> = {
    "random:index/randomPassword:RandomPassword": (name, inputs) => {
        const result = password(inputs, name);
        return { result: pulumi.secret(result), bcryptHash: pulumi.secret(`$2a$10$${digest(result).slice(0, 53)}`) };
    },
    "random:index/randomId:RandomId": (name, inputs) => ({
        hex: digest(name, inputs.keepers ?? null).slice(0, Number(inputs.byteLength ?? 4) * 2),
    }),
    "time:index/rotating:Rotating": (_name, inputs) => {
        const start = inputs.rfc3339 ? Date.parse(inputs.rfc3339) : FIXED_NOW;
        const days = Number(inputs.rotationDays ?? 0);
        return {
            rfc3339: new Date(start).toISOString().replace(".000Z", "Z"),
            rotationRfc3339: new Date(start + days * 86_400_000).toISOString().replace(".000Z", "Z"),
            unix: Math.floor(start / 1000),
        };
    },
    "docker:index/image:Image": (_name, inputs) => {
        const repo = String(inputs.imageName ?? "image").replace(/:[^/:]+$/, "");
        return { repoDigest: `${repo}@sha256:${digest(inputs.build ?? null, inputs.imageName)}`, baseImageName: inputs.imageName };
    },
    "docker:index/remoteImage:RemoteImage": (_name, inputs) => ({
        repoDigest: `${String(inputs.name).replace(/:[^/:]+$/, "")}@sha256:${digest(inputs.name)}`,
        imageId: `sha256:${digest("id", inputs.name)}`,
    }),
    // An attached one-off container (a release step) has run to its end; the stand-in is a run that exited 0.
    "docker:index/container:Container": (name, inputs) => ({
        containerId: digest("container", name).slice(0, 12),
        ...(inputs.attach === true && inputs.mustRun === false ? { exitCode: 0 } : {}),
    }),
    "sentry:index/sentryKey:SentryKey": (name, inputs) => {
        const key = digest("sentry-key", name, inputs.project).slice(0, 32);
        const dsn = `https://${key}@o${parseInt(digest(inputs.organization).slice(0, 6), 16)}.ingest.sentry.io/${parseInt(digest(inputs.project).slice(0, 6), 16)}`;
        return { public: key, dsnPublic: dsn, dsnSecret: pulumi.secret(dsn), secret: pulumi.secret(digest("secret", key).slice(0, 32)) };
    },
    "sentry:index/sentryProject:SentryProject": (name, inputs) => ({
        internalId: String(parseInt(digest(name, inputs.slug).slice(0, 6), 16)),
        projectId: String(parseInt(digest(inputs.slug).slice(0, 6), 16)),
    }),
    "pulumi-nodejs:dynamic/fly:App": (_name, inputs) => ({ appId: digest("app", inputs.name).slice(0, 16), status: "deployed" }),
    "pulumi-nodejs:dynamic/fly:IpAssignment": (_name, inputs) =>
        inputs.type === "v6" ? { address: `2a09:8280:1::${digest(inputs.app).slice(0, 4)}` } : { address: `66.241.124.${parseInt(digest(inputs.app).slice(0, 2), 16)}` },
    "pulumi-nodejs:dynamic/fly:Certificate": () => ({ status: "pending", configured: false, dnsRequirements: {} }),
    "pulumi-nodejs:dynamic/fly:Volume": (name) => ({ volumeId: `vol_${digest(name).slice(0, 14)}` }),
    "pulumi-nodejs:dynamic/fly:Secrets": (_name, inputs) => ({
        keys: Object.keys(inputs.values ?? {}).sort(),
        version: 1,
    }),
    "pulumi-nodejs:dynamic/fly:MachineGroup": (name, inputs) => {
        const image = String(inputs.config?.image ?? "");
        const regions: Record<string, number> = inputs.regions ?? {};
        const machineIds = Object.entries(regions).flatMap(([region, count]) =>
            Array.from({ length: count }, (_, i) => digest(name, region, i).slice(0, 14)),
        );
        return { imageRef: image.includes("@sha256:") ? image : `${image}@sha256:${digest(image)}`, machineIds };
    },
    "pulumi-nodejs:dynamic/fly:Release": (name, inputs) => ({ machineId: digest("release", name, inputs.image).slice(0, 14), exitCode: 0, generation: 1 }),
    "pulumi-nodejs:dynamic/fly:ManagedPostgres": (name, inputs) => {
        const id = digest("pg", inputs.name ?? name).slice(0, 16);
        return {
            clusterId: id,
            status: "ready",
            pooler: { host: `pgbouncer.${id}.flympg.net`, port: 5432 },
            direct: { host: `direct.${id}.flympg.net`, port: 5432 },
        };
    },
    "pulumi-nodejs:dynamic/fly:PostgresUser": (name, inputs) => ({
        password: pulumi.secret(password({ length: 32, special: false }, `${name}/${inputs.username}`)),
    }),
};

/** The state the engine would hold after creating the resource: its inputs plus what the provider computed. */
export function mockState(type: string, name: string, inputs: Inputs): Record<string, unknown> {
    const { __provider: _provider, ...rest } = inputs;
    return { ...rest, ...(computed[type]?.(name, inputs) ?? {}) };
}

/**
 * Stand-ins for the plugin-backed providers (docker, random, time, github, sentry), whose plugin binaries cannot be
 * fetched here. `check` is the schema check of the pinned version (schema.ts), so a wrong input fails as the real
 * provider would fail it; everything a provider would compute is invented, deterministically (the same resource and
 * inputs give the same value), and the engine marks each such resource and value as a stand-in wherever it prints.
 *
 * Replacement follows what each provider documents (its ForceNew fields), kept here as a small table; any other
 * change is an update.
 */
import { createHash } from "node:crypto";
import { isSecret, sameValue, secret, stripSecrets, UNKNOWN, type Wire } from "../rpc";
import { checkInputs, type PackageSchema, type PropertySpec } from "./schema";
import type { DiffResult, ResourceProvider, Target } from "./types";

/** Inputs whose change replaces the resource, per type token (`*`: every input). */
const REPLACE_ON: Record<string, readonly string[]> = {
    "random:index/randomPassword:RandomPassword": ["*"],
    "random:index/randomString:RandomString": ["*"],
    "random:index/randomId:RandomId": ["*"],
    "time:index/rotating:Rotating": ["*"],
    "time:index/static:Static": ["*"],
    "docker:index/container:Container": ["*"],
    "docker:index/network:Network": ["*"],
    "docker:index/volume:Volume": ["*"],
    "docker:index/remoteImage:RemoteImage": ["name", "platform"],
    "github:index/repositoryEnvironment:RepositoryEnvironment": ["repository", "environment"],
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": ["repository", "environment"],
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": ["repository", "environment", "secretName"],
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": ["repository", "environment", "variableName"],
    "sentry:index/sentryProject:SentryProject": ["organization"],
    "sentry:index/sentryKey:SentryKey": ["organization", "project"],
    "sentry:index/sentryTeam:SentryTeam": ["organization"],
};

const ROTATING = "time:index/rotating:Rotating";
const DAY_MS = 86_400_000;

function hash(...parts: unknown[]): string {
    return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** A password of `length` characters from the classes the inputs allow, derived from `seed`. */
function password(inputs: Record<string, Wire>, seed: string): string {
    const classes = [
        inputs.lower !== false ? "abcdefghijklmnopqrstuvwxyz" : "",
        inputs.upper !== false ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
        inputs.numeric !== false ? "0123456789" : "",
        inputs.special !== false ? (typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : "!@#$%&*()-_=+[]{}<>:?") : "",
    ].join("");
    const length = typeof inputs.length === "number" ? inputs.length : 16;
    let out = "";
    for (let i = 0; out.length < length; i++) {
        for (const byte of Buffer.from(hash(seed, i), "hex")) if (out.length < length) out += classes[byte % classes.length];
    }
    return out;
}

/** The invented value of one output property, by its schema type and a few well-known names. */
function inventValue(name: string, spec: PropertySpec, seed: string): Wire {
    const h = hash(seed, name);
    if (/digest$/i.test(name)) return `sha256:${h}`;
    if (/^dsn/i.test(name)) return `https://${h.slice(0, 32)}@stand-in.ingest.sentry.io/${parseInt(h.slice(0, 6), 16)}`;
    switch (spec.type) {
        case "string":
            return `stand-in-${h.slice(0, 16)}`;
        case "integer":
        case "number":
            return parseInt(h.slice(0, 6), 16);
        case "boolean":
            return false;
        case "array":
            return [];
        default:
            return spec.$ref || spec.additionalProperties ? {} : `stand-in-${h.slice(0, 16)}`;
    }
}

/** What a stand-in derives a resource's outputs from. */
export interface StandInResource {
    readonly urn: string;
    readonly type: string;
    readonly id: string;
    readonly inputs: Record<string, Wire>;
    /** When the resource was created (time.Rotating's start). */
    readonly created: Date;
}

/**
 * The outputs a stand-in reports for one resource: its inputs, plus what the real provider would compute, invented
 * from the resource and its inputs (the same resource and inputs give the same value), secrets marked as the schema
 * marks them. The one home of stand-in outputs: the engine's stand-in providers and the in-process test harness
 * both call it.
 */
export function standInOutputs(schema: PackageSchema, resource: StandInResource): Record<string, Wire> {
    const { urn, type, id, inputs } = resource;
    const spec = schema.resources[type] ?? schema.provider;
    const plain = stripSecrets(inputs);
    const seed = `${urn}\n${id}\n${JSON.stringify(plain)}`;
    const outputs: Record<string, Wire> = { ...inputs };
    // Only the outputs the schema says are always set (`required`) are invented; an optional one the inputs leave
    // out stays absent, as a real provider leaves it (an invented `tagPattern` would read as a tag policy).
    for (const name of spec.required ?? []) {
        const property = spec.properties?.[name];
        if (outputs[name] !== undefined || property === undefined) continue;
        outputs[name] = inventValue(name, property, seed);
    }
    if (type === "random:index/randomPassword:RandomPassword" || type === "random:index/randomString:RandomString") {
        outputs.result = password(plain, seed);
    }
    // Pushed and pulled images report `<repository>@sha256:<hash>`, which is what the program pins machines to.
    if ((type === "docker:index/image:Image" || type === "docker:index/remoteImage:RemoteImage") && "repoDigest" in outputs) {
        const name = String(plain.imageName ?? plain.name ?? "stand-in");
        // An image pulled by digest reports that very digest; a tag or a build gets an invented one.
        outputs.repoDigest = /@sha256:[a-f0-9]{64}$/.test(name) ? name : `${name.replace(/:[^/:@]+$/, "")}@sha256:${hash(seed, "repoDigest")}`;
    }
    // A container run attached (the release step's one-off job) has exited when create returns: a stand-in job
    // succeeds, as the invented integer would otherwise read as a failed migration.
    if (type === "docker:index/container:Container" && plain.attach === true) outputs.exitCode = 0;
    if (type === ROTATING) {
        const start = resource.created;
        const days = typeof plain.rotationDays === "number" ? plain.rotationDays : 0;
        outputs.rfc3339 = start.toISOString().replace(/\.\d{3}Z$/, "Z");
        outputs.rotationRfc3339 = new Date(start.getTime() + days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
        outputs.unix = Math.floor(start.getTime() / 1000);
    }
    // Outputs the schema marks secret stay secret, as the provider's SDK would mark them.
    for (const [name, property] of Object.entries(spec.properties ?? {})) {
        if (property.secret && outputs[name] !== undefined && !isSecret(outputs[name])) outputs[name] = secret(outputs[name]);
    }
    return outputs;
}

/** Options for {@link standInProvider}. */
export interface StandInOptions {
    /** The engine's clock (time.Rotating compares against it). */
    readonly now: () => Date;
}

/** When a stand-in resource was created, as its stored outputs say (time.Rotating records it); else now. */
function createdOf(outputs: Record<string, Wire>, now: () => Date): Date {
    const stored = stripSecrets(outputs).rfc3339;
    return typeof stored === "string" && !Number.isNaN(Date.parse(stored)) ? new Date(stored) : now();
}

/**
 * A stand-in provider for one package. It keeps nothing of its own: `read` reports what the provider would report
 * for the stored inputs, so a refresh finds drift wherever the state holds outputs the provider would not give.
 */
export function standInProvider(schema: PackageSchema, options: StandInOptions): ResourceProvider {
    const outputsOf = (target: Target, id: string, inputs: Record<string, Wire>, created: Date): Record<string, Wire> =>
        standInOutputs(schema, { urn: target.urn, type: target.type, id, inputs, created });
    return {
        label: `${schema.name} ${schema.version} (stand-in)`,
        standIn: true,
        async check(target, _olds, news) {
            return { inputs: news, failures: checkInputs(schema, target.type, news) };
        },
        async diff(target, _id, oldInputs, oldOutputs, news): Promise<DiffResult> {
            const keys = [...new Set([...Object.keys(oldInputs), ...Object.keys(news)])].filter((k) => k !== "__defaults");
            const diffs = keys.filter((k) => news[k] === UNKNOWN || !sameValue(oldInputs[k], news[k])).sort();
            const replaceOn = REPLACE_ON[target.type] ?? [];
            const replaces = diffs.filter((k) => replaceOn.includes("*") || replaceOn.includes(k));
            // The time provider plans a replacement once the rotation time has passed.
            const expiry = stripSecrets(oldOutputs).rotationRfc3339;
            if (target.type === ROTATING && typeof expiry === "string" && options.now().getTime() >= Date.parse(expiry)) replaces.push("rotationRfc3339");
            if (replaces.length > 0 && !diffs.includes(replaces[replaces.length - 1])) diffs.push(replaces[replaces.length - 1]);
            return { changes: diffs.length > 0 ? "some" : "none", replaces, deleteBeforeReplace: false, diffs };
        },
        async create(target, inputs) {
            const id = target.type.startsWith("pulumi:providers:") ? hash(target.urn).slice(0, 36) : `stand-in-${hash(target.urn, stripSecrets(inputs)).slice(0, 12)}`;
            return { id, outputs: outputsOf(target, id, inputs, options.now()) };
        },
        async read(target, id, inputs, outputs) {
            // A resource read by id (`Resource.get`) was never created here: there are no inputs to derive from, and
            // the stand-in reports the properties it was given.
            if (Object.keys(inputs).length === 0) return { id, outputs, inputs };
            return { id, outputs: outputsOf(target, id, inputs, createdOf(outputs, options.now)), inputs };
        },
        async update(target, id, _oldInputs, oldOutputs, news) {
            return outputsOf(target, id, news, createdOf(oldOutputs, options.now));
        },
        async delete() {},
        async close() {},
    };
}

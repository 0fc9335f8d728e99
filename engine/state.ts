/**
 * The engine's state, kept as the CLI keeps a checkpoint: per URN the type, inputs, outputs, id, parent, provider,
 * protect and dependencies. In the file every secret is encrypted (AES-256-GCM, key from the stack's passphrase with
 * scrypt), as the passphrase secrets provider stores it, so no secret is ever written in plaintext.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isSecret, secret, SECRET_SIG, SIG_KEY, type Wire } from "./rpc";

export interface ResourceState {
    readonly urn: string;
    readonly type: string;
    readonly custom: boolean;
    /** Empty for components. */
    readonly id: string;
    readonly parent?: string;
    /** `urn::id` of the provider resource that manages it. */
    readonly provider?: string;
    readonly inputs: Record<string, Wire>;
    readonly outputs: Record<string, Wire>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly additionalSecretOutputs: readonly string[];
    readonly deleteBeforeReplace: boolean;
    /** True when a stand-in, not the real provider, produced the outputs. */
    readonly standIn: boolean;
}

export interface StackState {
    readonly project: string;
    readonly stack: string;
    /** In dependency order: a resource comes after its parent, provider and dependencies. */
    readonly resources: readonly ResourceState[];
}

interface StateFile {
    version: 1;
    project: string;
    stack: string;
    secrets: { salt: string };
    resources: ResourceState[];
}

/** Keys derived in this process, by passphrase and salt: scrypt is slow on purpose, and a stack is loaded and saved many times. */
const derived = new Map<string, Buffer>();

function keyFor(passphrase: string, salt: Buffer): Buffer {
    const id = `${salt.toString("base64")}\0${passphrase}`;
    let key = derived.get(id);
    if (key === undefined) derived.set(id, (key = scryptSync(passphrase, salt, 32)));
    return key;
}

/** The salt a state file already has, so a stack keeps one salt (as Pulumi's passphrase provider does); else a new one. */
function saltOf(file: string): Buffer {
    if (existsSync(file)) {
        const salt = (JSON.parse(readFileSync(file, "utf8")) as Partial<StateFile>).secrets?.salt;
        if (typeof salt === "string" && salt.length > 0) return Buffer.from(salt, "base64");
    }
    return randomBytes(16);
}

function encrypt(value: Wire, key: Buffer): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return `v1:${nonce.toString("base64")}:${Buffer.concat([body, cipher.getAuthTag()]).toString("base64")}`;
}

function decrypt(text: string, key: Buffer, file: string): Wire {
    const [, nonce, payload] = text.split(":");
    const data = Buffer.from(payload, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(data.subarray(data.length - 16));
    try {
        return JSON.parse(Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8"));
    } catch {
        throw new Error(`${file}: incorrect passphrase: set PULUMI_CONFIG_PASSPHRASE to the passphrase this stack's state was written with`);
    }
}

function mapSecrets(value: Wire, transform: (value: Wire) => Wire): Wire {
    if (isSecret(value) || (value && typeof value === "object" && value[SIG_KEY] === SECRET_SIG)) return transform(value);
    if (Array.isArray(value)) return value.map((v) => mapSecrets(v, transform));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, transform)]));
    return value;
}

function mapResource(resource: ResourceState, transform: (value: Wire) => Wire): ResourceState {
    return { ...resource, inputs: mapSecrets(resource.inputs, transform), outputs: mapSecrets(resource.outputs, transform) };
}

/** Reads a state file; a missing file is an empty stack. */
export function loadState(file: string | undefined, project: string, stack: string, passphrase: string): StackState {
    if (!file || !existsSync(file)) return { project, stack, resources: [] };
    const parsed = JSON.parse(readFileSync(file, "utf8")) as StateFile;
    if (parsed.version !== 1) throw new Error(`${file}: unsupported state version ${parsed.version}`);
    if (parsed.stack !== stack || parsed.project !== project) throw new Error(`${file} holds stack ${parsed.project}/${parsed.stack}, not ${project}/${stack}`);
    const key = keyFor(passphrase, Buffer.from(parsed.secrets.salt, "base64"));
    const resources = parsed.resources.map((r) => mapResource(r, (v) => secret(decrypt(v.ciphertext, key, file))));
    return { project, stack, resources };
}

/** Writes the state file atomically, every secret encrypted. */
export function saveState(file: string, state: StackState, passphrase: string): void {
    const salt = saltOf(file);
    const key = keyFor(passphrase, salt);
    const body: StateFile = {
        version: 1,
        project: state.project,
        stack: state.stack,
        secrets: { salt: salt.toString("base64") },
        resources: state.resources.map((r) => mapResource(r, (v) => ({ [SIG_KEY]: SECRET_SIG, ciphertext: encrypt(v.value, key) }))),
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
}

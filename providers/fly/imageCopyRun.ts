/**
 * One image copy by digest with skopeo (a well-kept tool: containers/skopeo), never hand-written registry code.
 *
 * Credentials never reach a command line (visible in `ps`) or state: each side's token is read from the environment
 * variable its input names, written into its own containers-auth.json (mode 0600, in a private temporary folder)
 * and passed by path (`--src-authfile`, `--dest-authfile`); the folder is removed when skopeo ends, whatever happens.
 * `--all --preserve-digests` copies an image index as it is, so the digest cannot change; the digest skopeo reports
 * (`--digestfile`) is checked against the source's all the same.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestOf, registryOf } from "./imageRef";
import type { ImageCopyInputs } from "./imageCopyInputs";

/** Fly's registry takes any user name with an API token as the password. */
const REGISTRY_USER = "x";
/** How long one copy may take before the update fails. */
const COPY_TIMEOUT_MS = 15 * 60_000;

/** The command line of a copy: paths and references only, never a credential. */
export function skopeoCopyArgs(inputs: ImageCopyInputs, files: { sourceAuth?: string; destinationAuth?: string; digest: string }): string[] {
    const digest = digestOf(inputs.source) as string;
    // The registry needs a tag to push to; the copy is run by digest, the tag only keeps it from being collected.
    const tag = `release-${digest.slice("sha256:".length, "sha256:".length + 12)}`;
    const tls = inputs.tlsVerify === false ? ["--src-tls-verify=false", "--dest-tls-verify=false"] : [];
    return [
        "copy",
        "--all",
        "--preserve-digests",
        "--retry-times",
        "3",
        ...(files.sourceAuth ? ["--src-authfile", files.sourceAuth] : []),
        ...(files.destinationAuth ? ["--dest-authfile", files.destinationAuth] : []),
        ...tls,
        "--digestfile",
        files.digest,
        `docker://${inputs.source}`,
        `docker://${inputs.repository}:${tag}`,
    ];
}

/** The token in the variable `name`, or an error that names the variable and how to set it. */
function tokenFrom(env: NodeJS.ProcessEnv, name: string | undefined, side: string, resource: string): string | undefined {
    if (name === undefined) return undefined;
    const token = env[name];
    if (!token) throw new Error(`${resource}: the ${side} registry's token variable ${name} is not set; export ${name} (a Fly token of that organization) before running pulumi.`);
    return token;
}

/** containers-auth.json for one registry: `{"auths": {"<registry>": {"auth": base64(user:token)}}}`. */
function writeAuthFile(dir: string, file: string, registry: string, token: string): string {
    const path = join(dir, file);
    const auth = Buffer.from(`${REGISTRY_USER}:${token}`).toString("base64");
    writeFileSync(path, JSON.stringify({ auths: { [registry]: { auth } } }), { mode: 0o600 });
    return path;
}

function run(binary: string, args: string[]): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve, reject) => {
        execFile(binary, args, { timeout: COPY_TIMEOUT_MS, maxBuffer: 4 << 20 }, (error, _stdout, stderr) => {
            if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
                reject(new Error(`${binary} is not installed; install skopeo (apt-get install skopeo, brew install skopeo; GitHub's Ubuntu runners have it).`));
                return;
            }
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr: String(stderr) });
        });
    });
}

/**
 * Copies `inputs.source` into `inputs.repository` by digest and returns the digest the copy has, which is the
 * source's. `binary` is skopeo on the PATH unless `SKOPEO` names another.
 */
export async function copyImage(inputs: ImageCopyInputs, resource: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const expected = digestOf(inputs.source);
    if (expected === undefined) throw new Error(`${resource}: source ${inputs.source} is not an image by digest.`);
    const sourceToken = tokenFrom(env, inputs.sourceTokenEnv, "source", resource);
    const destinationToken = tokenFrom(env, inputs.destinationTokenEnv, "destination", resource);
    const dir = mkdtempSync(join(tmpdir(), "image-copy-"));
    try {
        const files = {
            sourceAuth: sourceToken === undefined ? undefined : writeAuthFile(dir, "source-auth.json", registryOf(inputs.source), sourceToken),
            destinationAuth: destinationToken === undefined ? undefined : writeAuthFile(dir, "destination-auth.json", registryOf(inputs.repository), destinationToken),
            digest: join(dir, "digest"),
        };
        const { code, stderr } = await run(env.SKOPEO || "skopeo", skopeoCopyArgs(inputs, files));
        // skopeo never prints a credential it read from a file; this holds should a future version do so.
        let said = stderr.trim();
        for (const token of [sourceToken, destinationToken]) if (token) said = said.split(token).join("[secret]");
        if (code !== 0) throw new Error(`${resource}: skopeo could not copy ${inputs.source} to ${inputs.repository} (exit ${code}): ${said.split("\n").slice(-3).join(" ")}`);
        const copied = readFileSync(files.digest, "utf8").trim();
        if (copied !== expected) throw new Error(`${resource}: the copy in ${inputs.repository} has digest ${copied}, not the source's ${expected}; nothing runs it. Copy it again with skopeo copy --all --preserve-digests.`);
        return copied;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

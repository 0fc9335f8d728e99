/**
 * fly:ImageCopy: a promoted image copied by digest with skopeo.
 *
 * Against a real registry on 127.0.0.1 (Debian's `docker-registry`, the CNCF distribution registry) started here
 * with its storage in a temporary folder: a tiny OCI image is built from a directory layout, pushed, and copied by
 * the provider's create, run from its `__provider` text in the dynamic-provider plugin's way; the copy's digest
 * (its manifest, hashed here) is the source's. Without skopeo or the registry these tests skip, naming the install.
 *
 * The credentials path, with a recording stand-in for skopeo: tokens reach skopeo only in 0600 auth files that are
 * gone afterwards, never on its command line, and a missing token variable is an error that names it.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { copyImage } from "../../providers/fly/imageCopyRun";
import { thinFlyProvider } from "../../providers/fly/registration";
import { TEST_TOKEN } from "./emulator/defaults";
import { runInPluginHost, succeeded } from "./serializationHost";

const REGISTRY = "/usr/bin/docker-registry";
const missing = [existsSync(REGISTRY) ? undefined : "docker-registry", hasSkopeo() ? undefined : "skopeo"].filter(Boolean);
const SKIP = missing.length > 0 ? `${missing.join(" and ")} not installed: apt-get install -y docker-registry skopeo` : false;

function hasSkopeo(): boolean {
    try {
        execFileSync("skopeo", ["--version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** A one-layer OCI image layout in `dir`, tagged `v1`: a file in an uncompressed tar, a config, a manifest. */
function ociLayout(dir: string): void {
    const blobs = join(dir, "blobs", "sha256");
    mkdirSync(blobs, { recursive: true });
    const content = join(dir, "content");
    mkdirSync(content);
    writeFileSync(join(content, "release.txt"), "release A\n");
    const layerFile = join(dir, "layer.tar");
    execFileSync("tar", ["-cf", layerFile, "-C", content, "release.txt"]);
    const blob = (data: Buffer | string) => {
        const digest = sha256(data);
        writeFileSync(join(blobs, digest), data);
        return { digest: `sha256:${digest}`, size: Buffer.byteLength(data) };
    };
    const layer = blob(readFileSync(layerFile));
    const config = blob(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.digest] }, config: {} }));
    const manifest = blob(
        JSON.stringify({
            schemaVersion: 2,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
            layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
        }),
    );
    writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, annotations: { "org.opencontainers.image.ref.name": "v1" } }] }));
}

/** The manifest a registry serves for `ref`, hashed: the digest the registry really holds. */
function servedDigest(ref: string): string {
    const raw = execFileSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${ref}`]);
    return `sha256:${sha256(raw)}`;
}

describe("fly:ImageCopy against a real registry on 127.0.0.1", { skip: SKIP }, () => {
    let dir: string;
    let registry: ChildProcess;
    let host: string;
    let source: string;

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "image-copy-registry-"));
        const port = await freePort();
        host = `127.0.0.1:${port}`;
        const config = join(dir, "config.yml");
        writeFileSync(config, ["version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:", `    rootdirectory: ${join(dir, "storage")}`, "http:", `  addr: ${host}`, ""].join("\n"));
        registry = spawn(REGISTRY, ["serve", config], { stdio: "ignore" });
        for (let i = 0; ; i++) {
            const up = await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false);
            if (up) break;
            if (i > 100) throw new Error(`the registry did not answer on ${host}`);
            await new Promise((r) => setTimeout(r, 100));
        }
        const layout = join(dir, "layout");
        ociLayout(layout);
        execFileSync("skopeo", ["copy", "--dest-tls-verify=false", `oci:${layout}:v1`, `docker://${host}/staging/api:v1`], { stdio: "ignore" });
        source = `${host}/staging/api@${servedDigest(`${host}/staging/api:v1`)}`;
    });
    after(() => {
        registry?.kill();
        rmSync(dir, { recursive: true, force: true });
    });

    it("copies by digest through the provider's create, and the copy's digest is the source's", async () => {
        const digest = source.slice(source.indexOf("@") + 1);
        const inputs = { source, repository: `${host}/prod/api`, sourceTokenEnv: "SOURCE_REGISTRY_TOKEN", destinationTokenEnv: "TARGET_REGISTRY_TOKEN", tlsVerify: false };
        const env = { SOURCE_REGISTRY_TOKEN: "source-token-1", TARGET_REGISTRY_TOKEN: "target-token-2" };
        const [created] = await runInPluginHost([{ text: thinFlyProvider("ImageCopy"), method: "create", args: [inputs] }], env);
        const { outs } = succeeded(created, "create");
        assert.equal(outs.digest, digest);
        assert.equal(outs.image, `${host}/prod/api@${digest}`);
        // What the registry holds under the target repository, fetched by digest and hashed here.
        assert.equal(servedDigest(outs.image), digest);
        assert.ok(!JSON.stringify(outs).includes("token-"), "no credential in the state");
    });

    it("control: a copy of a digest the source does not have fails, naming the source", async () => {
        const absent = `${host}/staging/api@sha256:${"0".repeat(64)}`;
        await assert.rejects(copyImage({ source: absent, repository: `${host}/prod/api`, tlsVerify: false }, "fly:ImageCopy \"test\"", {}), /skopeo could not copy .*staging\/api@sha256:0{64}/);
    });
});

describe("fly:ImageCopy credentials", () => {
    let dir: string;
    let skopeo: string;
    const record = () => JSON.parse(readFileSync(join(dir, "record.json"), "utf8"));
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "image-copy-creds-"));
        skopeo = join(dir, "skopeo");
        // Records its arguments and the auth files it is given (their mode and content), then writes the digest file.
        writeFileSync(
            skopeo,
            `#!/usr/bin/env node
const fs = require("node:fs");
const args = process.argv.slice(2);
const file = (flag) => args[args.indexOf(flag) + 1];
const auth = (flag) => args.includes(flag) ? { path: file(flag), mode: fs.statSync(file(flag)).mode & 0o777, content: fs.readFileSync(file(flag), "utf8") } : undefined;
fs.writeFileSync(${JSON.stringify(join(dir, "record.json"))}, JSON.stringify({ args, source: auth("--src-authfile"), destination: auth("--dest-authfile") }));
fs.writeFileSync(file("--digestfile"), args[args.length - 2].split("@")[1]);
`,
        );
        chmodSync(skopeo, 0o755);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const inputs = { source: `registry.fly.io/api-staging@sha256:${"ab".repeat(32)}`, repository: "registry.fly.io/api-prod", sourceTokenEnv: "FLY_STAGING_API_TOKEN", destinationTokenEnv: "FLY_API_TOKEN" };

    it("hands skopeo each token in its own 0600 auth file, never on the command line, and removes them", async () => {
        const env = { SKOPEO: skopeo, FLY_STAGING_API_TOKEN: "fm2_staging-secret", FLY_API_TOKEN: TEST_TOKEN };
        assert.equal(await copyImage(inputs, "fly:ImageCopy \"test\"", env), `sha256:${"ab".repeat(32)}`);
        const seen = record();
        const line = seen.args.join(" ");
        assert.ok(!line.includes("fm2_staging-secret") && !line.includes(TEST_TOKEN), `a token on the command line: ${line}`);
        assert.deepEqual([seen.source.mode, seen.destination.mode], [0o600, 0o600]);
        const auths = (side: { content: string }) => JSON.parse(side.content).auths["registry.fly.io"].auth;
        assert.equal(Buffer.from(auths(seen.source), "base64").toString(), "x:fm2_staging-secret");
        assert.equal(Buffer.from(auths(seen.destination), "base64").toString(), `x:${TEST_TOKEN}`);
        assert.ok(seen.args.includes("--all") && seen.args.includes("--preserve-digests"), "an index is copied as it is");
        assert.ok(!existsSync(seen.source.path) && !existsSync(seen.destination.path), "the auth files are removed");
    });

    it("refuses to copy when a token variable is unset, naming it (control: nothing ran)", async () => {
        rmSync(join(dir, "record.json"), { force: true });
        await assert.rejects(copyImage(inputs, "fly:ImageCopy \"test\"", { SKOPEO: skopeo, FLY_API_TOKEN: TEST_TOKEN }), /token variable FLY_STAGING_API_TOKEN is not set; export FLY_STAGING_API_TOKEN/);
        assert.ok(!existsSync(join(dir, "record.json")), "skopeo never ran");
    });

    it("fails when the copy's digest is not the source's", async () => {
        const lying = join(dir, "lying-skopeo");
        writeFileSync(lying, `#!/bin/sh\nwhile [ "$1" != "--digestfile" ]; do shift; done\nprintf 'sha256:%064d' 0 > "$2"\n`);
        chmodSync(lying, 0o755);
        await assert.rejects(copyImage(inputs, "fly:ImageCopy \"test\"", { SKOPEO: lying, FLY_STAGING_API_TOKEN: "a", FLY_API_TOKEN: TEST_TOKEN }), /has digest sha256:0{64}, not the source's sha256:(ab){32}/);
    });
});

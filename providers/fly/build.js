// @ts-check
/**
 * How the Fly provider package (`@api-environments/fly-provider`) is built, and when its build is stale. One home
 * for both: scripts/build-fly-provider.mjs (the root `postinstall`, `npm run build:fly`, `npm test`) builds with it,
 * and load.js (the package's entry, what the dynamic-provider host requires) rebuilds with it whenever the sources
 * changed since the build, so no `pulumi` command ever runs a stale provider (editing providers/fly/*.ts and running
 * `pulumi up` runs the edit).
 *
 * The build is keyed by a content hash of everything it is made from: every source file of the package (its .ts and
 * .json files, dist/ and node_modules/ aside), this file (the options), and esbuild's version. The key is written
 * beside the bundle (dist/sources.sha256) after the bundle, so a build cut short is found stale.
 */
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { join, relative } = require("node:path");

/** The bundle the package exports, relative to the package folder. */
const BUNDLE = join("dist", "index.js");
/** The key of the sources the bundle was built from. */
const KEY_FILE = join("dist", "sources.sha256");
const SKIP = new Set(["dist", "node_modules"]);
const SOURCE = /\.(ts|json)$/;

/**
 * The package's source files, sorted, relative to `dir`.
 * @param {string} dir
 * @param {string} [sub]
 * @returns {string[]}
 */
function sourcesOf(dir, sub = "") {
    return readdirSync(join(dir, sub), { withFileTypes: true })
        .flatMap((entry) => {
            const path = join(sub, entry.name);
            if (entry.isDirectory()) return SKIP.has(entry.name) || entry.name.startsWith(".") ? [] : sourcesOf(dir, path);
            return SOURCE.test(entry.name) ? [path] : [];
        })
        .sort();
}

/**
 * esbuild, or an error that says how to get it.
 * @returns {typeof import("esbuild")}
 */
function esbuild() {
    try {
        return require("esbuild");
    } catch (error) {
        throw new Error(
            `@api-environments/fly-provider: cannot load esbuild to build the Fly providers (${String(error && /** @type {Error} */ (error).message).split("\n")[0]}). ` +
                "It is a devDependency of the project: run `npm ci` (not --omit=dev) in the Pulumi project directory.",
        );
    }
}

/**
 * esbuild's version, read from its package.json: loading esbuild itself costs the host's start-up more than the whole
 * check, and is only needed to build.
 */
function esbuildVersion() {
    try {
        return JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
    } catch {
        return esbuild().version;
    }
}

/**
 * The content hash of everything the build of the package in `dir` is made from.
 * @param {string} dir the package folder (providers/fly)
 */
function sourceKey(dir) {
    const hash = createHash("sha256");
    hash.update(`esbuild ${esbuildVersion()}\n`);
    hash.update(readFileSync(__filename));
    for (const file of sourcesOf(dir)) {
        hash.update(`\n${file.split("\\").join("/")}\n`);
        hash.update(readFileSync(join(dir, file)));
    }
    return hash.digest("hex");
}

/**
 * The key the current build was made from, or undefined when there is no complete build.
 * @param {string} dir
 */
function builtKey(dir) {
    try {
        return readFileSync(join(dir, KEY_FILE), "utf8").trim();
    } catch {
        return undefined;
    }
}

/**
 * Builds the package in `dir` to dist/index.js (plain CommonJS: the host runs plain node, no TypeScript loader).
 * @param {string} dir
 * @param {string} [key] the sources' key, when already computed
 */
function build(dir, key = sourceKey(dir)) {
    mkdirSync(join(dir, "dist"), { recursive: true });
    // Written aside and renamed: a host starting meanwhile reads the old bundle or the new one, never half of one.
    const temp = join(dir, "dist", `.index-${process.pid}-${Date.now()}.js`);
    try {
        esbuild().buildSync({
            absWorkingDir: dir,
            entryPoints: [join(dir, "hostEntry.ts")],
            outfile: temp,
            bundle: true,
            platform: "node",
            format: "cjs",
            target: "node22", // the floor of the project's package.json `engines`
            // The providers use the SDK's types only (the bundle requires nothing of it); external should that ever change.
            external: ["@pulumi/pulumi"],
            logLevel: "warning",
        });
        renameSync(temp, join(dir, BUNDLE));
    } finally {
        rmSync(temp, { force: true });
    }
    writeFileSync(join(dir, KEY_FILE), `${key}\n`);
}

/**
 * The path of a bundle built from the sources as they are now: the existing one when its key matches, else a new
 * build. `onRebuild` hears why a build was made (the host prints nothing by default).
 * @param {string} dir
 * @param {(reason: string) => void} [onRebuild]
 */
function freshBundle(dir, onRebuild) {
    const key = sourceKey(dir);
    const before = builtKey(dir);
    if (before !== key) {
        build(dir, key);
        onRebuild?.(before === undefined ? "no complete build" : `sources changed since the build (${relative(process.cwd(), dir) || "."})`);
    }
    return join(dir, BUNDLE);
}

module.exports = { build, builtKey, freshBundle, sourceKey, sourcesOf };

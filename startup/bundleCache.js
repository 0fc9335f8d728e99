// @ts-check
/**
 * How the Pulumi CLI starts our TypeScript without compiling it on every run. Pulumi.yaml `main` (main.js) and the
 * policy pack's package.json `main` (policies/main.js) call {@link entry}: the TypeScript entry and everything it
 * imports from the project is bundled by esbuild into a cache under `<dir>/node_modules/.cache`, and later runs
 * require that bundle while it is fresh. Plain CommonJS, so any node runs it with no loader registered.
 *
 * Fresh means: every file esbuild read has the same content hash as when it was built (the hash is of the very text
 * esbuild compiled, read by the plugin below, so an edit during a build cannot hide), no file was added to or
 * removed from a folder that holds one (import resolution could change), and this file (which holds the options),
 * esbuild's version and the folder's tsconfig.json are the same. Anything else rebuilds before the program runs: a stale build cannot run. Packages are left
 * external, so node resolves them from node_modules at run time as it would for the TypeScript.
 *
 * Type errors are not checked here (esbuild strips types): `npm run typecheck`, run first by `npm test` and in CI.
 */
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { basename, dirname, extname, join, relative, resolve } = require("node:path");
const { deferUnusedModules } = require("./defer");
const { mapOwnSourcesOnly } = require("./stackTraces");

/** Where this project keeps its builds, inside the folder's node_modules so `npm ci` starts it afresh. */
const CACHE_NAME = "api-environments-startup";
/** Builds no manifest points to are removed once this old (a run that read the previous manifest may still load one). */
const PRUNE_AFTER_MS = 60 * 60 * 1000;
/** @type {Record<string, "ts" | "js" | "json">} */
const LOADERS = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".js": "js", ".mjs": "js", ".cjs": "js", ".json": "json" };

/**
 * @typedef {object} Manifest what a build was made from
 * @property {string} key this file, esbuild's version and tsconfig.json (see buildKey)
 * @property {string} digest names the build's folder; a hash of everything below
 * @property {Record<string, string>} files content hash of each file esbuild read, by path relative to the folder
 * @property {Record<string, string>} dirs hash of the entry names of each folder those files are in
 */

/** @param {string | Buffer} data */
const hash = (data) => createHash("sha256").update(data).digest("hex");

/**
 * The folder that holds the builds of `entryFile` (relative to `dir`).
 * @param {string} dir
 * @param {string} entryFile
 */
function cacheDirOf(dir, entryFile) {
    return join(dir, "node_modules", ".cache", CACHE_NAME, basename(entryFile, extname(entryFile)));
}

/**
 * The names in a folder that an import could resolve to. Dot-entries (.git, editors' swap files) and node_modules
 * (packages are external; this cache lives there) are left out, so creating them does not force a rebuild.
 * @param {string} dir
 */
function listing(dir) {
    try {
        const names = readdirSync(dir).filter((name) => !name.startsWith(".") && name !== "node_modules");
        return hash(names.sort().join("\n"));
    } catch {
        return "missing";
    }
}

/** @param {string} file */
function contentHash(file) {
    try {
        return hash(readFileSync(file));
    } catch {
        return "missing";
    }
}

/**
 * The folders whose entries decide how the files' imports resolve: each file's own and, for an `index` file, its
 * parent (where `./x.ts` would win over `./x/index.ts`).
 * @param {string} dir
 * @param {string[]} files relative to dir
 */
function foldersOf(dir, files) {
    const folders = new Set(files.map((f) => dirname(f)));
    for (const f of files) if (basename(f, extname(f)) === "index") folders.add(dirname(dirname(f)));
    return [...folders].filter((f) => !relative(dir, resolve(dir, f)).startsWith("..")).sort();
}

/** @param {string} key @param {Record<string, string>} files @param {Record<string, string>} dirs */
function digestOf(key, files, dirs) {
    return hash(JSON.stringify([key, Object.entries(files).sort(), Object.entries(dirs).sort()])).slice(0, 24);
}

/**
 * What, besides the sources, decides the output: this file, esbuild's version and the folder's tsconfig.json (esbuild
 * reads it).
 * @param {string} dir
 */
function buildKey(dir) {
    let esbuildVersion = "absent";
    try {
        esbuildVersion = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
    } catch {
        // Without esbuild no build can be fresh: build() says how to install it.
    }
    return hash([contentHash(__filename), esbuildVersion, contentHash(join(dir, "tsconfig.json"))].join("\n"));
}

/**
 * The built file when the last build of `entryFile` is fresh, else undefined.
 * @param {string} dir
 * @param {string} entryFile
 * @param {string} key
 */
function freshBuild(dir, entryFile, key) {
    const cache = cacheDirOf(dir, entryFile);
    /** @type {Manifest} */
    let manifest;
    try {
        manifest = JSON.parse(readFileSync(join(cache, "manifest.json"), "utf8"));
    } catch {
        return undefined;
    }
    if (manifest.key !== key) return undefined;
    for (const [file, sum] of Object.entries(manifest.files)) if (contentHash(join(dir, file)) !== sum) return undefined;
    for (const [folder, sum] of Object.entries(manifest.dirs)) if (listing(join(dir, folder)) !== sum) return undefined;
    if (digestOf(key, manifest.files, manifest.dirs) !== manifest.digest) return undefined;
    const built = join(cache, manifest.digest, outName(entryFile));
    return existsSync(built) ? built : undefined;
}

/** @param {string} entryFile */
const outName = (entryFile) => `${basename(entryFile, extname(entryFile))}.js`;

/** @returns {typeof import("esbuild")} */
function loadEsbuild() {
    try {
        return require("esbuild");
    } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        throw new Error(`cannot load esbuild to compile the TypeScript (${reason}); it is a devDependency of the project: run \`npm ci\` (not --omit=dev) in its directory`);
    }
}

/**
 * Bundles `entryFile` with the project files it imports, records what was read, and returns the built file.
 * @param {string} dir
 * @param {string} entryFile
 * @param {string} key
 */
async function build(dir, entryFile, key) {
    const esbuild = loadEsbuild();
    const cache = cacheDirOf(dir, entryFile);
    /** @type {Record<string, string>} */
    const files = {};
    /** @type {import("esbuild").Plugin} */
    const record = {
        name: "record-inputs",
        setup(b) {
            b.onLoad({ filter: /\.(?:[cm]?ts|[cm]?js|json)$/ }, (args) => {
                const text = readFileSync(args.path);
                files[relative(dir, args.path)] = hash(text);
                return { contents: text, loader: LOADERS[extname(args.path)] ?? "js" };
            });
        },
    };
    // Built as if into a sibling of the final folder, so the source map's relative paths hold there too.
    const result = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: [join(dir, entryFile)],
        outfile: join(cache, "build", outName(entryFile)),
        bundle: true,
        packages: "external",
        platform: "node",
        format: "cjs",
        target: "node22", // the floor of package.json `engines`
        // Error classes and components keep their declared names (`error.name`, messages) as under ts-node.
        keepNames: true,
        sourcemap: "linked",
        sourcesContent: false,
        write: false,
        logLevel: "silent",
        plugins: [record],
    });
    const dirs = Object.fromEntries(foldersOf(dir, Object.keys(files)).map((f) => [f, listing(join(dir, f))]));
    const digest = digestOf(key, files, dirs);
    const target = join(cache, digest);
    if (!existsSync(target)) {
        // Written aside and renamed, so a concurrent run sees either no build or a whole one.
        const staging = `${target}.${process.pid}.${Date.now()}`;
        mkdirSync(staging, { recursive: true });
        for (const out of result.outputFiles) writeFileSync(join(staging, basename(out.path)), out.contents);
        try {
            renameSync(staging, target);
        } catch {
            rmSync(staging, { recursive: true, force: true });
        }
    }
    /** @type {Manifest} */
    const manifest = { key, digest, files, dirs };
    const temp = join(cache, `manifest.${process.pid}.${Date.now()}.json`);
    writeFileSync(temp, JSON.stringify(manifest, null, 1));
    renameSync(temp, join(cache, "manifest.json"));
    prune(cache, digest);
    return join(target, outName(entryFile));
}

/** @param {string} cache @param {string} keep */
function prune(cache, keep) {
    const now = Date.now();
    for (const name of readdirSync(cache)) {
        if (name === keep || name === "manifest.json") continue;
        const path = join(cache, name);
        try {
            if (now - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { recursive: true, force: true });
        } catch {
            // Another run pruned it first.
        }
    }
}

/**
 * The compiled module of `entryFile` (relative to `dir`): the cached build when fresh, else a new one.
 * @param {string} dir
 * @param {string} entryFile
 * @returns {Promise<unknown>}
 */
async function load(dir, entryFile) {
    const key = buildKey(dir);
    const built = freshBuild(dir, entryFile, key) ?? (await build(dir, entryFile, key));
    return require(built);
}

/**
 * A module export for Pulumi's Node runtime (`cmd/run` for a program, `cmd/run-policy-pack` for a pack): both call an
 * exported function and await it, so this loads the compiled `entryFile` and does to its export what they would have.
 * @param {string} dir the folder of the entry (`__dirname` of main.js)
 * @param {string} entryFile the TypeScript entry, relative to dir
 * @returns {() => Promise<unknown>}
 */
function entry(dir, entryFile) {
    // Before the build loads @pulumi/pulumi: what it would load and never use is left for later (startup/defer.js), and
    // stack traces map only our own code (startup/stackTraces.js).
    deferUnusedModules();
    mapOwnSourcesOnly(dir);
    return async () => {
        const exported = await load(dir, entryFile);
        return typeof exported === "function" ? exported() : exported;
    };
}

module.exports = { entry, load, cacheDirOf, CACHE_NAME };

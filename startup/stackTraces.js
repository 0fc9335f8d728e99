// @ts-check
/**
 * Stack traces that cost what they are worth. Pulumi's runtime registers `source-map-support`, and the SDK reads
 * `new Error().stack` for every resource (its source position) and for nearly every promise it makes (kept for a
 * report of leaked promises at exit), so every frame of every such trace went through a source map: for a frame
 * inside @pulumi/pulumi that meant reading the file and parsing the SDK's own map, which points at TypeScript the
 * package does not ship. That was a fifth of the program's CPU in a preview (README, "Start-up"). Now:
 *
 * - frames of installed packages (and node's own) print as the JavaScript that ran;
 * - the project's frames (its build under node_modules/.cache, anything outside node_modules) are mapped back to the
 *   TypeScript as before, in errors and in resource source positions alike;
 * - the per-promise bookkeeping trace keeps exact positions in the build, unmapped: it is printed only if a promise
 *   leaks.
 */
const { dirname, sep } = require("node:path");

/** Where startup/bundleCache.js keeps the project's builds, which are ours and keep their maps. */
const OWN_BUILDS = `${sep}node_modules${sep}.cache${sep}`;
const PACKAGES = `${sep}node_modules${sep}`;

/**
 * Whether a frame's file is code of an installed package (or node's own), which is printed as it ran.
 * @param {string} file a frame's file name or file URL
 */
function isInstalledPackage(file) {
    if (file.startsWith("node:")) return true;
    const path = file.startsWith("file://") ? new URL(file).pathname : file;
    return path.includes(PACKAGES) && !path.includes(OWN_BUILDS);
}

/** The SDK's promise bookkeeping: `debuggablePromise` keeps a trace of every promise, shown only if one leaks. */
const BOOKKEEPING = `${sep}@pulumi${sep}pulumi${sep}runtime${sep}debuggable.js`;

/**
 * Whether the trace is the one the SDK takes of each promise it makes (printed only in a report of leaked promises at
 * exit, never in an error): it keeps the positions in the build, exact but not mapped, as not one in a thousand is read.
 * @param {NodeJS.CallSite[]} frames
 */
function isPromiseBookkeeping(frames) {
    return frames.length > 0 && (frames[0].getFileName() ?? "").endsWith(BOOKKEEPING);
}

/**
 * V8's `Error.prepareStackTrace`, formatted as source-map-support formats it, with its `wrapCallSite` applied only to
 * the project's frames: that call alone (it copies every method of each frame) is most of the cost, map or no map.
 * @param {{ wrapCallSite(frame: NodeJS.CallSite, state: object): unknown }} support
 */
function selectiveFormatter(support) {
    /** @param {Error} error @param {NodeJS.CallSite[]} frames */
    return (error, frames) => {
        const bookkeeping = isPromiseBookkeeping(frames);
        /** @type {{ nextPosition: unknown, curPosition: unknown }} the caller's position, which names a frame */
        const state = { nextPosition: null, curPosition: null };
        const lines = [];
        for (let i = frames.length - 1; i >= 0; i--) {
            const file = frames[i].getFileName();
            if (file && !bookkeeping && !isInstalledPackage(file)) {
                lines.push(`\n    at ${support.wrapCallSite(frames[i], state)}`);
            } else {
                lines.push(`\n    at ${frames[i]}`);
                state.curPosition = null;
            }
            state.nextPosition = state.curPosition;
        }
        return `${error.name || "Error"}: ${error.message || ""}${lines.reverse().join("")}`;
    };
}

let installed = false;

/**
 * Replaces the stack formatter Pulumi's runtime registered (source-map-support's `prepareStackTrace`) by
 * {@link selectiveFormatter}. Idempotent; does nothing where another formatter is installed.
 * @param {string} dir the folder whose @pulumi/pulumi runs (the program's or the policy pack's)
 */
function mapOwnSourcesOnly(dir) {
    if (installed) return;
    let support;
    try {
        const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
        support = require(require.resolve("source-map-support", { paths: [pulumiDir] }));
    } catch {
        return;
    }
    if (typeof support.wrapCallSite !== "function" || Error.prepareStackTrace?.name !== "prepareStackTrace") return;
    installed = true;
    Error.prepareStackTrace = selectiveFormatter(support);
}

module.exports = { mapOwnSourcesOnly };

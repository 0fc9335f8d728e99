// @ts-check
/**
 * Modules that `@pulumi/pulumi` loads on every start and this project's program, policy pack and dynamic-provider
 * host never touch, deferred until something first reads them:
 *
 * - the TypeScript compiler (about 9 MB of JavaScript), which `runtime/closure/parseFunction.js` requires at load but
 *   only calls while serializing a function (`runtime.serializeFunction`, `pulumi.dynamic.Resource`). The Fly
 *   resources register a hand-written `__provider` text (providers/fly/registration.ts), so nothing here serializes.
 * - the Automation API (`pulumi.automation`, with execa and the workspace classes), which `index.js` loads for its
 *   export: it drives the CLI from a program of its own, and none runs here.
 *
 * Together they are a large part of what `require("@pulumi/pulumi")` costs (docs/startup.md). A deferred module is a
 * stand-in that loads the real one, through node's own `require`, the first time any property is read, so a caller
 * that does use it gets exactly what it would have got, only later. Only the requests listed below, from the files
 * listed, are deferred; where the SDK moves or destructures one, it defers nothing and test/repo/startupDefer.test.ts
 * fails, so each entry is kept true for the installed SDK or removed. A module already loaded (the policy host
 * registers ts-node, and so TypeScript, before the pack runs) is returned as it is.
 */
const Module = require("node:module");
const { sep } = require("node:path");

/**
 * @typedef {object} Deferral
 * @property {string} from the requiring file, as the end of its path
 * @property {string} request what it requires
 * @property {boolean} namespace the file reads it through TypeScript's `__importStar`, which would copy (and so read)
 *   every property of a plain CommonJS export; the stand-in answers `__esModule` so that helper returns it as it is
 */

/** @type {readonly Deferral[]} */
const DEFERRALS = [
    { from: ["@pulumi", "pulumi", "runtime", "closure", "parseFunction.js"].join(sep), request: "../../typescript-shim", namespace: false },
    { from: ["@pulumi", "pulumi", "index.js"].join(sep), request: "./automation", namespace: true },
];

/**
 * An object that stands for the module `load()` returns, and calls `load` once, when first read.
 * @param {() => any} load
 * @param {boolean} namespace
 */
function deferredModule(load, namespace) {
    /** @type {any} */
    let real;
    const loaded = () => (real ??= load());
    return new Proxy(Object.create(null), {
        get: (_, key) => (namespace && key === "__esModule" ? true : Reflect.get(loaded(), key)),
        has: (_, key) => Reflect.has(loaded(), key),
        set: (_, key, value) => Reflect.set(loaded(), key, value),
        ownKeys: () => Reflect.ownKeys(loaded()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(loaded(), key);
            // A proxy may not report a property its (empty) target lacks as non-configurable.
            return descriptor && { ...descriptor, configurable: true };
        },
    });
}

let installed = false;

/** Makes the requests in DEFERRALS lazy for this process. Idempotent. */
function deferUnusedModules() {
    if (installed) return;
    installed = true;
    const original = Module.prototype.require;
    /** @this {NodeJS.Module} @param {string} request */
    function deferringRequire(request) {
        const deferral = DEFERRALS.find((d) => d.request === request && this.filename?.endsWith(d.from));
        if (deferral) {
            const file = /** @type {any} */ (Module)._resolveFilename(request, this);
            if (!require.cache[file]) return deferredModule(() => original.call(this, request), deferral.namespace);
        }
        return original.call(this, request);
    }
    Module.prototype.require = /** @type {NodeJS.Require} */ (/** @type {unknown} */ (deferringRequire));
}

module.exports = { DEFERRALS, deferUnusedModules, deferredModule };

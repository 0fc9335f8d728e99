// @ts-check
/**
 * The entry of `@api-environments/fly-provider` (package.json `exports`): what each Fly resource's thin `__provider`
 * requires inside Pulumi's dynamic-provider host. It loads the bundle built from the package's sources as they are
 * now, rebuilding it first when they changed since the last build (build.js), so a `pulumi up` after an edit of
 * providers/fly/*.ts runs the edit, never the build `npm ci` made.
 */
module.exports = require(require("./build").freshBundle(__dirname));

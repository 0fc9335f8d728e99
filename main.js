// The program the Pulumi CLI runs (Pulumi.yaml `main`): index.ts, bundled by esbuild when it or anything it imports
// changed and loaded from that build otherwise, so no run compiles TypeScript it compiled before and none runs a stale
// build. Why and how: startup/bundleCache.js and docs/startup.md.
module.exports = require("./startup/bundleCache").entry(__dirname, "index.ts");

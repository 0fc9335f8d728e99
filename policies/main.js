// The policy pack the Pulumi CLI runs (package.json `main`): index.ts, compiled like the program (../main.js), so the
// policy host's TypeScript loader, which type-checks on every cold start, has nothing left to compile.
module.exports = require("../startup/bundleCache").entry(__dirname, "index.ts");

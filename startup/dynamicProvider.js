// @ts-check
/**
 * The dynamic-provider host for this project's Fly resources: Pulumi's own `@pulumi/pulumi/cmd/dynamic-provider`,
 * started after startup/defer.js, so it does not load the TypeScript compiler that `require("@pulumi/pulumi")` pulls
 * in and the host never calls (it runs the providers' registered `__provider` code; it serializes nothing), nor the
 * Automation API. That is a large part of the host's start-up (`npm run bench` shows it), and the host
 * starts on the critical path of every Fly preview: the engine launches it when the first Fly resource registers.
 *
 * The CLI runs it through `startup/plugins/pulumi-resource-pulumi-nodejs` because Pulumi.yaml names that folder as
 * the `pulumi-nodejs` provider plugin (`plugins.providers`); without that entry the CLI would run its bundled script,
 * which resolves the same host from the project's node_modules and runs it with nothing deferred. The host reads the
 * engine's address from its arguments, which pass through unchanged. README.md, "Start-up", has the figures.
 */
require("./defer").deferUnusedModules();
require("@pulumi/pulumi/cmd/dynamic-provider");

// @ts-check
/**
 * Preloaded into the program's node by Pulumi.yaml `runtime.options.nodeargs` (`--require ./startup/preload.js`),
 * which the CLI's Node language host puts before `@pulumi/pulumi/cmd/run` on the command line. `cmd/run` loads its
 * tracing module, and with it OpenTelemetry's SDK, before it reaches `main.js`; deferring here is the only way to
 * keep what that SDK costs off a run without `--tracing` (startup/defer.js). The working directory is the project's.
 */
require("./defer").deferUnusedModules();

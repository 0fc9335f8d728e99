// @ts-check
/**
 * Installs startup/defer.js as it loads: a command's entry file imports it first, so the imports after it that load
 * `@pulumi/pulumi` (scripts/plan.ts, through config/) find the deferral already installed.
 */
require("./defer").deferUnusedModules();

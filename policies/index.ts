/**
 * The policy pack the Pulumi CLI runs:
 *   pulumi preview --policy-pack policies --policy-pack-config policies/<stack>.json
 *
 * `new PolicyPack` starts a gRPC server at once, so it is constructed only when this file is the program the
 * policy host (`@pulumi/pulumi` `run-policy-pack`) loads, or is run directly; tests import `pack.ts` instead, and
 * importing this file starts nothing.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./pack";

/** Whether the current process was started to serve this pack. */
export function servingPolicyPack(main: NodeJS.Module | undefined = require.main): boolean {
    return main !== undefined && (main === module || /[\\/]run-policy-pack[\\/]/.test(main.filename));
}

if (servingPolicyPack()) {
    new PolicyPack(PACK_NAME, packArgs);
}

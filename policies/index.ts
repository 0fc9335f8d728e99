/**
 * The policy pack the Pulumi CLI runs:
 *   pulumi preview --policy-pack policies --policy-pack-config policies/<stack>.json
 *
 * `new PolicyPack` starts a gRPC server at once, so it is constructed only when this file is the program the
 * policy host (`@pulumi/pulumi` `run-policy-pack`) loads, or is run directly; tests import `pack.ts` instead, and
 * importing this file starts nothing.
 *
 * Before it serves, the pack validates the stack's enforcement file against its own rules and refuses to start on
 * a slip: the CLI reconciles `--policy-pack-config` by dropping a key that names no policy, without a word, so a
 * misspelled rule would silently run at its default level under `pulumi preview` and `pulumi up` themselves.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { checkStackEnforcement } from "./enforcement";
import { PACK_NAME, packArgs } from "./pack";
import { rules } from "./rules";

/** Whether the current process was started to serve this pack. */
export function servingPolicyPack(main: NodeJS.Module | undefined = require.main): boolean {
    return main !== undefined && (main === module || /[\\/]run-policy-pack[\\/]/.test(main.filename));
}

/**
 * The pack's directory (where PulumiPolicy.yaml is): this file's folder, or above it when this runs from the
 * compiled bundle (`policies/node_modules/.cache/...`).
 */
export function packDirectory(from: string = __dirname): string {
    for (let dir = from; ; dir = dirname(dir)) {
        if (existsSync(join(dir, "PulumiPolicy.yaml"))) return dir;
        if (dirname(dir) === dir) throw new Error(`no PulumiPolicy.yaml in ${from} or above it`);
    }
}

if (servingPolicyPack()) {
    // The CLI hands a Node policy pack its stack as it hands a program (PULUMI_NODEJS_STACK).
    const stack = process.env.PULUMI_NODEJS_STACK;
    if (stack) checkStackEnforcement(packDirectory(), stack, rules);
    new PolicyPack(PACK_NAME, packArgs);
}

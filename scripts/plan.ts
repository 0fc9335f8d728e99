/**
 * `npm run plan -- <stack>`: what the stack would create, evaluated offline (no credentials, no cloud), and the
 * policy pack's verdict with that stack's enforcement. Exits non-zero on invalid config or a mandatory violation.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { StackNameError, stackNameProblem } from "../config";
import { ROOT, runStack } from "../test/harness/stack";
import { paint, renderOutputs, renderTree } from "./render";
import { policyGate } from "./gate";

async function main(): Promise<number> {
    const stack = process.argv[2];
    if (!stack || stack.startsWith("-")) {
        console.error("usage: npm run plan -- <stack>   (dev, staging, prod, or any Pulumi.<stack>.yaml)");
        return 2;
    }
    // Checked before the name becomes part of a file path.
    const badName = stackNameProblem(stack);
    if (badName !== undefined) {
        console.error(new StackNameError(stack, badName).message);
        return 2;
    }
    if (!existsSync(join(ROOT, `Pulumi.${stack}.yaml`))) {
        console.error(`No stack file Pulumi.${stack}.yaml. Create the stack with: pulumi stack init ${stack}`);
        return 2;
    }
    const run = await runStack(stack);
    if (run.configError) {
        console.error(paint.red(run.configError.message));
        return 1;
    }
    console.log(paint.bold(`Stack ${stack}: ${run.resources.length} resources`));
    console.log(renderTree(run));
    console.log(paint.bold("\nOutputs"));
    console.log(renderOutputs(run));
    return policyGate(run, stack);
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
    },
);

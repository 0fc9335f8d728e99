/**
 * The policy verdict for a stack run: the same rules `pulumi preview --policy-pack policies` runs, with the stack's
 * enforcement from `policies/<stack>.json`, evaluated in-process. Non-zero exit on a mandatory violation.
 */
import { evaluatePolicies, formatViolations, hasMandatory } from "../policies/offline";
import type { StackRun } from "../test/harness/stack";
import { paint } from "./render";

export async function policyGate(run: StackRun, stack: string): Promise<number> {
    const violations = await evaluatePolicies(run, stack);
    console.log(paint.bold("\nPolicy pack"));
    console.log(formatViolations(violations, stack));
    if (hasMandatory(violations)) {
        console.log(paint.red(`\n${stack}: blocked by mandatory policy violations.`));
        return 1;
    }
    return 0;
}

/** The policy verdict for a stack run, printed; the exit code is non-zero on a mandatory violation. */
import type { StackRun } from "../test/harness/stack";
import { paint } from "./render";

export async function policyGate(_run: StackRun, _stack: string): Promise<number> {
    console.log(paint.dim("\nPolicy pack: not wired yet"));
    return 0;
}

/**
 * The one adapter between the whole-stack policy tests and whatever evaluates a stack: today the offline harness
 * (`runStack`) and the in-process evaluator (`policies/offline.ts`); the offline engine will take its place. The
 * tests see only this function and its result, so swapping the implementation changes no test.
 */
import { evaluate, fromRegistered, readEnforcement } from "../../policies/offline";
import { validateEnforcement } from "../../policies/enforcement";
import { rules } from "../../policies/rules";
import { runStack } from "../harness/stack";

/** One policy violation, as the gate reports it. */
export interface JudgedViolation {
    /** The rule's name (`safe-rollout`). */
    readonly policy: string;
    /** What it does to the deployment: `mandatory` blocks it. A rule that could not run counts as advisory. */
    readonly level: "advisory" | "mandatory";
    readonly message: string;
    /** The resource in violation; absent for a stack-wide violation. */
    readonly urn?: string;
}

/** What to change before judging. */
export interface JudgeOptions {
    /** Edits the stack file's config (keys without the project namespace) before the run. */
    readonly mutate?: (config: Record<string, any>) => void;
    /** Secret config values by key (`JWT_SECRET`, names listed in `secrets.extra`), as `pulumi config set --secret`. */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Judge a preview (computed values unknown) rather than an update. */
    readonly preview?: boolean;
    /**
     * The enforcement file's content to use instead of `policies/<stack>.json` (validated the same way).
     * @default the stack's own file
     */
    readonly enforcement?: unknown;
}

/**
 * The policy verdict on `stack` after the given changes, with the stack's enforcement. Rejects when the changed
 * configuration is invalid (a mutation must stay a valid config) or the enforcement file is not valid.
 */
export async function judge(stack: string, options: JudgeOptions = {}): Promise<{ violations: JudgedViolation[] }> {
    const run = await runStack(stack, { mutate: options.mutate, secrets: options.secrets, preview: options.preview });
    if (run.configError) throw new Error(`stack ${stack}: the changed configuration is invalid, so nothing was judged:\n${run.configError.message}`);
    const config = options.enforcement === undefined ? readEnforcement(stack).config : validateEnforcement(`policies/${stack}.json`, options.enforcement, rules);
    const found = await evaluate(run.resources.map(fromRegistered), { config });
    return { violations: found.map((v) => ({ policy: v.policy, level: v.couldNotRun ? "advisory" : v.enforcementLevel, message: v.message, ...(v.urn ? { urn: v.urn } : {}) })) };
}

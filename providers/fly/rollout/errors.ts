/** The error a failed rollout ends with: what failed (machine, region, check) and what the rollback did. */
import { HealthCheckFailure } from "./health";
import type { RolloutRun } from "./run";

/** The rollout's failure, with what the rollback did. */
export class RolloutFailed extends Error {
    constructor(run: RolloutRun, cause: unknown, rollback: string) {
        const fix =
            cause instanceof HealthCheckFailure
                ? "Fix the image or its checks (or raise healthTimeoutSeconds), then run `pulumi up` again."
                : "Run `pulumi up` again once the cause is fixed.";
        super(`${run.ctx.resource}: ${run.inputs.strategy} rollout of app ${run.ctx.app} failed: ${describe(cause)}. ${rollback} ${fix}`);
        this.name = "RolloutFailed";
    }
}

function describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/\.$/, "");
}

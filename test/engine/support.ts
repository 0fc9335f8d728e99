/**
 * Driving a stack through the offline engine (engine/) as a user drives it through the CLI: one state file per
 * stack, a clock the test can move, and the Fly providers pointed at a local emulator.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type OperationOptions, type OperationResult, runOperation } from "../../engine";
import { isSecret, UNKNOWN, type Wire } from "../../engine/rpc";
import { type Emulator, TEST_TOKEN } from "../fly/emulator";
import { FAST_ROLLOUTS } from "../fly/support";

/** Environment of the program and the providers: Fly at the emulator, short client retries. */
export function flyEnv(fly: Emulator): Record<string, string> {
    return {
        FLY_API_HOSTNAME: fly.url,
        FLY_API_TOKEN: TEST_TOKEN,
        FLY_POLL_INTERVAL_MS: "5",
        FLY_API_BACKOFF_MS: "1",
    };
}

/**
 * `mutate` that sets the Fly suites' short rollout delays ({@link FAST_ROLLOUTS}) through config, as a user would
 * (`app.deploy.timing`), then applies `more`. flyctl's real delays stay the default everywhere else.
 */
export function withFastRollouts(more?: OperationOptions["mutate"]): NonNullable<OperationOptions["mutate"]> {
    return (config) => {
        config.app.deploy = { ...config.app.deploy, timing: { ...FAST_ROLLOUTS } };
        more?.(config);
    };
}

/** One stack's life: operations share a state file and a clock; rollouts use {@link FAST_ROLLOUTS}. */
export class StackUnderTest {
    readonly stateFile: string;
    private readonly dir: string;
    private clock = Date.parse("2026-12-01T12:00:00Z");

    constructor(
        readonly stack: string,
        private readonly env: () => Record<string, string>,
        /** A change every operation of this stack's life makes to its stack file, before the operation's own. */
        private readonly baseMutate?: OperationOptions["mutate"],
    ) {
        this.dir = mkdtempSync(join(tmpdir(), `engine-${stack}-`));
        this.stateFile = join(this.dir, "state.json");
    }

    /** Moves the clock the stand-in time provider sees. */
    advanceDays(days: number): void {
        this.clock += days * 86_400_000;
    }

    run(operation: OperationOptions["operation"], options: Partial<OperationOptions> = {}): Promise<OperationResult> {
        const now = this.clock;
        const base = this.baseMutate;
        const mutate = base ? (config: Record<string, any>) => (base(config), options.mutate?.(config)) : options.mutate;
        return runOperation({ stack: this.stack, operation, stateFile: this.stateFile, env: this.env(), now: () => new Date(now), ...options, mutate: withFastRollouts(mutate) });
    }

    dispose(): void {
        rmSync(this.dir, { recursive: true, force: true });
    }
}

/**
 * `Kind:name → op` of every custom resource's step (the old half of a replacement is part of its `replace`), for
 * assertions a reader can follow.
 */
export function operations(result: OperationResult, filter: (op: string) => boolean = () => true): Record<string, string> {
    return Object.fromEntries(result.steps.filter((s) => s.custom && s.op !== "delete-replaced" && filter(s.op)).map((s) => [`${s.type.split(":").pop()}:${s.name}`, s.op]));
}

/** The steps that are not `same`, as `Kind:name → op`. */
export function changes(result: OperationResult): Record<string, string> {
    return operations(result, (op) => op !== "same");
}

/** Why a result failed, for assertion messages. */
export function explain(result: OperationResult): string {
    const violations = result.violations.map((v) => `[${v.enforcementLevel}] ${v.policyName}: ${v.message}`);
    return [result.error, ...violations, ...result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message), result.program?.stderr].filter(Boolean).join("\n");
}

export const isUnknown = (value: Wire): boolean => value === UNKNOWN;
export { isSecret };

/**
 * Runs components alone under `pulumi.runtime.setMocks` and captures what they register, the way the stack
 * harness does for a whole stack: inputs with secrets unwrapped and the paths of the secret ones, options, parents.
 * Computed outputs come from the harness's `mockState`, so a component behaves as it does inside a stack run.
 */
import { RegisteredResource, underMocks } from "../harness/stack";

/** One registered resource, as the stack harness records it. */
export type Captured = RegisteredResource;

/** What one run registered. */
export interface Capture {
    readonly resources: readonly Captured[];
    ofType(type: string): Captured[];
    named(name: string): Captured;
}

/**
 * Runs `build` (which creates components) under mocks and returns what was registered plus the awaited value of
 * whatever `build` returns, with which of its keys were secret.
 */
export async function capture<T extends Record<string, unknown>>(
    build: () => T,
    options: { preview?: boolean; stack?: string } = {},
): Promise<Capture & { outputs: Record<string, unknown>; secretOutputs: readonly string[] }> {
    const run = await underMocks({ stack: options.stack ?? "test", preview: options.preview }, build);
    if (run.error !== undefined) throw run.error;
    const { resources } = run;
    return {
        resources,
        outputs: run.outputs,
        secretOutputs: run.secretOutputs,
        ofType: (type: string) => resources.filter((r) => r.type === type),
        named: (name: string) => {
            const found = resources.filter((r) => r.name === name);
            if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
            return found[0];
        },
    };
}

export { SECRET_LOOKING, TYPES as T } from "../harness/types";

/** `KEY=value` docker env entries as a map, and which keys were secret entries. */
export function containerEnv(container: Captured): { vars: Map<string, string>; secretKeys: Set<string> } {
    const vars = new Map<string, string>();
    const secretKeys = new Set<string>();
    (container.inputs.envs as string[]).forEach((entry, i) => {
        const at = entry.indexOf("=");
        const key = entry.slice(0, at);
        vars.set(key, entry.slice(at + 1));
        if (container.secretPaths.includes(`envs[${i}]`)) secretKeys.add(key);
    });
    return { vars, secretKeys };
}


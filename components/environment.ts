import { LoadedStack } from "../config";

/** Placeholder until the components land. */
export function buildEnvironment(stack: LoadedStack): Record<string, unknown> {
    return { environment: stack.config.environment };
}

/**
 * The inputs of a Release and their validation, shared by the class (at construction) and the provider (`check`).
 */
import type { FlyMachineConfig } from "./machineGroupTypes";
import { isKnown } from "./providerInputs";

export interface ReleaseInputs {
    app: string;
    /** The Pulumi resource name; tags the release machines. */
    release: string;
    image: string;
    command: string[];
    env?: Record<string, string>;
    region?: string;
    guest?: FlyMachineConfig["guest"];
    timeoutSeconds?: number;
    minSecretsVersion?: number;
}

export const DEFAULT_RELEASE_TIMEOUT_SECONDS = 600;
const MAX_TIMEOUT_SECONDS = 3600;

/** Every problem with known inputs, each naming the key and the fix. Unknown (preview) values are skipped. */
export function validateReleaseInputs(name: string, inputs: Partial<ReleaseInputs>): string[] {
    const where = `fly:Release "${name}"`;
    const problems: string[] = [];
    const known = (value: unknown) => value !== undefined && isKnown(value);
    if (known(inputs.app) && (typeof inputs.app !== "string" || inputs.app.length === 0)) problems.push(`${where}: app must be a non-empty Fly app name.`);
    if (known(inputs.image) && (typeof inputs.image !== "string" || inputs.image.length === 0)) problems.push(`${where}: image must be an image reference such as registry.fly.io/api@sha256:<digest>.`);
    if (known(inputs.command)) {
        const command = inputs.command as unknown;
        const valid = Array.isArray(command) && command.length > 0 && command.every((part) => !isKnown(part) || (typeof part === "string" && part.length > 0));
        if (!valid) problems.push(`${where}: command must be a non-empty list of non-empty arguments, such as ["npm", "run", "migrate"], got ${JSON.stringify(command)}.`);
    }
    const timeout = inputs.timeoutSeconds;
    if (known(timeout) && !(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= MAX_TIMEOUT_SECONDS)) {
        problems.push(`${where}: timeoutSeconds must be a whole number from 1 to ${MAX_TIMEOUT_SECONDS}, got ${String(timeout)}.`);
    }
    if (known(inputs.env) && (typeof inputs.env !== "object" || inputs.env === null || Object.values(inputs.env).some((v) => typeof v !== "string"))) {
        problems.push(`${where}: env must map variable names to strings.`);
    }
    return problems;
}

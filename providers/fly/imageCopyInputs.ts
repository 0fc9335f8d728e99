/**
 * The inputs of an ImageCopy and their validation, shared by the class (at construction) and the provider (`check`).
 */
import { IMAGE_BY_DIGEST } from "./imageRef";
import { isKnown } from "./providerInputs";

export interface ImageCopyInputs {
    source: string;
    repository: string;
    sourceTokenEnv?: string;
    destinationTokenEnv?: string;
    tlsVerify?: boolean;
}

/** A repository without tag or digest: `registry.fly.io/api-prod`, `127.0.0.1:5000/team/api`. */
const REPOSITORY = /^[a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?(\/[a-z0-9][a-z0-9._-]*)+$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Every problem with known inputs, each naming the key and the fix. Unknown (preview) values are skipped. */
export function validateImageCopyInputs(name: string, inputs: Partial<ImageCopyInputs>): string[] {
    const where = `fly:ImageCopy "${name}"`;
    const problems: string[] = [];
    const known = (value: unknown) => value !== undefined && isKnown(value);
    if (known(inputs.source) && !(typeof inputs.source === "string" && IMAGE_BY_DIGEST.test(inputs.source))) {
        problems.push(`${where}: source must be an image by digest, <repository>@sha256:<64 hex>, so the copy is the release that was proved; got ${JSON.stringify(inputs.source)}.`);
    }
    if (known(inputs.repository) && !(typeof inputs.repository === "string" && REPOSITORY.test(inputs.repository))) {
        problems.push(`${where}: repository must be a registry repository without tag or digest, such as registry.fly.io/api-prod; got ${JSON.stringify(inputs.repository)}.`);
    }
    for (const key of ["sourceTokenEnv", "destinationTokenEnv"] as const) {
        const value = inputs[key];
        if (known(value) && !(typeof value === "string" && ENV_NAME.test(value))) {
            problems.push(`${where}: ${key} must name an environment variable (UPPER_SNAKE_CASE, such as FLY_API_TOKEN), never hold a token.`);
        }
    }
    return problems;
}

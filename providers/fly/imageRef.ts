/**
 * Image references by digest, the one reading of them: config validates `app.image.promoted.image` and
 * `rollback.to` with it, the image copy and the release history split them with it.
 */

/** `<repository>@sha256:<64 hex>`: a registry repository and a manifest digest, no tag. */
export const IMAGE_BY_DIGEST = /^[a-z0-9][a-z0-9._\-/:]*[a-z0-9]@sha256:[a-f0-9]{64}$/;

/** A manifest digest, `sha256:<64 hex>`. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The digest of a reference by digest (`sha256:...`), or undefined when it has none. */
export function digestOf(ref: string): string | undefined {
    const at = ref.lastIndexOf("@");
    const digest = at < 0 ? undefined : ref.slice(at + 1);
    return digest !== undefined && DIGEST.test(digest) ? digest : undefined;
}

/** The repository of a reference (`registry.fly.io/api-staging-app`), without tag or digest. */
export function repositoryOf(ref: string): string {
    const at = ref.indexOf("@");
    const name = at < 0 ? ref : ref.slice(0, at);
    // A tag follows the last colon after the last slash; a colon before it is a registry port.
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    return colon > slash ? name.slice(0, colon) : name;
}

/** The registry host of a reference (`registry.fly.io`, `127.0.0.1:5000`). */
export function registryOf(ref: string): string {
    return repositoryOf(ref).split("/")[0];
}

/** Fly's registry; a Fly app's name is its repository there, scoped to the app's organization. */
export const FLY_REGISTRY = "registry.fly.io";

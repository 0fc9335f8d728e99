/**
 * What the emulator knows by default and tests share: the one fake Fly token of test/fly (macaroon-shaped, never a
 * credential; tests assert it never leaks into errors, state or serialized code).
 */
export const TEST_TOKEN = "fm2_test-token-9f8e7d6c5b4a";

/** The organizations that exist unless a test says otherwise (`acme` is prod's `fly.org`, `acme-staging` staging's). */
export const DEFAULT_ORGANIZATIONS: readonly string[] = ["personal", "acme", "acme-staging"];

/** The registry's images unless a test says otherwise: everything of Fly's own registry. */
export const DEFAULT_IMAGES: readonly (string | RegExp)[] = [/^registry\.fly\.io\//];

/**
 * The one fake Fly token of every suite outside test/fly: shaped like a real macaroon (`fm2_`), so the Fly client
 * and the emulator accept it as they would a deploy token, and plainly no credential. Tests that look for a leak
 * of the token search for this value.
 */
export const OFFLINE_FLY_TOKEN = "fm2_offline-test-token-not-a-credential";

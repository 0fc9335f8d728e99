/** HS256 JSON Web Tokens with node:crypto: enough for the sample, no dependency. */
"use strict";

const { createHmac, timingSafeEqual } = require("node:crypto");

const b64url = (input) => Buffer.from(input).toString("base64url");
const HEADER = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

function signature(secret, data) {
    return createHmac("sha256", secret).update(data).digest("base64url");
}

/** Signs `claims` for `expiryMinutes` from `now` (seconds since the epoch). */
function sign(claims, secret, expiryMinutes, now = Math.floor(Date.now() / 1000)) {
    const body = b64url(JSON.stringify({ ...claims, iat: now, exp: now + expiryMinutes * 60 }));
    return `${HEADER}.${body}.${signature(secret, `${HEADER}.${body}`)}`;
}

/** The claims of a valid, unexpired token signed with `secret`; `undefined` otherwise. */
function verify(token, secret, now = Math.floor(Date.now() / 1000)) {
    const parts = String(token).split(".");
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
    const expected = Buffer.from(signature(secret, `${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims;
    try {
        claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    } catch {
        return undefined;
    }
    if (typeof claims.exp !== "number" || claims.exp <= now) return undefined;
    return claims;
}

module.exports = { sign, verify };

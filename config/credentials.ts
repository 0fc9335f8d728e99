/**
 * Plain values that look like credentials, judged on the value itself (never on the key that holds it): a URL whose
 * user-info carries a password, a token of a known issuer's shape, a private key, or a long random string. The one
 * home of that judgement: config errors redact these values, `npm run plan` masks them, and the policy pack refuses
 * them where a credential must never be (a release command's arguments). Pure: no Pulumi runtime, no I/O.
 */

/** What a message prints in place of a plain value that looks like a credential. */
export const CREDENTIAL_MASK = "[credential-shaped value, not shown]";

/** A URL with user-info that carries a password (`scheme://user:password@host`). */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i;

/** User-info with a password and no scheme (`deploy:pw@db.acme.dev`), as pasted into a host or DSN setting. */
const BARE_USERINFO = /(^|[\s,"'`=])(?!mailto:)[A-Za-z0-9._~%!$&*+-]+:[^\s/@:,"'`]+@(?=[A-Za-z0-9[])/i;

/** A URL whose user-info is a long key with no password (a Sentry DSN: `https://<key>@o1.ingest.sentry.io/2`). */
const URL_KEY = /\b[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9_-]{20,}@/i;

/**
 * Token shapes of common issuers: GitHub, Stripe secret/restricted keys, Slack, AWS access key ids, Google API keys,
 * GitLab, npm, Fly.io (macaroons and org tokens), Sentry auth tokens, SendGrid, DigitalOcean, Hugging Face, JWTs
 * and PEM private keys.
 */
const TOKEN_SHAPES: readonly RegExp[] = [
    /\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})/,
    /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/,
    /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
    /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
    /\bAIza[0-9A-Za-z_-]{30,}/,
    /\bglpat-[A-Za-z0-9_-]{16,}/,
    /\bnpm_[A-Za-z0-9]{30,}/,
    /\bFlyV1\s+fm\d_[A-Za-z0-9_+/=,-]{10,}/,
    /\b(?:fm\d|fo\d)_[A-Za-z0-9_+/=-]{20,}/,
    /\bsntry[su]_[A-Za-z0-9_+/=-]{20,}/,
    /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/,
    /\bdop_v1_[a-f0-9]{40,}/,
    /\bhf_[A-Za-z0-9]{30,}/,
    /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/**
 * A run of 24 or more characters without spaces mixing upper case, lower case and digits (and often symbols): what
 * `openssl rand -base64` and most API keys print. Digests and UUIDs (lower-case hex), host names, URLs and
 * identifiers (`ApiEnvironments2026`) do not qualify.
 */
const RANDOM_RUN = /[^\s"'`,;]{24,}/g;

function randomLooking(run: string): boolean {
    const body = run.replace(/=+$/, "");
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body)) return false;
    const count = (pattern: RegExp) => (body.match(pattern) ?? []).length;
    if (count(/[A-Z]/g) < 3 || count(/[a-z]/g) < 3 || count(/[0-9]/g) < 2) return false;
    // A random string changes character class often; an identifier in camel case or with a number suffix does not.
    const kinds = [...body].map((c) => (/[A-Z]/.test(c) ? 1 : /[a-z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4));
    let changes = 0;
    for (let i = 1; i < kinds.length; i++) if (kinds[i] !== kinds[i - 1]) changes++;
    return changes / body.length >= 0.35 && new Set(body).size >= 12;
}

/** Names of flags and variables that carry a credential (`--password`, `PGPASSWORD=`, `api_key=`), in any case. */
export const CREDENTIAL_NAME = /(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PWD|API[-_]?KEY|ACCESS[-_]?KEY|PRIVATE[-_]?KEY|CREDENTIALS?|AUTH)$/i;

/** A `name=value` (or `--name=value`) whose name says the value is a credential and whose value is not empty. */
const NAMED_ASSIGNMENT = /^-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)=(.+)$/;

/** Whether a URL's user-info carries a password (`scheme://user:password@host`). */
export function hasUrlPassword(value: string): boolean {
    return URL_PASSWORD.test(value);
}

/** Whether a plain value looks like a credential (see the module's comment); never says which part. */
export function looksLikeCredential(value: string): boolean {
    if (URL_PASSWORD.test(value) || URL_KEY.test(value) || BARE_USERINFO.test(value)) return true;
    if (TOKEN_SHAPES.some((shape) => shape.test(value))) return true;
    const assignment = NAMED_ASSIGNMENT.exec(value.trim());
    if (assignment && CREDENTIAL_NAME.test(assignment[1])) return true;
    return (value.match(RANDOM_RUN) ?? []).some(randomLooking);
}

/**
 * `text` with every credential-shaped part replaced by {@link CREDENTIAL_MASK}: a URL's password or key, a token,
 * a random run, the value of a credential-named assignment. The rest stays readable (`postgres://app:[...]@db`).
 */
export function redactCredentials(text: string): string {
    let out = text
        .replace(new RegExp(URL_PASSWORD.source, "gi"), (match) => `${match.slice(0, match.indexOf("://") + 3)}${match.slice(match.indexOf("://") + 3).split(":")[0]}:${CREDENTIAL_MASK}@`)
        .replace(new RegExp(URL_KEY.source, "gi"), (match) => `${match.slice(0, match.indexOf("://") + 3)}${CREDENTIAL_MASK}@`)
        .replace(new RegExp(BARE_USERINFO.source, "g"), (match, lead: string) => `${lead}${match.slice(lead.length).split(":")[0]}:${CREDENTIAL_MASK}@`);
    for (const shape of TOKEN_SHAPES) out = out.replace(new RegExp(shape.source, "g"), CREDENTIAL_MASK);
    out = out.replace(/(^|[\s"'`,])(-{0,2}[A-Za-z_][A-Za-z0-9_.-]*)=([^\s"'`,]+)/g, (match, lead: string, name: string) => (CREDENTIAL_NAME.test(name) ? `${lead}${name}=${CREDENTIAL_MASK}` : match));
    return out.replace(RANDOM_RUN, (run) => (randomLooking(run) ? CREDENTIAL_MASK : run));
}

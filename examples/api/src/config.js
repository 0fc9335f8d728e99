/**
 * The app's settings, read once from the environment the infrastructure program sets (see
 * components/appConfig.ts for the contract). Problems name the variable, never its value.
 */
"use strict";

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/** Splits a comma-separated list, dropping empty items. */
function list(value) {
    return (value ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
}

/**
 * What the app runs, as the deployment tells it: `RELEASE_IMAGE` (its image by digest) and `RELEASE_COMMIT`.
 * A deploy checks `/health`'s `release.digest` against the release it just deployed, so a missing value is
 * reported as null, never guessed.
 */
function releaseOf(env) {
    const image = env.RELEASE_IMAGE || null;
    const match = image === null ? null : /@(sha256:[a-f0-9]{64})$/.exec(image);
    return { image, digest: match ? match[1] : null, commit: env.RELEASE_COMMIT || "unknown" };
}

/**
 * Reads the configuration from `env`.
 * @param {Record<string, string | undefined>} env
 * @returns {{ config?: object, problems: string[] }}
 */
function readConfig(env) {
    const problems = [];
    const required = (name) => {
        const value = env[name];
        if (value === undefined || value === "") problems.push(`${name} is not set; the deployment provides it as a secret`);
        return value ?? "";
    };
    const number = (name, fallback, min, max) => {
        const raw = env[name];
        if (raw === undefined || raw === "") return fallback;
        const value = Number(raw);
        if (!Number.isFinite(value) || value < min || value > max) {
            problems.push(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
            return fallback;
        }
        return value;
    };
    const logLevel = (env.LOG_LEVEL ?? "INFO").toUpperCase();
    if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(env.LOG_LEVEL)}`);
    if (env.DEBUG !== undefined && !["true", "false"].includes(env.DEBUG)) problems.push(`DEBUG must be "true" or "false", got ${JSON.stringify(env.DEBUG)}`);

    const config = {
        environment: env.ENVIRONMENT ?? "development",
        debug: env.DEBUG === "true",
        logLevel,
        port: number("PORT", 8080, 1, 65535),
        corsOrigins: list(env.CORS_ORIGINS),
        allowedHosts: list(env.ALLOWED_HOSTS),
        jwtSecret: required("JWT_SECRET"),
        jwtExpiryMinutes: number("JWT_EXPIRY_MINUTES", 15, 1, 1440),
        databaseUrl: required("DATABASE_URL"),
        sentryDsn: env.SENTRY_DSN || undefined,
        sentryEnvironment: env.SENTRY_ENVIRONMENT ?? env.ENVIRONMENT ?? "development",
        sentryTracesSampleRate: number("SENTRY_TRACES_SAMPLE_RATE", 0, 0, 1),
        release: releaseOf(env),
    };
    return problems.length > 0 ? { problems } : { config, problems };
}

module.exports = { readConfig, releaseOf, LOG_LEVELS };

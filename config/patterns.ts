/**
 * Name patterns that config and components both check, each once: the schema refuses a config value with them,
 * and a component validates its args with the same pattern.
 */

/** An environment variable name for a secret or variable: UPPER_SNAKE_CASE, such as STRIPE_API_KEY. */
export const ENV_VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A lowercase SQL identifier (PostgreSQL's 63-byte limit), such as app. */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A database name Fly Managed Postgres takes, within {@link SQL_IDENTIFIER}: a letter or digit at both ends. */
export const FLY_DATABASE_NAME = /^[a-z0-9](?:[a-z0-9_]*[a-z0-9])?$/;

/** One git branch name, such as main (no wildcards). */
export const BRANCH_NAME = /^[A-Za-z0-9._\-/]+$/;

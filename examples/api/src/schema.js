/**
 * The schema version: which migration this build expects (its newest file in migrations/) and which one the
 * database has (the newest row node-pg-migrate recorded). `/health` is unhealthy until they match, so a machine
 * whose release step did not run never takes traffic.
 */
"use strict";

const { readdirSync } = require("node:fs");
const { join } = require("node:path");

/** Where the migrations live, and node-pg-migrate's table of applied ones. */
const MIGRATIONS_DIR = join(__dirname, "..", "migrations");
const MIGRATIONS_TABLE = "pgmigrations";

/** Migration names (file names without `.js`), oldest first, as node-pg-migrate orders them. */
function migrationNames(dir = MIGRATIONS_DIR) {
    return readdirSync(dir)
        .filter((file) => file.endsWith(".js"))
        .map((file) => file.slice(0, -3))
        .sort();
}

/** The version this build expects: its newest migration. */
function expectedVersion(dir = MIGRATIONS_DIR) {
    const names = migrationNames(dir);
    return names.length > 0 ? names[names.length - 1] : null;
}

/** The version the database has, or null before the first migration. `query` is a pg Pool's or Client's. */
async function foundVersion(db) {
    try {
        const { rows } = await db.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on DESC, id DESC LIMIT 1`);
        return rows.length > 0 ? rows[0].name : null;
    } catch (error) {
        // 42P01 undefined_table: nothing was ever migrated.
        if (error && error.code === "42P01") return null;
        throw error;
    }
}

module.exports = { MIGRATIONS_DIR, MIGRATIONS_TABLE, migrationNames, expectedVersion, foundVersion };

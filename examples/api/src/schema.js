/**
 * The schema version: which migration this build expects (its newest file in migrations/), which one the database
 * has (the newest row node-pg-migrate recorded), and which of this build's migrations the database lacks. `/health`
 * is unhealthy while one is pending, so a machine whose release step did not run never takes traffic. A database
 * ahead of the build (a rollback after an expand migration) is healthy: the older code never reads what was added.
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

/** Applied migration names, oldest first; empty before the first migration. `db` is a pg Pool or Client. */
async function appliedMigrations(db) {
    try {
        const { rows } = await db.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on, id`);
        return rows.map((row) => row.name);
    } catch (error) {
        // 42P01 undefined_table: nothing was ever migrated.
        if (error && error.code === "42P01") return [];
        throw error;
    }
}

/** What `/health` reports: the version expected, the version found, and this build's migrations not applied. */
async function schemaStatus(db, dir = MIGRATIONS_DIR) {
    const applied = await appliedMigrations(db);
    const done = new Set(applied);
    return {
        expected: expectedVersion(dir),
        found: applied.length > 0 ? applied[applied.length - 1] : null,
        pending: migrationNames(dir).filter((name) => !done.has(name)),
    };
}

module.exports = { MIGRATIONS_DIR, MIGRATIONS_TABLE, migrationNames, expectedVersion, appliedMigrations, schemaStatus };

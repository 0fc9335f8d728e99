/**
 * The release command: applies (or reverts) migrations with node-pg-migrate against DATABASE_URL.
 *
 *   node src/migrate.js            apply every pending migration (`npm run migrate`)
 *   node src/migrate.js down [N]   revert the newest N migrations (default 1; `all` for every one)
 *
 * Exits non-zero when a migration fails, which fails the deploy before the new version takes traffic. Migrations
 * run in one transaction each and under node-pg-migrate's advisory lock, so two runs never interleave.
 */
"use strict";

const { runner } = require("node-pg-migrate");
const { MIGRATIONS_DIR, MIGRATIONS_TABLE } = require("./schema");

/**
 * Runs migrations in `direction` against `databaseUrl`; returns the names it applied or reverted.
 * @param {{ databaseUrl: string, direction?: "up" | "down", count?: number, log?: (line: string) => void }} options
 */
async function migrate({ databaseUrl, direction = "up", count, log = () => {} }) {
    const ran = await runner({
        databaseUrl,
        dir: MIGRATIONS_DIR,
        migrationsTable: MIGRATIONS_TABLE,
        direction,
        count: count ?? (direction === "up" ? Infinity : 1),
        singleTransaction: false,
        checkOrder: true,
        log,
    });
    return ran.map((migration) => migration.name);
}

function parseArgs(argv) {
    const [direction = "up", rawCount] = argv;
    if (direction !== "up" && direction !== "down") throw new Error(`unknown direction "${direction}": use up, or down [N|all]`);
    if (rawCount === undefined) return { direction };
    const count = rawCount === "all" ? Infinity : Number(rawCount);
    if (!(count === Infinity || (Number.isInteger(count) && count >= 1))) throw new Error(`count must be a whole number of at least 1, or all; got "${rawCount}"`);
    return { direction, count };
}

async function main() {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error("DATABASE_URL is not set; the deployment provides it as a secret");
    const { direction, count } = parseArgs(process.argv.slice(2));
    const names = await migrate({ databaseUrl, direction, count, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${JSON.stringify({ level: "INFO", message: direction === "up" ? "migrated" : "reverted", migrations: names })}\n`);
}

if (require.main === module) {
    main().catch((error) => {
        // The message only: pg errors never carry the password, and the URL is never printed.
        process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}

module.exports = { migrate, parseArgs };

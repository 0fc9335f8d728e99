/**
 * The sample API's migrations against a real PostgreSQL server: every migration up, all the way down, and up again;
 * the `migrate` command as the release step runs it; `/health` unhealthy while a migration is pending.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { query, useScratchDatabase } from "./postgres";

/* eslint-disable @typescript-eslint/no-require-imports -- the sample is plain CommonJS without type declarations */
const { migrate } = require("../../examples/api/src/migrate") as { migrate(o: { databaseUrl: string; direction?: "up" | "down"; count?: number }): Promise<string[]> };
const schema = require("../../examples/api/src/schema") as { migrationNames(): string[]; schemaStatus(db: unknown, dir?: string): Promise<{ expected: string | null; found: string | null; pending: string[] }> };
const { createHandler } = require("../../examples/api/src/app") as { createHandler(deps: object): (req: unknown, res: unknown) => void };
/* eslint-enable @typescript-eslint/no-require-imports */

const run = promisify(execFile);
const API = join(__dirname, "..", "..", "examples", "api");
const db = useScratchDatabase("api_migrations");

const tables = async (): Promise<string[]> =>
    (await query<{ table_name: string }>(db.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'pgmigrations' ORDER BY 1")).map((r) => r.table_name);
const columns = async (table: string): Promise<string[]> =>
    (await query<{ column_name: string }>(db.url, `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`)).map((r) => r.column_name);

/** `/health` of the handler wired as server.js wires it, against the scratch database. */
async function health(): Promise<{ status: number; body: any }> {
    const pool = { query: async (sql: string) => ({ rows: await query(db.url, sql) }) };
    const handler = createHandler({
        config: { environment: "test", debug: false, logLevel: "CRITICAL", corsOrigins: [], allowedHosts: [] },
        checkDatabase: async () => void (await query(db.url, "SELECT 1")),
        checkSchema: () => schema.schemaStatus(pool),
    });
    return new Promise((resolve) => {
        const res = {
            status: 0,
            writeHead(status: number) {
                this.status = status;
                return this;
            },
            end(text: string) {
                resolve({ status: this.status, body: JSON.parse(text) });
            },
        };
        handler({ method: "GET", url: "/health", headers: {} }, res);
    });
}

describe("sample API migrations on PostgreSQL", () => {
    const names = schema.migrationNames();

    it("has migrations, each with a down step", () => {
        assert.ok(names.length >= 2, names.join(", "));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        for (const name of names) assert.equal(typeof require(join(API, "migrations", `${name}.js`)).down, "function", `${name} has no down`);
    });

    it("reports a pending migration as unhealthy before the release step ran", async () => {
        const { status, body } = await health();
        assert.equal(status, 503);
        assert.deepEqual(body.schema, { expected: names[names.length - 1], found: null, pending: names, status: "migration pending" });
    });

    it("applies every migration up with the release command (npm run migrate), then answers healthy", async () => {
        const { stdout } = await run("npm", ["run", "--silent", "migrate"], { cwd: API, env: { ...process.env, DATABASE_URL: db.url } });
        assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()!).migrations, names);
        assert.deepEqual(await tables(), ["users"]);
        assert.deepEqual(await columns("users"), ["id", "subject", "created_at", "display_name"]);
        const { status, body } = await health();
        assert.equal(status, 200);
        assert.deepEqual(body.schema, { expected: names[names.length - 1], found: names[names.length - 1], pending: [], status: "current" });
    });

    it("runs nothing the second time", async () => {
        assert.deepEqual(await migrate({ databaseUrl: db.url }), []);
    });

    it("reverts one migration (then /health reports the pending one), then every migration down to an empty schema", async () => {
        assert.deepEqual(await migrate({ databaseUrl: db.url, direction: "down" }), [names[names.length - 1]]);
        assert.deepEqual(await columns("users"), ["id", "subject", "created_at"]);
        const pending = await health();
        assert.equal(pending.status, 503);
        assert.equal(pending.body.schema.found, names[names.length - 2]);
        assert.deepEqual(pending.body.schema.pending, [names[names.length - 1]]);

        assert.deepEqual(await migrate({ databaseUrl: db.url, direction: "down", count: Infinity }), names.slice(0, -1).reverse());
        assert.deepEqual(await tables(), []);
    });

    it("applies every migration up again", async () => {
        assert.deepEqual(await migrate({ databaseUrl: db.url }), names);
        assert.deepEqual(await columns("users"), ["id", "subject", "created_at", "display_name"]);
        assert.equal((await health()).status, 200);
    });

    it("counts a database ahead of the build (a rollback after an expand migration) as current", async () => {
        const older = mkdtempSync(join(tmpdir(), "older-build-"));
        try {
            for (const name of names.slice(0, -1)) copyFileSync(join(API, "migrations", `${name}.js`), join(older, `${name}.js`));
            const status = await schema.schemaStatus({ query: async (sql: string) => ({ rows: await query(db.url, sql) }) }, older);
            assert.deepEqual(status, { expected: names[names.length - 2], found: names[names.length - 1], pending: [] });
        } finally {
            rmSync(older, { recursive: true, force: true });
        }
    });

    it("an older build's release command (a rollback's) is a no-op on the newer schema: nothing migrates down", async () => {
        // The older build: the sample as it was before its newest migration, with the same installed packages.
        const older = mkdtempSync(join(tmpdir(), "older-release-"));
        try {
            cpSync(join(API, "src"), join(older, "src"), { recursive: true });
            mkdirSync(join(older, "migrations"));
            for (const name of names.slice(0, -1)) copyFileSync(join(API, "migrations", `${name}.js`), join(older, "migrations", `${name}.js`));
            symlinkSync(join(API, "node_modules"), join(older, "node_modules"));
            const { stdout } = await run(process.execPath, ["src/migrate.js"], { cwd: older, env: { ...process.env, DATABASE_URL: db.url } });
            assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()!).migrations, [], "the older build applies nothing");
            assert.deepEqual(await columns("users"), ["id", "subject", "created_at", "display_name"], "and reverts nothing");
            const [{ n }] = await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM pgmigrations");
            assert.equal(n, names.length);
        } finally {
            rmSync(older, { recursive: true, force: true });
        }
    });

    it("fails with a non-zero exit and no password in its output when the database refuses the login", async () => {
        const url = new URL(db.url);
        url.password = "wrong-password-value";
        const failed = await run(process.execPath, ["src/migrate.js"], { cwd: API, env: { ...process.env, DATABASE_URL: url.toString() } }).then(
            () => undefined,
            (error: { code: number; stdout: string; stderr: string }) => error,
        );
        assert.ok(failed, "migrate must fail");
        assert.notEqual(failed.code, 0);
        assert.ok(!`${failed.stdout}${failed.stderr}`.includes("wrong-password-value"), "the password leaked into the output");
        assert.match(failed.stderr, /^migrate: /m);
    });
});

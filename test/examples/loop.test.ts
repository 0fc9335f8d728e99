/**
 * Program and app, end to end: the environment the dev stack registers for its app container (names and values as
 * the program builds them; only the database host is pointed at the local PostgreSQL server, and the port the API
 * listens on is a free one), the release step's command from the stack file, then the sample API started with that
 * environment must answer `/health` healthy with the schema version it expects.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { readStackFile, runStack } from "../harness/stack";
import { dockerEnv, named } from "../stacks/graph";
import { adminUrl, query, withDatabase } from "./postgres";

const run = promisify(execFile);
const API = join(__dirname, "..", "..", "examples", "api");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { expectedVersion } = require("../../examples/api/src/schema") as { expectedVersion(): string };

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

async function healthOf(port: number, server: ChildProcess): Promise<{ status: number; body: any }> {
    for (let attempt = 0; ; attempt++) {
        if (server.exitCode !== null) throw new Error(`the sample API exited with code ${server.exitCode}`);
        try {
            const response = await fetch(`http://127.0.0.1:${port}/health`);
            return { status: response.status, body: await response.json() };
        } catch (error) {
            if (attempt >= 100) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }
}

describe("dev stack environment → release step → sample API", () => {
    let env: Record<string, string> = {};
    let database = "";
    let server: ChildProcess | undefined;

    before(async () => {
        const stack = await runStack("dev", { env: { FLY_API_TOKEN: undefined } });
        assert.equal(stack.configError, undefined, stack.configError?.message);
        const { plain, secret } = dockerEnv(named(stack, "app-container"));
        env = Object.fromEntries([...plain, ...secret]);

        // The program's DATABASE_URL names the database container; the same user, password and database name get a
        // home on the local server (a scratch database, so parallel runs never share one).
        const built = new URL(env.DATABASE_URL);
        const local = new URL(adminUrl());
        const user = decodeURIComponent(built.username);
        const password = decodeURIComponent(built.password).replace(/'/g, "''");
        database = `${built.pathname.slice(1)}_loop_${process.pid}`;
        await query(adminUrl(), `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${user}') THEN CREATE ROLE "${user}" LOGIN; END IF; END $$`);
        await query(adminUrl(), `ALTER ROLE "${user}" LOGIN PASSWORD '${password}'`);
        await query(adminUrl(), `GRANT "${user}" TO CURRENT_USER`);
        await query(adminUrl(), `CREATE DATABASE ${database} OWNER "${user}"`);
        built.hostname = local.hostname;
        built.port = local.port || "5432";
        built.pathname = `/${database}`;
        env.DATABASE_URL = built.toString();
    });

    after(async () => {
        server?.kill("SIGTERM");
        if (database) await query(adminUrl(), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });

    it("registers the env the app reads, DATABASE_URL among the secrets", () => {
        for (const key of ["ENVIRONMENT", "PORT", "LOG_LEVEL", "JWT_SECRET", "DATABASE_URL"]) assert.ok(env[key], `${key} missing from the container env`);
    });

    it("the release command migrates, and the API started with the env answers /health healthy at the expected version", async () => {
        const [command, ...args] = readStackFile("dev").app.release.command as string[];
        await run(command, args, { cwd: API, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });

        const port = await freePort();
        server = spawn(process.execPath, ["src/server.js"], { cwd: API, env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) }, stdio: "ignore" });
        const { status, body } = await healthOf(port, server);
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.environment, env.ENVIRONMENT);
        // The release the program told it it runs: the digest of RELEASE_IMAGE, and the commit.
        assert.match(env.RELEASE_IMAGE, /@sha256:[a-f0-9]{64}$/);
        assert.deepEqual(body.release, { digest: env.RELEASE_IMAGE.slice(env.RELEASE_IMAGE.indexOf("@") + 1), commit: env.RELEASE_COMMIT });
        assert.deepEqual(body.schema, { expected: expectedVersion(), found: expectedVersion(), pending: [], status: "current" });
        const [{ n }] = await query<{ n: number }>(withDatabase(adminUrl(), database), "SELECT count(*)::int AS n FROM pgmigrations");
        assert.ok(n > 0, "the release command recorded its migrations");
    });
});

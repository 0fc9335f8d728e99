/**
 * Whether a hostname can be a production one. Loopback, private and link-local addresses, the special-use DNS
 * names (`.local`, `.localhost`, `.internal`, `.test`, `.example`, `.invalid`, RFC 6761/6762), hosts whose labels
 * name another environment (`staging-api.acme.dev`, `api.dev.acme.com`) and preview or tunnel hosting (a pull
 * request's deploy, `deploy-preview-42--acme.netlify.app`, `api-pr-12.fly.dev`) never serve production users.
 */
import { isIP } from "node:net";

/**
 * Words that, as a whole word of a name (a hostname label, an organization slug), mark another environment. The
 * default of every rule setting that judges names (`environmentWords`).
 */
export const ENVIRONMENT_WORDS: readonly string[] = ["staging", "stage", "stg", "dev", "develop", "development", "test", "testing", "qa", "uat", "preprod", "preview", "sandbox", "local", "review"];

/** Domains that only ever serve a developer's tunnel or workspace, never production. */
const TUNNEL_DOMAINS = ["ngrok.io", "ngrok.app", "ngrok-free.app", "ngrok.dev", "loca.lt", "trycloudflare.com", "app.github.dev", "githubpreview.dev", "gitpod.io", "csb.app", "webcontainer.io", "localhost.run", "lhr.life", "serveo.net"];

/** Hosting domains whose production site is `<site>.<domain>` and whose previews have more labels (Cloudflare Pages). */
const NESTED_PREVIEW_DOMAINS = ["pages.dev"];

/** Hosting domains that name a branch or preview deploy with `--` in the label (Netlify, Firebase channels). */
const DOUBLE_DASH_PREVIEW_DOMAINS = ["netlify.app", "netlify.com", "web.app", "firebaseapp.com"];

/**
 * Environment words long and unusual enough to be recognised inside a word too (`acmestaging`, `previewapi`); the
 * short ones (`dev`, `qa`) and the ones that start common words (`develop`er, `review`s) only as whole words.
 */
const EMBEDDED_WORDS = ["staging", "preview", "sandbox", "preprod"];

const under = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/**
 * The words of a name (`api-pr-12.acme.dev` → `api`, `pr`, `12`, `acme`), and whether they mark a pull request's
 * deploy: `pr-12`, `pr12`, `mr-3` (the review stacks `pr-<n>` of this project are named so too).
 */
export function pullRequestWords(words: readonly string[]): boolean {
    return words.some((word, i) => /^(pr|mr)\d+$/.test(word) || (/^(pr|mr)$/.test(word) && /^\d+$/.test(words[i + 1] ?? "")));
}

/**
 * Why a name (an organization slug, an account, a hostname label) names another environment, in words; `undefined`
 * when it does not. Judged on whole words (split on `-`, `_`, `.`), so `acme-staging` and `acme_pr-12` do, and
 * `acme-devices` does not; the unambiguous long words also inside a word (`acmestaging`).
 */
export function otherEnvironmentName(name: string, environmentWords: readonly string[]): string | undefined {
    const words = name.toLowerCase().split(/[-_.]+/).filter(Boolean);
    const known = new Set(environmentWords.map((w) => w.toLowerCase()));
    const word = words.find((w) => known.has(w)) ?? words.flatMap((w) => EMBEDDED_WORDS.filter((e) => known.has(e) && w.includes(e)))[0];
    if (word) return `names another environment ("${word}")`;
    if (pullRequestWords(words)) return "names a pull request's preview";
    return undefined;
}

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
    const tunnel = TUNNEL_DOMAINS.find((domain) => under(name, domain));
    if (tunnel) return `is on ${tunnel}, a tunnel or workspace host, not a production one`;
    const nested = NESTED_PREVIEW_DOMAINS.find((domain) => name.endsWith(`.${domain}`) && labels.length > domain.split(".").length + 1);
    if (nested) return `is a preview deploy of ${labels.slice(-3).join(".")} (a branch or commit host on ${nested})`;
    const dashed = DOUBLE_DASH_PREVIEW_DOMAINS.find((domain) => name.endsWith(`.${domain}`) && labels[0].includes("--"));
    if (dashed) return `is a branch or preview deploy on ${dashed} ("--" in its name)`;
    if (under(name, "vercel.app") && /-git-/.test(labels[0])) return "is a branch preview deploy on vercel.app (\"-git-\" in its name)";
    return otherEnvironmentName(labels.slice(0, -1).join("."), environmentWords);
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

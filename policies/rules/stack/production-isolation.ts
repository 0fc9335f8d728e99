/**
 * Production is isolated from the other environments by identity, not only by host name: the accounts it runs in
 * (the Fly organization, the Sentry organization, the GitHub owner and repository) and the URLs its app is given
 * (a replica, an API, a webhook) must not name another environment or a pull request's preview. A prod stack in
 * `acme-staging`'s Fly organization shares staging's tokens, quotas and people; a database URL on a staging host
 * writes production data into staging. Judged on each value itself; a URL is never echoed, only its variable named.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { envOf } from "../../lib/env";
import { ENVIRONMENT_WORDS, nonProductionHost, originHost, otherEnvironmentName } from "../../lib/hosts";
import { isObject, isUnknown, Plain } from "../../lib/known";
import { configSet, settings, show, stackNodes, UNPROVEN, type StackNode } from "../../lib/rule";
import { DOCKER, FLY, FLY_TYPE_PREFIX, GITHUB, SENTRY } from "../../lib/types";

/** Settings of `production-isolation`. */
export interface IsolationSettings {
    /**
     * Words that, as a whole word of an account name or a URL's host, mark another environment.
     * @default ENVIRONMENT_WORDS (lib/hosts.ts)
     */
    environmentWords: string[];
}

const DEFAULTS: IsolationSettings = { environmentWords: [...ENVIRONMENT_WORDS] };

/** Fly's organization of one user (`fly orgs list` shows it as `personal`): no team, no production access controls. */
const FLY_PERSONAL_ORG = "personal";

/** Variables whose hosts production-hosts-only judges (they are lists of hosts, not URLs to call). */
const HOST_LISTS = new Set(["CORS_ORIGINS", "ALLOWED_HOSTS"]);

/** An account of the stack: where it is written in config, and the resource properties that carry it. */
const ACCOUNTS: readonly { key: string; what: string; holds: (n: StackNode) => Plain | undefined }[] = [
    { key: "fly.org", what: "Fly organization", holds: (n) => (n.type.startsWith(FLY_TYPE_PREFIX) ? n.props.orgSlug : undefined) },
    { key: "sentry.organization", what: "Sentry organization", holds: (n) => (n.type === SENTRY.project || n.type === SENTRY.key ? n.props.organization : undefined) },
    { key: "github.owner", what: "GitHub owner", holds: (n) => (n.type === "pulumi:providers:github" ? n.props.owner : undefined) },
    { key: "github.repository", what: "GitHub repository", holds: (n) => (n.type === GITHUB.environment ? n.props.repository : undefined) },
];

/** The host of a URL-shaped value (`postgres://u:p@db.staging.acme.dev:5432/x` → `db.staging.acme.dev`). */
function urlHost(value: string): string | undefined {
    return /^\s*[a-z][a-z0-9+.-]*:\/\//i.test(value) ? originHost(value.trim()) : undefined;
}

export const productionIsolation: StackValidationPolicy = {
    name: "production-isolation",
    description: "Production runs in production accounts (Fly and Sentry organizations, GitHub owner and repository) and its app is given no URL of another environment or a pull request's preview.",
    severity: "high",
    configSchema: { properties: { environmentWords: { type: "array", items: { type: "string", minLength: 1 }, default: DEFAULTS.environmentWords } } },
    validateStack: (args, reportViolation) => {
        const { environmentWords } = settings(args, DEFAULTS);
        const nodes = stackNodes(args);

        for (const account of ACCOUNTS) {
            const reported = new Set<string>();
            for (const node of nodes) {
                const value = account.holds(node);
                if (value === undefined || value === null) continue;
                if (isUnknown(value)) {
                    reportViolation(`The ${account.what} of ${node.name} ${UNPROVEN}; it must be a plain config value (${account.key}).`, node.urn);
                    continue;
                }
                if (typeof value !== "string" || reported.has(value)) continue;
                const reason = account.key === "fly.org" && value.toLowerCase() === FLY_PERSONAL_ORG ? "is Fly's personal organization of one user, not a team's production organization" : otherEnvironmentName(value, environmentWords);
                if (!reason) continue;
                reported.add(value);
                reportViolation(`The ${account.what} ${show(value)} (${account.key}) ${reason}; production must run in its own accounts, isolated from staging and previews. Fix: ${configSet(account.key, "<the production one>")}`);
            }
        }

        const urls = (holder: StackNode, where: string, vars: Iterable<[string, Plain]>, fix: (name: string) => string) => {
            const found: string[] = [];
            for (const [name, value] of vars) {
                if (HOST_LISTS.has(name.toUpperCase()) || typeof value !== "string") continue;
                const host = urlHost(value);
                const reason = host && nonProductionHost(host, environmentWords);
                if (reason) found.push(`${name} (its host ${reason})`);
            }
            if (found.length === 0) return;
            reportViolation(`${where} ${found.length === 1 ? "has a URL" : `has ${found.length} URLs`} of another environment or a preview: ${found.join("; ")}. Production must call only production services. Fix: ${fix(found.length === 1 ? found[0].split(" ")[0] : "<NAME>")}`, holder.urn);
        };
        for (const node of nodes) {
            if (node.type === FLY.secrets && isObject(node.props.values)) {
                urls(node, "The Fly secrets", Object.entries(node.props.values), (name) => configSet(name, "<the production URL>", { secret: true }));
            } else if (node.type === FLY.machineGroup || node.type === DOCKER.container) {
                const env = envOf(node.type, node.props);
                if (env) urls(node, `The app's ${env.path}`, [...env.vars].filter((entry): entry is [string, string] => !isUnknown(entry[1])), () => "point it at the production service in the stack's config");
            }
        }
    },
};

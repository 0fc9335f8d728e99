/**
 * Who can read which credential: a model of the GitHub environments (from the stack files, which create them) and
 * of the secrets each holds (from the table in docs/delivery.md), and checks of the workflows against it:
 * no pull-request job reads a production secret outside an environment with required reviewers, every job with
 * credentials runs in an environment of the right kind, every job asks for exactly the token permissions it uses,
 * and every action is pinned by a verified commit SHA. Each check returns violations (empty when compliant).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../harness/stack";
import { upStackOf } from "./gating";
import { Job, matrixCombos, REVIEW_STACKS, stackFiles, stepsIn, Workflow } from "./workflows";

/** A GitHub environment that a stack file creates. */
export interface EnvironmentModel {
    readonly name: string;
    readonly stack: string;
    /** `deploy`: the one `pulumi up` runs in; `read`: previews, the policy gate and drift. */
    readonly kind: "deploy" | "read";
    /** Whether each run waits for a required reviewer. */
    readonly reviewed: boolean;
    /** Branches whose runs it admits; `undefined` admits every run, pull requests included. */
    readonly branches?: readonly string[];
    /** Secret names it holds (docs/delivery.md). */
    readonly secrets: readonly string[];
    /** Whether its stack is a production one (every policy mandatory). */
    readonly production: boolean;
}

export interface AccessModel {
    readonly environments: readonly EnvironmentModel[];
    /** Secrets stored at repository level: every job of every branch can read them. */
    readonly repositorySecrets: readonly string[];
}

/** One row of the table under "## Which secret lives where" in docs/delivery.md. */
export interface SecretRow {
    readonly where: string;
    readonly stack: string;
    readonly secrets: readonly string[];
}

const TABLE_HEADING = "## Which secret lives where";
export const REPOSITORY = "repository";
/** A step that destroys stacks (the review stacks' sweeper entry, on close and on schedule): it needs a deploy environment. */
const DESTROYS = /\bnpm run review:sweep\b/;

/** Parses the secrets table of docs/delivery.md (`| environment | stack | admits | secrets | why |`). */
export function parseSecretTable(markdown: string): SecretRow[] {
    const start = markdown.indexOf(TABLE_HEADING);
    if (start < 0) throw new Error(`docs/delivery.md has no "${TABLE_HEADING}" section`);
    const lines = markdown.slice(start).split("\n").slice(1);
    const rows: SecretRow[] = [];
    let inTable = false;
    for (const line of lines) {
        if (!line.startsWith("|")) {
            if (inTable) break;
            continue;
        }
        inTable = true;
        const cells = line.split("|").slice(1, -1).map((c) => c.trim());
        if (cells[0] === "environment" || /^-+$/.test(cells[0])) continue;
        const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        rows.push({ where: ticked(cells[0])[0] ?? cells[0], stack: cells[1].replaceAll("`", ""), secrets: ticked(cells[3] ?? "") });
    }
    return rows;
}

/** Stacks whose policy enforcement makes every rule mandatory: the production ones. */
export function productionStacks(): string[] {
    return stackNames().filter((stack) => {
        const file = join(ROOT, "policies", `${stack}.json`);
        return existsSync(file) && (JSON.parse(readFileSync(file, "utf8")) as { all?: string }).all === "mandatory";
    });
}

const stackNames = () => stackFiles().map((s) => s.stack);

type Reviewers = { users?: unknown[]; teams?: unknown[] } | undefined;
const hasReviewers = (r: Reviewers) => (r?.users?.length ?? 0) + (r?.teams?.length ?? 0) > 0;

/** The environments the stack files create, without secrets: name, stack, kind, reviewers, branches. */
export function environmentsFromStacks(stacks: readonly string[] = stackNames()): Omit<EnvironmentModel, "secrets" | "production">[] {
    const project = (parseYaml(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    return stacks.flatMap((stack) => {
        const doc = parseYaml(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, any> };
        const gh = doc.config?.[`${project}:github`];
        if (!gh) return [];
        const deploy = { name: String(gh.environment), stack, kind: "deploy" as const, reviewed: hasReviewers(gh.reviewers), branches: [String(gh.branch)] };
        const reads = ((gh.readEnvironments ?? []) as any[]).map((r) => ({
            name: String(r.environment),
            stack,
            kind: "read" as const,
            reviewed: hasReviewers(r.reviewers),
            branches: Array.isArray(r.branches) && r.branches.length > 0 ? r.branches.map(String) : undefined,
        }));
        return [deploy, ...reads];
    });
}

/** The model: environments from the stack files, their secrets from the docs table. */
export function buildAccessModel(rows: readonly SecretRow[], production: readonly string[] = productionStacks()): AccessModel {
    const review = rows.filter((r) => r.stack === REVIEW_STACKS).map((r) => ({ name: r.where, stack: REVIEW_STACKS, kind: "deploy" as const, reviewed: false, branches: undefined }));
    const environments = [...environmentsFromStacks(), ...review].map((env) => ({
        ...env,
        secrets: rows.find((r) => r.where === env.name)?.secrets ?? [],
        production: production.includes(env.stack),
    }));
    return { environments, repositorySecrets: rows.find((r) => r.where === REPOSITORY)?.secrets ?? [] };
}

/** Differences between the docs table and the environments the stack files create. */
export function checkSecretTable(rows: readonly SecretRow[]): string[] {
    const problems: string[] = [];
    const created = environmentsFromStacks();
    for (const env of created) {
        const row = rows.find((r) => r.where === env.name);
        if (!row) problems.push(`docs/delivery.md lists no secrets for environment "${env.name}" (stack ${env.stack}), which Pulumi.${env.stack}.yaml creates`);
        else if (row.stack !== env.stack) problems.push(`docs/delivery.md says environment "${env.name}" serves stack "${row.stack}"; Pulumi.${env.stack}.yaml creates it`);
    }
    for (const row of rows) {
        if (row.where !== REPOSITORY && row.stack !== REVIEW_STACKS && !created.some((e) => e.name === row.where)) {
            problems.push(`docs/delivery.md lists environment "${row.where}", which no stack file creates (github.environment or github.readEnvironments)`);
        }
    }
    if (!rows.some((r) => r.where === REPOSITORY)) problems.push(`docs/delivery.md must have a "${REPOSITORY}" row (secrets every job can read), even if it lists none`);
    return problems;
}

/** Secret names a text refers to inside `${{ }}`; `"*"` when it can read them all (`toJSON(secrets)`, `secrets[expr]`). */
export function secretReferences(text: string): Set<string> {
    const names = new Set<string>();
    for (const [, expression] of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
        for (const m of expression.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_-]*)/g)) names.add(m[1]);
        for (const m of expression.matchAll(/\bsecrets\[\s*(?:'([^']+)'|"([^"]+)"|([^\]]+))\]/g)) names.add(m[1] ?? m[2] ?? "*");
        if (/\bsecrets\b(?!\s*[.[])/.test(expression)) names.add("*");
    }
    return names;
}

/** Every string in a parsed YAML value. */
function stringsIn(node: unknown): string[] {
    if (typeof node === "string") return [node];
    if (Array.isArray(node)) return node.flatMap(stringsIn);
    if (node !== null && typeof node === "object") return Object.values(node).flatMap(stringsIn);
    return [];
}

/** Reads the `action.yml` of a local action (`uses: ./.github/actions/<name>`), if there is one. */
export type ActionReader = (uses: string) => string | undefined;

export const readLocalAction: ActionReader = (uses) => {
    const path = join(ROOT, uses, "action.yml");
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
};

/** Text of the local composite actions a job's steps use, so secrets referenced inside them count too. */
function localActionTexts(job: Job, readAction: ActionReader): string[] {
    return (job.steps ?? [])
        .map((s) => s.uses)
        .filter((uses): uses is string => uses !== undefined && uses.startsWith("./"))
        .flatMap((uses) => readAction(uses) ?? []);
}

/** Every secret a job can read: workflow env, job env, steps (env, with, run), reusable-workflow secrets, local actions. */
export function jobSecrets(wf: Workflow, job: Job, readAction: ActionReader = readLocalAction): Set<string> {
    const texts = [...stringsIn({ env: wf.env ?? {}, job }), ...localActionTexts(job, readAction)];
    const names = new Set<string>();
    for (const text of texts) for (const name of secretReferences(text)) names.add(name);
    if ((job as { secrets?: unknown }).secrets === "inherit") names.add("*");
    // The built-in token is governed by `permissions`, not by where it is stored.
    names.delete("GITHUB_TOKEN");
    return names;
}

/** The environment name of one matrix combination of a job, `undefined` for none, `null` when not decidable. */
export function environmentOf(job: Job, combo: Record<string, unknown>): string | undefined | null {
    const raw = typeof job.environment === "string" ? job.environment : job.environment?.name;
    if (raw === undefined) return undefined;
    const resolved = raw.replace(/\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole, key: string) => (combo[key] === undefined ? whole : String(combo[key])));
    return resolved.includes("${{") ? null : resolved;
}

const isPullRequestTriggered = (wf: Workflow) => "pull_request" in wf.on || "pull_request_target" in wf.on;

/** A label for a job, with its matrix combination when it has one. */
function label(wf: Workflow, jobId: string, combo: Record<string, unknown>): string {
    const keys = Object.entries(combo);
    return `${wf.file} job "${jobId}"${keys.length ? ` (${keys.map(([k, v]) => `${k}=${String(v)}`).join(", ")})` : ""}`;
}

/** Where a job's reference to `name` resolves: its environment's secret of that name, else the repository's. */
function resolve(model: AccessModel, envName: string | undefined, name: string): { env?: EnvironmentModel; repository: boolean } {
    const env = model.environments.find((e) => e.name === envName);
    if (env?.secrets.includes(name)) return { env, repository: false };
    return { repository: model.repositorySecrets.includes(name) };
}

/**
 * No job of a pull-request-triggered workflow (nor of a reusable workflow it calls) can read a production secret
 * unless it runs in a production environment whose every run waits for a required reviewer. Repository secrets
 * count as production secrets when a production environment holds the same name (a job outside the environment
 * would read the repository's copy), and are readable by every job.
 */
export function checkPullRequestSecrets(
    wf: Workflow,
    model: AccessModel,
    load: (file: string) => Workflow,
    options: { readAction?: ActionReader; viaPullRequest?: boolean } = {},
): string[] {
    if (!(options.viaPullRequest ?? isPullRequestTriggered(wf))) return [];
    const problems: string[] = [];
    const productionNames = new Set(model.environments.filter((e) => e.production).flatMap((e) => e.secrets));
    for (const [jobId, job] of Object.entries(wf.jobs)) {
        if (job.uses?.startsWith("./.github/workflows/")) {
            problems.push(...checkPullRequestSecrets(load(job.uses.slice("./.github/workflows/".length)), model, load, { ...options, viaPullRequest: true }));
        }
        const names = jobSecrets(wf, job, options.readAction);
        for (const combo of matrixCombos(job)) {
            const at = label(wf, jobId, combo);
            const envName = environmentOf(job, combo);
            if (envName === null && names.size > 0) {
                problems.push(`${at}: environment "${String(typeof job.environment === "string" ? job.environment : job.environment?.name)}" cannot be resolved; name it literally or through a matrix value`);
                continue;
            }
            const env = model.environments.find((e) => e.name === envName);
            for (const name of names) {
                if (name === "*") {
                    if (model.environments.some((e) => e.production && e.secrets.length > 0)) problems.push(`${at}: reads every secret (toJSON(secrets), secrets[...] or secrets: inherit), production ones included`);
                    continue;
                }
                const where = resolve(model, envName ?? undefined, name);
                if (where.env?.production && !where.env.reviewed) {
                    problems.push(`${at}: reads production secret ${name} from environment "${where.env.name}", which runs without a required reviewer`);
                } else if (!where.env && productionNames.has(name) && (where.repository || !env)) {
                    problems.push(`${at}: reads production secret ${name} outside an approved environment (${env ? `"${env.name}" does not hold it` : "the job has no environment"})`);
                }
            }
        }
    }
    return problems;
}

/**
 * Every job that reads credentials runs in an environment the stack files create for the stack it works on, and
 * that holds each of them (so nothing falls back to a repository secret): a job that runs `pulumi up` in a deploy
 * environment, every other job (previews, the policy gate, drift) in a read one.
 */
export function checkCredentialedJobs(wf: Workflow, model: AccessModel): string[] {
    const problems: string[] = [];
    for (const [jobId, job] of Object.entries(wf.jobs)) {
        const names = [...jobSecrets(wf, job)];
        if (names.length === 0) continue;
        const deploys = stepsIn(wf).some((ctx) => ctx.jobId === jobId && (upStackOf(ctx) !== undefined || DESTROYS.test(ctx.step.run ?? "")));
        for (const combo of matrixCombos(job)) {
            const at = label(wf, jobId, combo);
            const envName = environmentOf(job, combo);
            const env = model.environments.find((e) => e.name === envName);
            if (!env) {
                problems.push(`${at}: reads ${names.join(", ")} outside any environment the stack files create (found ${JSON.stringify(envName ?? null)})`);
                continue;
            }
            // Which stack the leg works on: its matrix value, else a literal STACK in the job's env.
            const stack = combo.stack ?? (job.env?.STACK && !job.env.STACK.includes("${{") ? job.env.STACK : undefined);
            if (stack !== undefined && String(stack) !== env.stack) {
                problems.push(`${at}: works on stack ${String(stack)} with the credentials of environment "${env.name}" (stack ${env.stack}); use one of stack ${String(stack)}`);
            }
            const expected = deploys ? "deploy" : "read";
            if (env.kind !== expected) problems.push(`${at}: ${deploys ? "runs pulumi up" : "does not deploy"} but runs in ${env.kind} environment "${env.name}"; use a ${expected} environment of stack ${env.stack}`);
            for (const name of names) {
                if (name !== "*" && !env.secrets.includes(name)) problems.push(`${at}: reads ${name}, which environment "${env.name}" does not hold (docs/delivery.md), so it would fall back to a repository secret`);
            }
        }
    }
    return problems;
}

/** Token permissions a job uses, from what its steps do. */
export function neededPermissions(job: Job, load: (file: string) => Workflow): Record<string, string> {
    if (job.uses?.startsWith("./.github/workflows/")) {
        const called = load(job.uses.slice("./.github/workflows/".length));
        return Object.assign({}, ...Object.values(called.jobs).map((j) => neededPermissions(j, load)));
    }
    const needed: Record<string, string> = {};
    const steps = job.steps ?? [];
    if (steps.some((s) => s.uses?.startsWith("actions/checkout@"))) needed.contents = "read";
    if (steps.some((s) => s.uses?.startsWith("pulumi/actions@") && String(s.with?.["comment-on-pr"]) === "true")) needed["pull-requests"] = "write";
    // Our own sticky comment (scripts/comment.ts) writes pull-request comments with the job's token.
    if (steps.some((s) => /\bscripts\/comment\.ts\b/.test(s.run ?? ""))) needed["pull-requests"] = "write";
    if (steps.some((s) => /\bgh (issue|label)\b/.test(s.run ?? ""))) needed.issues = "write";
    // A branch pushed with the job's token and a pull request opened from it (the revert of a promotion).
    if (steps.some((s) => /\bgit push\b/.test(s.run ?? ""))) needed.contents = "write";
    if (steps.some((s) => /\bgh pr (create|comment|edit)\b/.test(s.run ?? ""))) needed["pull-requests"] = "write";
    // Review stacks: reading a pull request (gh api .../pulls, the sweeper with PULLS_TOKEN).
    if (steps.some((s) => /\bgh api "repos\/[^"]*\/pulls\//.test(s.run ?? "") || (s.env?.PULLS_TOKEN !== undefined && /\bnpm run review:sweep\b/.test(s.run ?? "")))) needed["pull-requests"] ??= "read";
    return needed;
}

/**
 * Least privilege: the workflow grants nothing by default (`permissions: {}`), and every job declares exactly the
 * permissions its steps use: no more (a write scope nobody uses, `write-all`), no fewer.
 */
export function checkLeastPermissions(wf: Workflow, load: (file: string) => Workflow): string[] {
    const problems: string[] = [];
    const top = wf.permissions;
    if (!(top !== null && typeof top === "object" && Object.keys(top).length === 0)) {
        problems.push(`${wf.file}: set permissions: {} at the top, so a job that declares none gets none (found ${JSON.stringify(top ?? null)})`);
    }
    for (const [jobId, job] of Object.entries(wf.jobs)) {
        const granted = job.permissions;
        if (granted === undefined || granted === null || typeof granted !== "object") {
            problems.push(`${wf.file} job "${jobId}": declares no permissions block (found ${JSON.stringify(granted ?? null)})`);
            continue;
        }
        const needed = neededPermissions(job, load);
        const given = granted as Record<string, string>;
        for (const [scope, level] of Object.entries(given)) {
            if (level === "none") continue;
            if (needed[scope] === undefined) problems.push(`${wf.file} job "${jobId}": grants ${scope}: ${level}, which no step uses`);
            else if (level !== needed[scope]) problems.push(`${wf.file} job "${jobId}": grants ${scope}: ${level}, but its steps need ${scope}: ${needed[scope]}`);
        }
        for (const [scope, level] of Object.entries(needed)) {
            if (given[scope] === undefined || given[scope] === "none") problems.push(`${wf.file} job "${jobId}": lacks ${scope}: ${level}, which its steps use`);
        }
    }
    return problems;
}

/** A verified pin: action, full commit SHA and the tag it is. */
export interface Pin {
    readonly action: string;
    readonly sha: string;
    readonly tag: string;
}

/** The table of contracts/github-actions/pins.md. */
export function readPins(markdown = readFileSync(join(ROOT, "contracts", "github-actions", "pins.md"), "utf8")): Pin[] {
    return [...markdown.matchAll(/^\|\s*`([\w.-]+\/[\w.-]+)`[^|]*\|\s*`(v[\d.]+)`\s*\|\s*`([0-9a-f]{40})`\s*\|/gm)].map((m) => ({ action: m[1], tag: m[2], sha: m[3] }));
}

/**
 * Every remote action (`uses: owner/repo[/path]@ref`) in a workflow or action file's text is pinned by a full
 * commit SHA listed in pins.md, with that SHA's tag as the comment (`@<sha> # v4.4.0`).
 */
export function checkPinsInText(file: string, text: string, pins: readonly Pin[]): string[] {
    const problems: string[] = [];
    for (const [lineNo, line] of text.split("\n").entries()) {
        const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(\S+))?/.exec(line);
        if (!m || m[1].startsWith("./") || m[1].startsWith("docker://")) continue;
        const [, uses, comment] = m;
        const at = `${file}:${lineNo + 1}`;
        const [path, ref] = uses.split("@");
        const action = path.split("/").slice(0, 2).join("/");
        if (ref === undefined) {
            problems.push(`${at}: ${uses} has no ref; pin it by commit SHA from contracts/github-actions/pins.md`);
            continue;
        }
        if (!/^[0-9a-f]{40}$/.test(ref)) {
            problems.push(`${at}: ${uses} is pinned by tag or branch "${ref}", which can move; pin the commit SHA from contracts/github-actions/pins.md`);
            continue;
        }
        const pin = pins.find((p) => p.action === action && p.sha === ref);
        if (!pin) problems.push(`${at}: ${action}@${ref} is not a verified SHA in contracts/github-actions/pins.md`);
        else if (comment !== pin.tag) problems.push(`${at}: ${action}@${ref} must carry its tag as a comment (# ${pin.tag}), found ${comment === undefined ? "none" : `# ${comment}`}`);
    }
    return problems;
}

/** Every `npm ci` / `npm install` in a setup action runs under `env -i`, so lifecycle scripts see no credentials. */
export function checkIsolatedInstalls(file: string, text: string): string[] {
    const installs = text.split("\n").filter((line) => /\bnpm (ci|install)\b/.test(line) && !/^\s*#/.test(line) && !/echo /.test(line));
    const problems = installs.filter((line) => !/\benv -i\b/.test(line)).map((line) => `${file}: "${line.trim()}" runs dependencies' install scripts with the job's environment; prefix it with env -i PATH="$PATH" HOME="$HOME"`);
    return installs.length === 0 ? [`${file}: no npm install found`] : problems;
}

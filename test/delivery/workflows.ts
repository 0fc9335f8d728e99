/**
 * The GitHub workflows as data: typed loading of `.github/workflows/*.yml` (and the local composite actions they
 * use), plus small queries the gating checks share. Parsing only; the rules live in `gating.ts`.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { reviewNumber } from "../../config/stackFile";
import { stackFileNames } from "../../config/stackName";
import { ROOT } from "../harness/stack";

export const WORKFLOW_DIR = join(ROOT, ".github", "workflows");
export const ACTIONS_DIR = join(ROOT, ".github", "actions");

export interface Step {
    readonly id?: string;
    readonly name?: string;
    readonly if?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
}

export interface Concurrency {
    readonly group: string;
    readonly "cancel-in-progress"?: boolean | string;
}

export interface Job {
    readonly name?: string;
    readonly if?: string;
    readonly needs?: string | readonly string[];
    readonly uses?: string;
    readonly environment?: string | { readonly name: string; readonly url?: string };
    readonly concurrency?: string | Concurrency;
    readonly env?: Record<string, string>;
    readonly strategy?: { readonly matrix?: Record<string, unknown> };
    readonly "runs-on"?: string | readonly string[];
    readonly steps?: readonly Step[];
    readonly permissions?: unknown;
    readonly outputs?: Record<string, string>;
}

export interface Workflow {
    readonly file: string;
    readonly name?: string;
    /** `on`, normalized to an object keyed by event name. */
    readonly on: Record<string, any>;
    readonly permissions?: unknown;
    readonly concurrency?: string | Concurrency;
    readonly env?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

/** Normalizes the three YAML shapes of `on:` (string, list, map) to a map. */
function normalizeOn(on: unknown): Record<string, any> {
    if (typeof on === "string") return { [on]: null };
    if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [String(event), null]));
    return (on ?? {}) as Record<string, any>;
}

/** Parses workflow YAML text into a `Workflow` (`file` names it in messages). */
export function parseWorkflow(text: string, file: string): Workflow {
    const doc = parseYaml(text) as Record<string, any>;
    // YAML 1.1 parsers read a bare `on` as boolean true; the `yaml` package (1.2) keeps "on", but accept both.
    const on = doc.on ?? doc[true as unknown as string];
    return { ...doc, file, on: normalizeOn(on), jobs: doc.jobs ?? {} } as Workflow;
}

/** Names of the workflow files, e.g. `deploy.yml`. */
export function workflowFiles(): string[] {
    return readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
}

export function loadWorkflow(file: string): Workflow {
    return parseWorkflow(readFileSync(join(WORKFLOW_DIR, file), "utf8"), file);
}

/** Composite actions under `.github/actions/<name>/action.yml`, as `{file, steps}`. */
export function loadLocalActions(): { file: string; steps: Step[] }[] {
    if (!existsSync(ACTIONS_DIR)) return [];
    return readdirSync(ACTIONS_DIR)
        .map((dir) => join(ACTIONS_DIR, dir, "action.yml"))
        .filter((path) => existsSync(path))
        .map((path) => {
            const doc = parseYaml(readFileSync(path, "utf8")) as Record<string, any>;
            return { file: path.slice(ROOT.length + 1), steps: (doc.runs?.steps ?? []) as Step[] };
        });
}

export function needsOf(job: Job): string[] {
    if (!job.needs) return [];
    return typeof job.needs === "string" ? [job.needs] : [...job.needs];
}

/** Every job `jobId` waits for, directly or through other jobs. */
export function transitiveNeeds(workflow: Workflow, jobId: string): Set<string> {
    const seen = new Set<string>();
    const visit = (id: string) => {
        for (const need of needsOf(workflow.jobs[id] ?? {})) {
            if (!seen.has(need)) {
                seen.add(need);
                visit(need);
            }
        }
    };
    visit(jobId);
    return seen;
}

export function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

export function concurrencyOf(job: Job | Workflow): Concurrency | undefined {
    const c = job.concurrency;
    return typeof c === "string" ? { group: c } : c;
}

/** A workflow's events and its jobs' steps, flattened, with the env visible to each step. */
export interface StepInContext {
    readonly workflow: Workflow;
    readonly jobId: string;
    readonly job: Job;
    readonly index: number;
    readonly step: Step;
    /** Workflow env, then job env, then step env. */
    readonly env: Record<string, string>;
}

export function stepsIn(workflow: Workflow): StepInContext[] {
    return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
        (job.steps ?? []).map((step, index) => ({
            workflow,
            jobId,
            job,
            index,
            step,
            env: { ...workflow.env, ...job.env, ...step.env },
        })),
    );
}

/** Replaces `$NAME` / `${NAME}` in a run script with values from `env` that are plain (no `${{ }}`). */
export function expandEnv(script: string, env: Record<string, string>): string {
    return script.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (whole, name: string) => {
        const value = env[name];
        return value !== undefined && !String(value).includes("${{") ? String(value) : whole;
    });
}

/** Names of env variables whose value comes from `secrets.*`, anywhere in the workflow. */
export function secretEnvNames(workflow: Workflow): Set<string> {
    const names = new Set<string>();
    const collect = (env?: Record<string, string>) => {
        for (const [name, value] of Object.entries(env ?? {})) {
            if (/\$\{\{[^}]*\bsecrets\./.test(String(value))) names.add(name);
        }
    };
    collect(workflow.env);
    for (const job of Object.values(workflow.jobs)) {
        collect(job.env);
        for (const step of job.steps ?? []) collect(step.env);
    }
    return names;
}

/** Stack names from the `Pulumi.<stack>.yaml` files, with their `platform` config value. */
export function stackFiles(): { stack: string; platform: string }[] {
    const project = (parseYaml(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    return stackFileNames(ROOT).map((stack) => {
        const doc = parseYaml(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
        return { stack, platform: String(doc.config?.[`${project}:platform`] ?? "") };
    });
}

/**
 * The combinations a job's matrix runs, as GitHub expands them: the product of its lists, minus `exclude`, with each
 * `include` entry merged into the combinations it matches or added as one of its own. `[{}]` without a matrix.
 */
export function matrixCombos(job: Job): Record<string, unknown>[] {
    const matrix = job.strategy?.matrix;
    if (!matrix) return [{}];
    const { include, exclude, ...vectors } = matrix as { include?: Record<string, unknown>[]; exclude?: Record<string, unknown>[] } & Record<string, unknown>;
    const matches = (combo: Record<string, unknown>, entry: Record<string, unknown>, keys: string[]) => keys.every((k) => combo[k] === entry[k]);
    let combos: Record<string, unknown>[] = [{}];
    for (const [key, values] of Object.entries(vectors)) {
        combos = combos.flatMap((c) => (Array.isArray(values) ? values : [values]).map((v) => ({ ...c, [key]: v })));
    }
    if (Object.keys(vectors).length === 0) combos = [];
    combos = combos.filter((c) => !(exclude ?? []).some((e) => matches(c, e, Object.keys(e))));
    const original = Object.keys(vectors);
    for (const entry of include ?? []) {
        const shared = Object.keys(entry).filter((k) => original.includes(k));
        const targets = combos.filter((c) => shared.length > 0 && matches(c, entry, shared));
        if (targets.length > 0) targets.forEach((c) => Object.assign(c, entry));
        else combos.push({ ...entry });
    }
    return combos.length > 0 ? combos : [{}];
}

/** The values `matrix.<key>` takes in a job's matrix combinations, or [] when it has none. */
export function matrixValues(job: Job, key: string): string[] {
    return matrixCombos(job).flatMap((c) => (c[key] === undefined ? [] : [String(c[key])]));
}

/**
 * How docs/delivery.md's secrets table names the stacks of the environment that serves every review stack
 * (`pr-<number>`): it is set up by hand once (docs/review-stacks.md), since review stacks create no GitHub
 * environment.
 */
export const REVIEW_STACKS = "pr-<n>";

/**
 * The stack a workflow works on, with every review stack as {@link REVIEW_STACKS}: one named literally (`pr-7`,
 * config/stackFile.ts's rule) or built from an expression (`pr-${{ needs.request.outputs.number }}`).
 */
export function stackFamily(stack: string): string {
    return reviewNumber(stack) !== undefined || /^pr-\$\{\{[^}]*\}\}$/.test(stack) ? REVIEW_STACKS : stack;
}

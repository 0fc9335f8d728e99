/**
 * The delivery rules the workflows must keep, as checks that return violations (empty when compliant), so tests
 * can run them on the real workflows and on deliberately broken copies. Each message names the file and job.
 */
import {
    concurrencyOf,
    environmentName,
    expandEnv,
    Job,
    matrixValues,
    needsOf,
    secretEnvNames,
    stackFamily,
    StepInContext,
    stepsIn,
    transitiveNeeds,
    Workflow,
} from "./workflows";

/** Loads a reusable workflow named by a job's `uses: ./.github/workflows/<file>`. */
export type WorkflowLoader = (file: string) => Workflow;

// A comment's event carries no pull request: there a job it needs reads the head repository from the API.
const SAME_REPO = /(?:github\.event\.pull_request\.head\.repo\.full_name|needs\.[\w-]+\.outputs\.head-repository)\s*==\s*github\.repository/;
const SECRET_EXPR = /\$\{\{[^}]*\bsecrets\./;

function where(wf: Workflow, jobId: string): string {
    return `${wf.file} job "${jobId}"`;
}

/** A run of the stack command `command` (delivery/cli): `npm run <command> --`, `npm run stack -- <command>`, or the module or old script path. */
export function stackCommand(command: string): RegExp {
    return new RegExp(`(?:\\bnpm run ${command} --|\\bnpm run stack -- ${command}|scripts\\/stack\\.sh\\s+${command}|delivery\\/cli\\/main\\.ts\\s+${command})`);
}

/** The stack a step deploys with `pulumi up` (via the stack commands, the CLI or pulumi/actions), if any. */
export function upStackOf(ctx: StepInContext): string | undefined {
    const { step, env } = ctx;
    if (step.run) {
        const script = expandEnv(step.run, env);
        const m = new RegExp(`${stackCommand("up").source}\\s+"?([^\\s"]+)"?`).exec(script) ?? /\bpulumi\s+up\b[^\n]*?(?:--stack|-s)\s+"?([^\s"]+)"?/.exec(script);
        // A variable expandEnv left alone holds an expression (`pr-${{ ... }}`): the stack is that expression.
        const variable = m && /^\$\{?([A-Z_][A-Z0-9_]*)\}?$/.exec(m[1])?.[1];
        if (m) return variable && env[variable] !== undefined ? String(env[variable]) : m[1];
    }
    if (step.uses?.startsWith("pulumi/actions@") && ["up", "update"].includes(String(step.with?.command))) {
        return String(step.with?.["stack-name"] ?? "");
    }
    return undefined;
}

function jobRunsUp(wf: Workflow, jobId: string): { stack: string; index: number }[] {
    return stepsIn(wf)
        .filter((ctx) => ctx.jobId === jobId)
        .flatMap((ctx) => {
            const stack = upStackOf(ctx);
            return stack === undefined ? [] : [{ stack, index: ctx.index }];
        });
}

function runsScript(job: Job, pattern: RegExp): boolean {
    return (job.steps ?? []).some((s) => s.run !== undefined && pattern.test(s.run));
}

/** Whether a job (or the reusable workflow it calls) runs the test suite. */
function isTestJob(job: Job, load: WorkflowLoader): boolean {
    if (job.uses?.startsWith("./.github/workflows/")) {
        const called = load(job.uses.slice("./.github/workflows/".length));
        return Object.values(called.jobs).some((j) => isTestJob(j, load));
    }
    return runsScript(job, /\bnpm (run )?test\b/);
}

/** The stack argument of `command` in a job's run scripts: a literal, or the job's `STACK` expression. */
function stackArgs(job: Job, command: RegExp, workflowEnv: Record<string, string>): string[] {
    const out: string[] = [];
    for (const step of job.steps ?? []) {
        if (!step.run) continue;
        const env = { ...workflowEnv, ...job.env, ...step.env };
        const re = new RegExp(`${command.source}\\s+"?([^\\s"]+)"?`, "g");
        for (const m of expandEnv(step.run, env).matchAll(re)) {
            const arg = m[1];
            const variable = /^\$\{?([A-Z_][A-Z0-9_]*)\}?$/.exec(arg)?.[1];
            out.push(variable ? String(env[variable] ?? arg) : arg);
        }
    }
    return out;
}

/** Whether `arg` (literal or `${{ }}` expression) can be `stack` in this job. */
function covers(job: Job, arg: string, stack: string): boolean {
    if (arg === stack) return true;
    if (/matrix\.stack/.test(arg)) return matrixValues(job, "stack").includes(stack);
    return arg.includes("${{") && arg.includes(`'${stack}'`);
}

/** Whether a job (or the reusable workflow it calls) runs the policy pack for `stack`: offline plan or real preview. */
function isPolicyGateFor(job: Job, stack: string, load: WorkflowLoader, workflowEnv: Record<string, string> = {}): boolean {
    if (job.uses?.startsWith("./.github/workflows/")) {
        const called = load(job.uses.slice("./.github/workflows/".length));
        return Object.values(called.jobs).some((j) => isPolicyGateFor(j, stack, load, called.env ?? {}));
    }
    const args = [...stackArgs(job, /npm run plan --/, workflowEnv), ...stackArgs(job, stackCommand("preview"), workflowEnv)];
    return args.some((arg) => covers(job, arg, stack));
}

/**
 * Production deploys: exactly one job deploys into `productionEnvironment`; it runs only on `main`, `pulumi up`s
 * `prodStack`, and waits (`needs`) for a job that runs the tests and one that runs the policy gate; no other job
 * deploys that stack.
 */
export function checkProdDeploy(wf: Workflow, load: WorkflowLoader, prodStack = "prod", productionEnvironment = "production"): string[] {
    const problems: string[] = [];
    const prodJobs = Object.entries(wf.jobs).filter(([, job]) => environmentName(job) === productionEnvironment);
    if (prodJobs.length !== 1) {
        return [`${wf.file}: expected exactly one job in environment "${productionEnvironment}", found ${prodJobs.length}`];
    }
    const [jobId, job] = prodJobs[0];
    const condition = (job.if ?? "").replace(/\s+/g, " ").trim();
    if (!/^(\$\{\{ ?)?github\.ref == 'refs\/heads\/main'( ?\}\})?$/.test(condition)) {
        problems.push(`${where(wf, jobId)}: must run only on main: set if: github.ref == 'refs/heads/main' (found ${JSON.stringify(job.if ?? null)})`);
    }
    if (!jobRunsUp(wf, jobId).some((u) => u.stack === prodStack)) {
        problems.push(`${where(wf, jobId)}: runs no \`pulumi up\` of stack "${prodStack}"`);
    }
    const needs = [...transitiveNeeds(wf, jobId)];
    if (!needs.some((id) => wf.jobs[id] && isTestJob(wf.jobs[id], load))) {
        problems.push(`${where(wf, jobId)}: needs no job that runs the tests (npm test)`);
    }
    if (!needs.some((id) => wf.jobs[id] && isPolicyGateFor(wf.jobs[id], prodStack, load, wf.env))) {
        problems.push(`${where(wf, jobId)}: needs no policy gate for "${prodStack}" (npm run plan -- ${prodStack} or npm run preview -- ${prodStack})`);
    }
    for (const [otherId] of Object.entries(wf.jobs)) {
        if (otherId !== jobId && jobRunsUp(wf, otherId).some((u) => u.stack === prodStack)) {
            problems.push(`${where(wf, otherId)}: deploys "${prodStack}" outside the "${productionEnvironment}" environment`);
        }
    }
    return problems;
}

/**
 * Every job that runs `pulumi up`: inside the GitHub environment of its stack, in a concurrency group named after the
 * stack that never cancels a running up (also at workflow level).
 */
export function checkUpConcurrency(wf: Workflow, environments: Record<string, string>): string[] {
    const problems: string[] = [];
    const wfConcurrency = concurrencyOf(wf);
    for (const [jobId, job] of Object.entries(wf.jobs)) {
        const ups = jobRunsUp(wf, jobId);
        if (ups.length === 0 || usesRunnerBackend(job)) continue;
        if (wfConcurrency && wfConcurrency["cancel-in-progress"] !== false && wfConcurrency["cancel-in-progress"] !== undefined) {
            problems.push(`${wf.file}: workflow concurrency may cancel the running up of job "${jobId}": set cancel-in-progress: false`);
        }
        const c = concurrencyOf(job);
        for (const { stack } of ups) {
            if (!c) {
                problems.push(`${where(wf, jobId)}: runs an up of "${stack}" without a concurrency group`);
                continue;
            }
            if (c["cancel-in-progress"] !== false) {
                problems.push(`${where(wf, jobId)}: concurrency must never cancel a running up: set cancel-in-progress: false (found ${JSON.stringify(c["cancel-in-progress"] ?? null)})`);
            }
            if (!c.group.includes(stack)) {
                problems.push(`${where(wf, jobId)}: concurrency group "${c.group}" is not per stack: include "${stack}"`);
            }
            const expected = environments[stackFamily(stack)];
            if (expected === undefined) {
                problems.push(`${where(wf, jobId)}: deploys "${stack}", which is not a known stack with a GitHub environment`);
            } else if (environmentName(job) !== expected) {
                problems.push(`${where(wf, jobId)}: deploys "${stack}" outside its GitHub environment "${expected}"`);
            }
        }
    }
    return problems;
}

/**
 * Whether a job keeps its state in a file backend under the runner's temporary folder (ci.yml's end-to-end job):
 * that state lives and dies with the job, so an interrupted up there strands nothing and deploys nowhere.
 */
export function usesRunnerBackend(job: Job): boolean {
    const runnerTemp = /PULUMI_BACKEND_URL=file:\/\/\$\{?RUNNER_TEMP\}?\//;
    const fromEnv = /^file:\/\/\$\{\{\s*runner\.temp\s*\}\}\//.test(String(job.env?.PULUMI_BACKEND_URL ?? ""));
    return fromEnv || (job.steps ?? []).some((s) => s.run !== undefined && runnerTemp.test(s.run));
}

/** In every up job: `pulumi stack export` to a file, that file uploaded as an artifact, both before the up. */
export function checkStateExportBeforeUp(wf: Workflow, stack: string): string[] {
    const problems: string[] = [];
    for (const [jobId] of Object.entries(wf.jobs)) {
        const steps = stepsIn(wf).filter((s) => s.jobId === jobId);
        const up = jobRunsUp(wf, jobId).find((u) => u.stack === stack);
        if (!up) continue;
        const exportStep = steps.find((s) => s.step.run && /\bpulumi stack export\b/.test(s.step.run));
        if (!exportStep) {
            problems.push(`${where(wf, jobId)}: no \`pulumi stack export\` before the up of "${stack}"`);
            continue;
        }
        const script = expandEnv(exportStep.step.run!, exportStep.env);
        if (/--show-secrets/.test(script)) problems.push(`${where(wf, jobId)}: the state export must keep secrets encrypted (drop --show-secrets)`);
        const file = /--file\s+"?([^\s"]+)"?/.exec(script)?.[1];
        const upload = steps.find((s) => s.step.uses?.startsWith("actions/upload-artifact@") && file !== undefined && String(s.step.with?.path ?? "").split("\n").includes(file));
        if (!file || !upload) {
            problems.push(`${where(wf, jobId)}: the exported state ${file ?? "(no --file)"} is not uploaded with actions/upload-artifact`);
            continue;
        }
        if (!(exportStep.index < upload.index && upload.index < up.index)) {
            problems.push(`${where(wf, jobId)}: export (step ${exportStep.index}) and upload (step ${upload.index}) must both come before the up (step ${up.index})`);
        }
    }
    return problems;
}

/** After every up of `stack`, a step reads the `healthUrl` output and fails unless it answers (review stacks). */
export function checkSmokeAfterUp(wf: Workflow, stack: string): string[] {
    const problems: string[] = [];
    for (const [jobId] of Object.entries(wf.jobs)) {
        const up = jobRunsUp(wf, jobId).find((u) => u.stack === stack);
        if (!up) continue;
        const smoke = stepsIn(wf).find(
            (s) => s.jobId === jobId && s.index > up.index && s.step.run && /stack output healthUrl/.test(s.step.run) && /curl\b[^\n]*--fail/.test(s.step.run),
        );
        if (!smoke) problems.push(`${where(wf, jobId)}: no smoke test of the healthUrl output (curl --fail) after the up of "${stack}"`);
    }
    return problems;
}

/**
 * After every up of `stack`, in this order: `npm run verify` of the stack; a rollback (`npm run rollback -- <stack>
 * --yes`) that runs only when that verification failed; then a step, on the same condition, that fails the job.
 */
export function checkVerifyAfterUp(wf: Workflow, stack: string): string[] {
    const problems: string[] = [];
    for (const [jobId] of Object.entries(wf.jobs)) {
        const up = jobRunsUp(wf, jobId).find((u) => u.stack === stack);
        if (!up) continue;
        const steps = stepsIn(wf).filter((s) => s.jobId === jobId && s.index > up.index);
        const runs = (s: StepInContext, command: string) => s.step.run !== undefined && new RegExp(`${stackCommand(command).source}\\s+"?${stack}"?`).test(expandEnv(s.step.run, s.env));
        const verify = steps.find((s) => runs(s, "verify"));
        if (!verify) {
            problems.push(`${where(wf, jobId)}: no npm run verify -- ${stack} after the up of "${stack}"`);
            continue;
        }
        const onFailure = (s: StepInContext) => verify.step.id !== undefined && s.step.if?.replace(/\s+/g, " ") === `failure() && steps.${verify.step.id}.outcome == 'failure'`;
        const rollback = steps.find((s) => runs(s, "rollback"));
        if (!rollback || !/--yes\b/.test(rollback.step.run ?? "")) problems.push(`${where(wf, jobId)}: no npm run rollback -- ${stack} --yes after the verification of "${stack}"`);
        else if (rollback.index < verify.index) problems.push(`${where(wf, jobId)}: the rollback (step ${rollback.index}) must come after the verification (step ${verify.index})`);
        else if (!onFailure(rollback)) problems.push(`${where(wf, jobId)}: the rollback must run only when the verification failed (if: failure() && steps.${verify.step.id ?? "<id>"}.outcome == 'failure')`);
        const report = rollback && steps.find((s) => s.index > rollback.index && onFailure(s) && /\bexit 1\b/.test(s.step.run ?? ""));
        if (rollback && !report) problems.push(`${where(wf, jobId)}: after the rollback no step fails the job with what happened`);
    }
    return problems;
}

/**
 * When prod's verification failed, a job opens the pull request that reverts the promotion record: it waits for the
 * deploy, runs only on that job's `verify` output being `failure`, holds no credentials but the repository's own
 * token, and is the one job granted contents: write and pull-requests: write.
 */
export function checkRevertPromotion(wf: Workflow, deployJob = "deploy-prod"): string[] {
    const problems: string[] = [];
    const deploy = wf.jobs[deployJob];
    const verifyId = (deploy?.steps ?? []).find((s) => s.run !== undefined && stackCommand("verify").test(s.run))?.id;
    const output = Object.entries(((deploy as { outputs?: Record<string, string> } | undefined)?.outputs ?? {})).find(([, v]) => verifyId !== undefined && v.replace(/\s+/g, "") === `\${{steps.${verifyId}.outcome}}`)?.[0];
    if (!output) problems.push(`${wf.file} job "${deployJob}": no job output carrying the verification's outcome (\${{ steps.<verify>.outcome }})`);
    const reverts = Object.entries(wf.jobs).filter(([, job]) => (job.steps ?? []).some((s) => /\bgit\b[^\n]*\brevert\b/.test(s.run ?? "") && /\bgh pr create\b/.test(s.run ?? "")));
    if (reverts.length !== 1) {
        problems.push(`${wf.file}: expected one job that reverts the promotion with git revert and gh pr create, found ${reverts.length}`);
        return problems;
    }
    const [jobId, job] = reverts[0];
    if (!needsOf(job).includes(deployJob)) problems.push(`${where(wf, jobId)}: must need ${deployJob}`);
    if (output && job.if?.replace(/\s+/g, " ") !== `failure() && needs.${deployJob}.outputs.${output} == 'failure'`) {
        problems.push(`${where(wf, jobId)}: must run only when ${deployJob}'s verification failed (if: failure() && needs.${deployJob}.outputs.${output} == 'failure')`);
    }
    if (SECRET_EXPR.test(JSON.stringify({ env: job.env, steps: job.steps })) || environmentName(job) !== undefined) problems.push(`${where(wf, jobId)}: must hold no deploy credentials (no secrets, no environment); the repository's token is enough`);
    if (!/\$\{\{\s*github\.token\s*\}\}/.test(JSON.stringify(job.steps))) problems.push(`${where(wf, jobId)}: must open the pull request with the repository's token (GH_TOKEN: \${{ github.token }})`);
    for (const [otherId, other] of Object.entries(wf.jobs)) {
        const granted = (other.permissions ?? {}) as Record<string, string>;
        if (otherId !== jobId && (granted.contents === "write" || granted["pull-requests"] === "write")) problems.push(`${where(wf, otherId)}: only ${jobId} may write contents or pull requests`);
    }
    return problems;
}

/** No `pull_request_target` (it runs with secrets for forks), and jobs with secrets on pull requests require the same repository. */
export function checkForkSafety(wf: Workflow): string[] {
    const problems: string[] = [];
    if ("pull_request_target" in wf.on) {
        problems.push(`${wf.file}: pull_request_target runs fork code with secrets; use pull_request with a same-repository condition`);
    }
    if (!("pull_request" in wf.on)) return problems;
    for (const [jobId, job] of Object.entries(wf.jobs)) {
        const usesSecrets = SECRET_EXPR.test(JSON.stringify({ env: job.env, steps: job.steps })) || SECRET_EXPR.test(JSON.stringify(wf.env ?? {}));
        if (usesSecrets && !SAME_REPO.test(job.if ?? "")) {
            problems.push(`${where(wf, jobId)}: uses secrets on pull_request without if: github.event.pull_request.head.repo.full_name == github.repository`);
        }
    }
    return problems;
}

/** The preview job: pulumi/actions preview per stack with the policy pack and a per-stack group, its own comment off. */
export function checkPreview(wf: Workflow, stacks: readonly string[]): string[] {
    const problems: string[] = [];
    const previews = stepsIn(wf).filter((s) => s.step.uses?.startsWith("pulumi/actions@") && s.step.with?.command === "preview");
    if (previews.length === 0) return [`${wf.file}: no pulumi/actions step with command: preview`];
    for (const { jobId, job, step } of previews) {
        const w = step.with ?? {};
        const expectTrue = (key: string) => {
            if (w[key] !== true && w[key] !== "true") problems.push(`${where(wf, jobId)}: pulumi/actions needs ${key}: true`);
        };
        // The comment is our own (scripts/comment.ts, checked by previewSteps.ts): pulumi/actions posts only on success.
        if (w["comment-on-pr"] === true || w["comment-on-pr"] === "true") problems.push(`${where(wf, jobId)}: pulumi/actions needs comment-on-pr: false (scripts/comment.ts posts the comment)`);
        expectTrue("diff");
        const stackExpr = String(w["stack-name"] ?? "");
        if (!/^\$\{\{\s*matrix\.stack\s*\}\}$/.test(stackExpr)) problems.push(`${where(wf, jobId)}: stack-name must be \${{ matrix.stack }}, found "${stackExpr}"`);
        if (String(w.policyPacks ?? "").trim() !== "policies") problems.push(`${where(wf, jobId)}: policyPacks must be "policies"`);
        if (!/^policies\/\$\{\{\s*matrix\.stack\s*\}\}\.json$/.test(String(w.policyPackConfigs ?? "").trim())) {
            problems.push(`${where(wf, jobId)}: policyPackConfigs must be policies/\${{ matrix.stack }}.json`);
        }
        const covered = matrixValues(job, "stack");
        for (const stack of stacks) if (!covered.includes(stack)) problems.push(`${where(wf, jobId)}: matrix does not preview stack "${stack}"`);
        const c = concurrencyOf(job);
        if (!c || !/matrix\.stack/.test(c.group)) problems.push(`${where(wf, jobId)}: needs a concurrency group per stack (include \${{ matrix.stack }})`);
    }
    return problems;
}

/**
 * Secrets reach steps only through `env`, and no run script prints them: no `${{ secrets.* }}` inside `run`, no
 * echo/printf of a variable holding a secret, no `set -x` or bare `env`/`printenv` that would dump them.
 */
export function checkSecretsNotPrinted(wf: Workflow): string[] {
    const problems: string[] = [];
    const secretNames = [...secretEnvNames(wf)];
    for (const { jobId, step, index } of stepsIn(wf)) {
        const run = step.run;
        if (!run) continue;
        const at = `${where(wf, jobId)} step ${step.name ?? step.id ?? index}`;
        if (SECRET_EXPR.test(run)) problems.push(`${at}: interpolates secrets.* into a run script; pass it through env`);
        for (const line of run.split("\n")) {
            if (/^\s*set\s+-[a-z]*x/.test(line)) problems.push(`${at}: set -x would print secrets from the environment`);
            if (/(^|[;&|]\s*)(env|printenv)\s*($|[;&|>])/.test(line)) problems.push(`${at}: dumps the environment, including secrets`);
            for (const name of secretNames) {
                if (new RegExp(`\\b(echo|printf)\\b[^\\n]*\\$\\{?${name}\\b`).test(line)) problems.push(`${at}: prints ${name}, which holds a secret`);
            }
        }
    }
    return problems;
}

/** The steps of ci.yml's end-to-end job, in the order they must run: what each proves, and how to find it. */
export const END_TO_END_STEPS: readonly { readonly what: string; readonly run: RegExp }[] = [
    { what: "the pinned CLI first on PATH and a file backend under RUNNER_TEMP", run: /npx pulumi version[\s\S]*GITHUB_PATH[\s\S]*PULUMI_BACKEND_URL=file:\/\/\$RUNNER_TEMP\// },
    { what: "the CLI on PATH is the pin", run: /test "\$\(pulumi version\)" = "v\$\(node -p 'require\("pulumi\/package\.json"\)\.version'\)"/ },
    { what: "npm run up -- dev", run: /^npm run up -- dev$/ },
    { what: "no tracked file changed", run: /^git diff --exit-code$/ },
    { what: "/health at the expected schema version", run: /e2eHealth\.ts "\$\(pulumi stack output healthUrl --stack dev\)"/ },
    {
        what: "a no-op preview with the policy pack, from a cold start-up cache the real CLI's run rebuilds",
        run: /rm -rf node_modules\/\.cache\/api-environments-startup\npulumi preview --stack dev --expect-no-changes --policy-pack policies --policy-pack-config policies\/dev\.json\ntest -n "\$\(ls node_modules\/\.cache\/api-environments-startup\/\)"/,
    },
    { what: "an up after an image change, with a new image", run: /examples\/api\/src\/[\s\S]*npm run up -- dev[\s\S]*test "\$before" != "\$after"/ },
    { what: "/health after the change", run: /e2eHealth\.ts "\$\(pulumi stack output healthUrl --stack dev\)"/ },
    { what: "pulumi destroy", run: /^pulumi destroy --stack dev --yes$/ },
    { what: "the Fly emulator on 127.0.0.1 as FLY_API_HOSTNAME", run: /flyEmulatorServer\.ts[\s\S]*FLY_API_HOSTNAME=/ },
    { what: "staging and prod previewed with the policy pack, through the project's plugin", run: /\/dynamicProvider\\\.js[\s\S]*for stack in staging prod[\s\S]*npm run preview -- "\$stack"[\s\S]*test -s "\$RUNNER_TEMP\/hosts\.log"/ },
];

/** ci.yml's end-to-end job: every step of {@link END_TO_END_STEPS}, in that order, on ubuntu-latest, without secrets. */
export function checkEndToEnd(wf: Workflow, jobId = "e2e"): string[] {
    const job = wf.jobs[jobId];
    if (!job) return [`${wf.file}: no job "${jobId}" runs the real CLI end to end`];
    const problems: string[] = [];
    if (job["runs-on"] !== "ubuntu-latest") problems.push(`${where(wf, jobId)}: must run on ubuntu-latest (Docker and network are there)`);
    if (JSON.stringify(job).includes("secrets.")) problems.push(`${where(wf, jobId)}: must use no secrets`);
    if (!usesRunnerBackend(job)) problems.push(`${where(wf, jobId)}: must keep its state in a file backend under RUNNER_TEMP`);
    const runs = (job.steps ?? []).map((s) => (s.run ?? "").trim());
    let from = 0;
    for (const step of END_TO_END_STEPS) {
        const at = runs.findIndex((run, i) => i >= from && step.run.test(run));
        if (at < 0) {
            problems.push(`${where(wf, jobId)}: ${runs.some((run) => step.run.test(run)) ? "out of order" : "missing"}: ${step.what}`);
        } else {
            from = at + 1;
        }
    }
    return problems;
}

/**
 * The preflight every stack command runs first. It fails in seconds and lists every problem with its fix:
 *
 * 1. the stack file and its policy enforcement file exist, and the plugin paths of Pulumi.yaml resolve;
 * 2. the credentials this stack needs are set (derived from its config, never from its name): a Pulumi backend,
 *    the secrets passphrase, FLY_API_TOKEN (platform fly), GITHUB_TOKEN (github config), SENTRY_AUTH_TOKEN
 *    (sentry config), a Docker engine (platform local);
 * 3. the config is valid and the policy gate passes offline (`npm run plan -- <stack>`);
 * 4. the stack exists in the backend and its secrets decrypt (through the pinned CLI, on the Automation API).
 *
 * Only the presence of credentials is checked; their values are never printed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { enforcementFileName, reviewNumber } from "../../config/stackFile";
import type { StackFacts } from "./facts";
import { CommandExit, EXIT } from "./exitCodes";
import type { PinnedCli } from "./pinnedCli";

/** One thing that stops the command, with the command or step that fixes it. */
export interface Problem {
    readonly what: string;
    readonly fix: string;
}

/** What the local checks decided about the stack's backend. */
export interface BackendChoice {
    /** Environment the CLI runs with: PULUMI_BACKEND_URL and the passphrase when this module chose them. */
    readonly env: Record<string, string>;
    /** The stack lives in `<root>/.pulumi-state`, which this module manages. */
    readonly managed: boolean;
    /** The stack is created on first use: a stack on platform `local` (dev), in whatever backend. */
    readonly createOnFirstUse: boolean;
    /** The backend the stack's state is in, for messages. */
    readonly backend: string;
}

const isSet = (env: NodeJS.ProcessEnv, name: string) => Boolean(env[name]);

/** The stack's policy enforcement file, relative to the root: what `--policy-pack-config` names. */
export const policyConfigOf = (root: string, stack: string): string => `policies/${enforcementFileName(join(root, "policies"), stack)}`;

/** Whether the Docker engine answers `docker info` within 10 s: "ok", "missing" (no docker) or "down". */
export function dockerState(env: NodeJS.ProcessEnv): "ok" | "missing" | "down" {
    const r = spawnSync("docker", ["info"], { env, stdio: "ignore", timeout: 10_000 });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return "missing";
    return r.status === 0 ? "ok" : "down";
}

/**
 * Checks 1 and 2: files, backend, passphrase and credentials, without running anything but `docker info`. A command
 * that only reads the stack (`readsOnly`) needs the backend and the passphrase, not the providers' credentials.
 */
export function checkLocal(root: string, stack: string, usesPolicyPack: boolean, facts: StackFacts, env: NodeJS.ProcessEnv, readsOnly = false): { problems: Problem[]; backend: BackendChoice } {
    const problems: Problem[] = [];
    const problem = (what: string, fix: string) => problems.push({ what, fix });
    const policyConfig = policyConfigOf(root, stack);

    if (usesPolicyPack && !existsSync(join(root, policyConfig))) {
        problem(`${policyConfig} is missing: every stack needs its policy enforcement config.`, `cp policies/staging.json ${policyConfig}   (advisory), or copy policies/prod.json for mandatory enforcement`);
    }
    if (usesPolicyPack && existsSync(join(root, "policies", "package.json")) && !existsSync(join(root, "policies", "node_modules"))) {
        problem("the policy pack's dependencies are not installed (policies/node_modules).", "npm ci --prefix policies");
    }
    for (const path of facts.pluginPaths) {
        if (!existsSync(join(root, path))) problem(`Pulumi.yaml plugins.providers names ${path}, which does not exist under ${root}.`, `restore ${path} (git checkout -- ${path}), or remove the entry from Pulumi.yaml`);
    }
    if (facts.platform === "") {
        problem(`${facts.configFile} sets no ${facts.project}:platform.`, `pulumi config set --stack ${stack} platform fly   (or local)`);
    }

    // Backend and secrets provider.
    const chosen: Record<string, string> = {};
    const managed = facts.platform === "local" && !isSet(env, "PULUMI_BACKEND_URL");
    if (managed) chosen.PULUMI_BACKEND_URL = `file://${root}/.pulumi-state`;
    let backend = chosen.PULUMI_BACKEND_URL || env.PULUMI_BACKEND_URL || facts.loginCurrent;
    if (backend === "" && isSet(env, "PULUMI_ACCESS_TOKEN")) backend = "https://api.pulumi.com";
    let kind: "cloud" | "diy" | "" = "";
    if (backend === "") {
        problem(
            "PULUMI_ACCESS_TOKEN is not set, nor PULUMI_BACKEND_URL, and you are not logged in: there is no Pulumi backend for the state.",
            "export PULUMI_ACCESS_TOKEN=<token from app.pulumi.com/account/tokens>   (or export PULUMI_BACKEND_URL=s3://<bucket>, or pulumi login)",
        );
    } else if (/^https?:\/\//.test(backend)) {
        kind = "cloud";
        if (!isSet(env, "PULUMI_ACCESS_TOKEN") && (facts.loginCurrent !== backend || !facts.loginHasToken)) {
            problem(`PULUMI_ACCESS_TOKEN is not set: the stack's state is in Pulumi Cloud (${backend}).`, "export PULUMI_ACCESS_TOKEN=<token from app.pulumi.com/account/tokens>   (or pulumi login)");
        }
    } else {
        kind = "diy";
    }

    const needsPassphrase = facts.secretsProvider === "passphrase" || (facts.secretsProvider === "" && (facts.encryptionSalt || kind === "diy"));
    if (needsPassphrase) {
        if (facts.platform === "local") {
            // Local stacks only: an empty passphrase, so `npm run up -- dev` works from a fresh clone.
            if (env.PULUMI_CONFIG_PASSPHRASE === undefined && !isSet(env, "PULUMI_CONFIG_PASSPHRASE_FILE")) chosen.PULUMI_CONFIG_PASSPHRASE = "";
        } else if (!isSet(env, "PULUMI_CONFIG_PASSPHRASE") && !isSet(env, "PULUMI_CONFIG_PASSPHRASE_FILE")) {
            problem(`PULUMI_CONFIG_PASSPHRASE is not set (or empty): stack "${stack}" encrypts its secrets with a passphrase.`, "export PULUMI_CONFIG_PASSPHRASE=<the stack's passphrase>   (or PULUMI_CONFIG_PASSPHRASE_FILE=<file>)");
        }
    }

    // A review stack exists for as long as its pull request asks for one, so its first up creates it, as dev's does.
    const createOnFirstUse = facts.platform === "local" || reviewNumber(stack) !== undefined;
    const backendChoice = { env: chosen, managed, createOnFirstUse, backend };
    if (readsOnly) return { problems, backend: backendChoice };
    // Provider credentials, from what the config uses.
    if (facts.platform === "fly" && !isSet(env, "FLY_API_TOKEN")) {
        problem(`FLY_API_TOKEN is not set: stack "${stack}" runs on Fly.io (platform: fly).`, `export FLY_API_TOKEN="$(fly tokens create org --org ${facts.flyOrg || "<org>"})"`);
    }
    if (facts.github && !isSet(env, "GITHUB_TOKEN")) {
        problem(`GITHUB_TOKEN is not set: stack "${stack}" manages a GitHub environment (config key github).`, 'export GITHUB_TOKEN="$(gh auth token)"   (needs repo admin to manage environments)');
    }
    if (facts.sentry && !isSet(env, "SENTRY_AUTH_TOKEN")) {
        problem(`SENTRY_AUTH_TOKEN is not set: stack "${stack}" manages a Sentry project (config key sentry).`, "export SENTRY_AUTH_TOKEN=<token from sentry.io/settings/account/api/auth-tokens/ with project:admin>");
    }
    if (facts.platform === "local") {
        const docker = dockerState(env);
        if (docker === "missing") problem(`docker is not installed: stack "${stack}" runs on local Docker (platform: local).`, "install Docker Desktop or Docker Engine, then start it");
        if (docker === "down") problem(`the Docker engine is not reachable: stack "${stack}" runs on local Docker (platform: local).`, "start Docker (Docker Desktop, or: sudo systemctl start docker) and check with: docker info");
    }
    return { problems, backend: backendChoice };
}

/** Throws the preflight report when there are problems. */
export function reportProblems(stack: string, problems: readonly Problem[]): void {
    if (problems.length === 0) return;
    const n = problems.length;
    const lines = [
        `Preflight failed for stack "${stack}" (${n} problem${n === 1 ? "" : "s"}); nothing was run.`,
        ...problems.map((p) => `  - ${p.what}\n      fix: ${p.fix}`),
        "  (CI: add missing values as secrets of the job's GitHub environment, never of the repository; see docs/delivery.md)",
    ];
    throw new CommandExit(EXIT.preflight, lines.join("\n"));
}

/** `node` arguments of `npm run plan -- <stack>`, from the project root. */
export const planArgs = (stack: string): string[] => ["--import", "tsx", join("scripts", "plan.ts"), stack];

/**
 * Check 3: the offline config validation and policy gate, the same as `npm run plan -- <stack>`. STACK_SKIP_PLAN=1
 * skips it on a workstation only: with CI set it is refused, so no workflow can deploy past the gate.
 */
export function checkPlan(root: string, stack: string, env: NodeJS.ProcessEnv): string {
    if (env.STACK_SKIP_PLAN === "1") {
        if (env.CI) {
            throw new CommandExit(EXIT.usage, `stack: STACK_SKIP_PLAN=1 is refused in CI (CI is set): the offline config and policy gate (npm run plan -- ${stack}) is part of every preflight there.\n      fix: remove STACK_SKIP_PLAN from the workflow's env`);
        }
        return `preflight: npm run plan -- ${stack} skipped (STACK_SKIP_PLAN=1; refused in CI)`;
    }
    const r = spawnSync(process.execPath, planArgs(stack), { cwd: root, env: { ...env, NO_COLOR: "1" }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) {
        const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trimEnd().split("\n").slice(-60);
        throw new CommandExit(EXIT.preflight, [`Preflight failed for stack "${stack}": npm run plan -- ${stack} rejected it; nothing was run.`, ...out.map((l) => `  ${l}`)].join("\n"));
    }
    return `preflight: config of "${stack}" is valid and the offline policy gate passed (npm run plan -- ${stack})`;
}

/** The first lines of what the CLI printed on stderr, out of an Automation API `CommandError`. */
function cliStderr(err: unknown): string[] {
    const message = err instanceof Error ? err.message : String(err);
    // Only the stderr part: the message also carries stdout, which for `config --show-secrets` holds secrets.
    const stderr = /\bstderr: ([\s\S]*?)(?:\n err\?:|$)/.exec(message)?.[1] ?? "";
    return stderr
        .split("\n")
        .filter((l) => l.trim() !== "")
        .slice(0, 5);
}

/**
 * Check 4, through the Automation API on the pinned CLI: selects the stack (creating a local one on first use) and
 * decrypts its config. The decrypted values stay in this process and are dropped: only whether decryption works
 * matters.
 */
export async function checkBackend(root: string, stack: string, cli: PinnedCli, backend: BackendChoice): Promise<void> {
    const { LocalWorkspace, Stack } = await import("@pulumi/pulumi/automation");
    const workspace = await LocalWorkspace.create({ workDir: root, pulumiCommand: cli.command });
    if (backend.managed) mkdirSync(join(root, ".pulumi-state"), { recursive: true });
    try {
        await (backend.createOnFirstUse ? Stack.createOrSelect(stack, workspace) : Stack.select(stack, workspace));
    } catch (err) {
        throw new CommandExit(
            EXIT.preflight,
            [
                `Preflight failed: stack "${stack}" could not be selected in backend ${process.env.PULUMI_BACKEND_URL || backend.backend}:`,
                ...cliStderr(err).map((l) => `    ${l}`),
                `      fix: create it with: pulumi stack init ${stack}   (docs/runbooks/add-environment.md), or check PULUMI_BACKEND_URL and the token's organization`,
            ].join("\n"),
        );
    }
    try {
        await workspace.getAllConfig(stack);
    } catch (err) {
        throw new CommandExit(
            EXIT.preflight,
            [
                `Preflight failed: the secrets of stack "${stack}" do not decrypt:`,
                ...cliStderr(err).map((l) => `    ${l}`),
                "      fix: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase (the stack file's encryptionsalt was made with it), or the credentials of its secrets provider",
            ].join("\n"),
        );
    }
}

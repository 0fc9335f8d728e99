/**
 * The one way to run Pulumi against a stack, for people and for the GitHub workflows alike:
 *
 *   npm run <preview|up|drift|check> -- <stack> [extra pulumi args...]
 *   npm run <releases|verify|rollback> -- <stack> [options]; npm run promote -- <from> <to>
 *   node --import tsx delivery/cli/main.ts <command> <stack> [extra pulumi args...]
 *
 * Commands are in commands.ts; the preflight in preflight.ts. Every pulumi command is the pinned CLI
 * (pinnedCli.ts), run from the project root (root.ts), with INT and TERM passed on and waited for (runCli.ts).
 * Stacks on platform `local` (dev) use a file backend in <root>/.pulumi-state unless PULUMI_BACKEND_URL is set,
 * are created on first use (in any backend), and may use an empty passphrase. In Pulumi Cloud, stack names resolve in the token's
 * default organization (an organization token's own).
 *
 * Exit codes (exitCodes.ts): 0 ok; 2 usage; 3 drift found; 4 preflight failed; 5 verification failed; 6 refused by the
 * release records; otherwise pulumi's.
 */
import { deferUnusedModules } from "../../startup/defer";
import { configFileArgs, findStackFile } from "../../config/stackFile";
import { stackFileNames, stackNameProblem } from "../../config/stackName";
import { stackAutomation, type StackAutomation } from "./automation";
import type { CommandContext } from "./command";
import { COMMANDS } from "./commands";
import { CommandExit, EXIT } from "./exitCodes";
import { readStackFacts, type StackFacts } from "./facts";
import { pinnedCli } from "./pinnedCli";
import { checkBackend, checkLocal, checkPlan, policyConfigOf, reportProblems } from "./preflight";
import { elsewhereNote, ROOT, startedIn } from "./root";
import { runCli } from "./runCli";

function usage(root: string): string {
    const stacks = stackFileNames(root);
    return [
        "usage: npm run <command> -- <stack> [extra pulumi args...]   (or: node --import tsx delivery/cli/main.ts <command> <stack> ...)",
        `  commands: ${Object.keys(COMMANDS).join(", ")}`,
        `  stacks:   ${stacks.length > 0 ? stacks.join(" ") : `(none: no Pulumi.<stack>.yaml in ${root})`}`,
    ].join("\n");
}

const usageError = (root: string, message: string) => new CommandExit(EXIT.usage, `stack: ${message}\n${usage(root)}`);

/** Runs one stack command; returns its exit code. `env` is the process's environment (changed in place for the CLI). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, root = ROOT): Promise<number> {
    const [name, stack, ...extraArgs] = argv;
    if (!name) throw usageError(root, "missing command");
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw usageError(root, `unknown command "${name}"`);
    if (!stack) throw usageError(root, "missing stack name");
    const nameProblem = stackNameProblem(stack);
    if (nameProblem) throw usageError(root, `invalid stack name "${stack}": it ${nameProblem} (e.g. staging)`);
    const refusal = command.refuses?.(stack);
    if (refusal) throw new CommandExit(EXIT.usage, `stack: ${name} refuses stack "${stack}": ${refusal}`);
    const found = findStackFile(root, stack);
    if (found.file === undefined) {
        const known = stackFileNames(root);
        throw new CommandExit(EXIT.usage, [`stack: unknown stack "${stack}": ${found.problem}`, `  known stacks: ${known.join(" ") || "(none)"}, and review stacks pr-<number>`].join("\n"));
    }

    const note = elsewhereNote(startedIn(env));
    if (note) console.error(note);
    process.chdir(root);

    let facts: StackFacts;
    try {
        facts = readStackFacts(root, stack, env);
    } catch (err) {
        throw new CommandExit(EXIT.preflight, `stack: cannot read ${found.file} or Pulumi.yaml:\n  ${(err as Error).message.split("\n").slice(0, 5).join("\n  ")}\n  fix: make sure both are valid YAML and that dependencies are installed (npm ci)`);
    }
    const readsOnly = command.readsOnly ?? false;
    const usesPolicyPack = !readsOnly && (command.usesPolicyPack ?? true);
    const { problems, backend } = checkLocal(root, stack, usesPolicyPack, facts, env, readsOnly);
    reportProblems(stack, problems);
    if (command.runsProgram ?? true) console.log(checkPlan(root, stack, env));

    Object.assign(env, backend.env, { PULUMI_SKIP_UPDATE_CHECK: "true" });
    const cli = await pinnedCli(root);
    console.log(`pulumi v${cli.version} (pinned by node_modules/pulumi): ${cli.bin}`);
    await checkBackend(root, stack, cli, backend);
    console.log(`preflight: stack "${stack}" selected, secrets decrypt`);

    let automation: Promise<StackAutomation> | undefined;
    const ctx: CommandContext = {
        root,
        project: facts.project,
        env,
        stack,
        stackArgs: ["--stack", stack, ...configFileArgs(stack, facts.configFile)],
        extraArgs,
        policyArgs: usesPolicyPack ? ["--policy-pack", "policies", "--policy-pack-config", policyConfigOf(root, stack)] : [],
        yes: env.CI || !process.stdin.isTTY ? ["--yes"] : [],
        pulumi: (args, opts) => {
            console.log(`+ pulumi ${args.join(" ")}`);
            return runCli(cli.bin, args, { cwd: root, env, capture: opts?.capture });
        },
        automation: () => (automation ??= stackAutomation(root, cli)),
        log: (line) => console.log(line),
        error: (line) => console.error(line),
    };
    return command.run(ctx);
}

if (require.main === module) {
    // The Automation API loads all of @pulumi/pulumi, TypeScript's compiler included, which no command uses: about a
    // third of a second of every command's start (docs/startup.md).
    deferUnusedModules();
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            if (err instanceof CommandExit) {
                console.error(err.message);
                process.exitCode = err.code;
            } else {
                console.error(`stack: ${(err as Error).stack ?? String(err)}`);
                process.exitCode = 1;
            }
        },
    );
}

/**
 * `npm run plan -- <stack>`: `pulumi preview` of a new stack, offline. The offline engine (`engine/`) runs the real
 * program entry, the real dynamic-provider host (each Fly resource's `check`) and the policy pack in
 * `@pulumi/policy`'s own analyzer with `policies/<stack>.json`; plugin-backed providers are schema-checked stand-ins.
 * No credential is read and nothing is contacted: Fly calls would go to a closed local port with a placeholder
 * token. Exits non-zero on invalid config, a failed check or a mandatory violation.
 */
// First: config/ loads @pulumi/pulumi, and with it TypeScript's compiler, which a plan never uses (docs/startup.md).
import "../startup/deferNow";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { StackNameError, stackNameProblem } from "../config";
import { enforcementFileName, findStackFile } from "../config/stackFile";
import { budgetOf } from "../delivery/cost/budget";
import { renderEstimate } from "../delivery/cost/estimate";
import { fromEngine } from "../delivery/preview/model";
import { previewReport, renderGuard } from "../delivery/preview/report";
import { ROOT, runOperation } from "../engine";
import { redactCredentials } from "../config/credentials";
import { renderRelease } from "./planRelease";
import { paint, renderOutputs, renderPolicies, renderSteps, renderSummary, STAND_IN } from "./render";
import { parseStackFile } from "./stackFile";

/**
 * What the plan runs with instead of the caller's environment: never a real credential, never a real endpoint.
 * The token only satisfies the program's "token is set" check for the registry; a stand-in builds the image.
 */
export const OFFLINE_ENV: Readonly<Record<string, string | undefined>> = {
    FLY_API_TOKEN: "FlyV1 offline-plan-placeholder-not-a-credential",
    FLY_API_HOSTNAME: "http://127.0.0.1:9",
    GITHUB_TOKEN: undefined,
    SENTRY_AUTH_TOKEN: undefined,
    PULUMI_ACCESS_TOKEN: undefined,
};

function usage(message?: string): number {
    if (message) console.error(message);
    console.error("usage: npm run plan -- <stack>   (dev, staging, prod, any Pulumi.<stack>.yaml, or a review stack pr-<number> from Pulumi.review.yaml)");
    return 2;
}

async function main(): Promise<number> {
    const stack = process.argv[2];
    if (!stack || stack.startsWith("-")) return usage();
    // Checked before the name becomes part of a file path.
    const badName = stackNameProblem(stack);
    if (badName !== undefined) return usage(new StackNameError(stack, badName).message);
    const found = findStackFile(ROOT, stack);
    if (found.file === undefined) return usage(`No config for stack "${stack}": ${found.problem}`);

    console.log(paint.bold(`Previewing update (${stack}), offline: a new stack, no credentials; ${STAND_IN} = a plugin-backed provider's invented outputs\n`));
    const result = await runOperation({ stack, operation: "preview", env: OFFLINE_ENV });
    // A program that failed (invalid config, a refused check) registered a partial graph: its error is the plan.
    if (!result.ok && (result.program === undefined || result.program.code !== 0)) {
        // A component's or provider's message may quote a value; none that looks like a credential is printed.
        console.error(paint.red(`error: preview of ${stack} failed:\n${redactCredentials(result.error ?? "")}`));
        return 1;
    }
    if (result.steps.length > 0) console.log(renderSteps(result.steps));
    const outputs = renderOutputs(result.outputs);
    if (outputs) console.log(`\nOutputs:\n${outputs}`);
    if (result.steps.length > 0) console.log(`\nResources:\n${renderSummary(result.steps)}`);
    if (result.policyPack) {
        const version = JSON.parse(readFileSync(join(ROOT, "policies", "package.json"), "utf8")).version as string;
        console.log(`\n${renderPolicies(result, version, "policies")}`);
    }
    // The program ran, so the stack file parsed: its guard settings are valid.
    const { config } = parseStackFile(stack);
    console.log(`\n${renderRelease(config, result.policyPack ? result.violations : undefined)}`);
    const enforcement = enforcementFileName(join(ROOT, "policies"), stack);
    const budgetUsd = budgetOf(join(ROOT, "policies", enforcement));
    const report = previewReport(fromEngine(result), config.guard, [], budgetUsd);
    console.log(`\n${renderGuard(report)}`);
    console.log(`\nMonthly estimate${budgetUsd === undefined ? "" : ` (budget $${budgetUsd.toFixed(2)})`}:\n${renderEstimate(report.cost.after)}`);
    if (!report.guard.ok) {
        console.error(paint.red(`\nerror: preview of ${stack} failed: the guard blocks ${report.guard.findings.length} change${report.guard.findings.length === 1 ? "" : "s"} (guard.statefulChanges)`));
        return 1;
    }
    if (result.ok) return 0;
    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    console.error(paint.red(`\nerror: preview of ${stack} failed: ${mandatory > 0 ? `${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"} (policies/${enforcement}); pulumi up would be blocked` : redactCredentials(result.error ?? "")}`));
    return 1;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error) => {
            console.error(error instanceof Error ? error.message : String(error));
            process.exit(1);
        },
    );
}

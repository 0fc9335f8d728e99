/**
 * `npm run envdiff [-- --changed] [--no-cost] [stacks...]`: the effective configuration (stack file plus schema
 * defaults) of each stack side by side. Rows whose values differ are marked `≠`, so a reviewer sees environment
 * parity at a glance; secret values are never read, only whether each is set. Then each stack's monthly estimate,
 * line by line, from an offline preview (delivery/cost/; `--no-cost` skips those previews).
 */
// First: config/ loads @pulumi/pulumi, and with it TypeScript's compiler, which envdiff never uses (docs/startup.md).
import "../startup/deferNow";
import { STACK_NAME, stackFileNames, StackNameError, stackNameProblem } from "../config";
import { renderEstimate } from "../delivery/cost/estimate";
import { fromEngine } from "../delivery/preview/model";
import { costOf } from "../delivery/preview/report";
import { runOperation } from "../engine";
import { OFFLINE_ENV } from "./plan";
import { parseStackFile, readStackFile, ROOT } from "./stackFile";
import { MASK, paint } from "./render";

/** Flattens a config object to `path → printable value` rows. */
export function flatten(node: unknown, path = "", out: Map<string, string> = new Map()): Map<string, string> {
    if (node !== null && typeof node === "object" && !Array.isArray(node)) {
        for (const [key, value] of Object.entries(node)) flatten(value, path ? `${path}.${key}` : key, out);
    } else {
        out.set(path, Array.isArray(node) ? node.map((v) => String(v)).join(", ") || "[]" : String(node));
    }
    return out;
}

/** Effective config rows of one stack, or its configuration error. */
export function effectiveConfig(stack: string, config: Record<string, unknown> = readStackFile(stack)): Map<string, string> | Error {
    try {
        const parsed = parseStackFile(stack, config);
        const rows = flatten(parsed.config);
        for (const name of parsed.secretNames) rows.set(name, MASK);
        return rows;
    } catch (error) {
        return error as Error;
    }
}

/** The side-by-side table for `stacks`, each read from its stack file (or by `read`, for tests). */
export function envdiff(stacks: readonly string[], changedOnly = false, read: (stack: string) => Record<string, unknown> = readStackFile): string {
    const columns = stacks.map((stack) => ({ stack, rows: effectiveConfig(stack, read(stack)) }));
    const keys = [...new Set(columns.flatMap((c) => (c.rows instanceof Error ? [] : [...c.rows.keys()])))].sort();
    const cell = (rows: Map<string, string> | Error, key: string) => (rows instanceof Error ? "(invalid)" : (rows.get(key) ?? "—"));
    const table = keys
        .map((key) => ({ key, values: columns.map((c) => cell(c.rows, key)) }))
        .filter((row) => !changedOnly || new Set(row.values).size > 1);
    const width = (values: string[], min: number) => Math.min(48, Math.max(min, ...values.map((v) => v.length)));
    const keyWidth = width(table.map((r) => r.key), 3);
    const widths = stacks.map((stack, i) => width(table.map((r) => r.values[i]), stack.length));
    const fit = (text: string, w: number) => (text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w));
    const lines = [`  ${fit("key", keyWidth)}  ${stacks.map((s, i) => paint.bold(fit(s, widths[i]))).join("  ")}`];
    for (const row of table) {
        const differs = new Set(row.values).size > 1;
        const text = `${differs ? "≠" : " "} ${fit(row.key, keyWidth)}  ${row.values.map((v, i) => fit(v, widths[i])).join("  ")}`;
        lines.push(differs ? paint.yellow(text) : paint.dim(text));
    }
    for (const { rows } of columns) if (rows instanceof Error) lines.push(paint.red(`\n${rows.message}`));
    const differing = table.filter((r) => new Set(r.values).size > 1).length;
    lines.push(`\n${differing} of ${keys.length} settings differ across ${stacks.join(", ")} (≠).`);
    return lines.join("\n");
}

/** The stack names among `named` that Pulumi refuses, each with its error. */
export function invalidStackNames(named: readonly string[]): StackNameError[] {
    return named.flatMap((stack) => {
        const problem = stackNameProblem(stack);
        return problem === undefined ? [] : [new StackNameError(stack, problem)];
    });
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const changedOnly = args.includes("--changed");
    const named = args.filter((a) => !a.startsWith("--"));
    const refused = invalidStackNames(named);
    if (refused.length > 0) {
        for (const error of refused) console.error(error.message);
        process.exit(2);
    }
    // A file whose name is no valid stack name (`Pulumi.a b.yaml`) is no stack Pulumi could select.
    const found = stackFileNames(ROOT).filter((s) => STACK_NAME.test(s));
    const order = ["dev", "staging", "prod"];
    const stacks = named.length ? named : found.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    console.log(envdiff(stacks, changedOnly));
    if (!args.includes("--no-cost")) void printEstimates(stacks);
}

/** Each stack's monthly estimate, from an offline preview of a new stack (what the plan prices). */
async function printEstimates(stacks: readonly string[]): Promise<void> {
    for (const stack of stacks) {
        const result = await runOperation({ stack, operation: "preview", env: OFFLINE_ENV, policyPack: false });
        const heading = paint.bold(`\nMonthly estimate of ${stack}:`);
        if (!result.ok) console.log(`${heading}\n    (its preview failed: ${result.error?.split("\n")[0]})`);
        else console.log(`${heading}\n${renderEstimate(costOf(fromEngine(result)).after)}`);
    }
}

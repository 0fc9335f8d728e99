/**
 * `npm run bench`: stack evaluation time against its budget, the start-up of a real-runtime preview of each stack
 * (cold and warm) against its budget, the test suite's time against its 180 s budget (bench/suite.ts; `--suite` for it
 * alone, `--no-tests` without it), (when present) the Fly provider's request counts and times against the emulator,
 * and the time a rollback takes from a failed verification to the previous release answering (budget 5 min). Figures are printed as a table, with ratios to the
 * budget or reference measured in this one run; nothing here asserts on time.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MAX_PROVIDER_BYTES, MAX_STATE_BYTES } from "../test/harness/stateSize";
import { benchRollback, formatRollback } from "./rollback";
import { benchStacks, STACK_BUDGET_MS } from "./stacks";
import { benchSuite, formatSuite } from "./suite";
import { benchStartup, formatStartup, fixedCost } from "./startup";
import { table } from "./table";

const ROOT = join(__dirname, "..");

async function main() {
    // `--suite`: the test suite's time alone (the other figures take a few minutes of their own).
    if (process.argv.includes("--suite")) {
        console.log(formatSuite(benchSuite(ROOT)));
        return;
    }
    const stacks = await benchStacks(["dev", "staging", "prod"]);
    console.log("\nStack evaluation under the offline harness (budget 1.5 s per stack)\n");
    console.log(
        table(
            ["stack", "resources", "first ms", "median ms", "median/budget"],
            stacks.map((s) => [s.stack, s.resources, s.firstMs.toFixed(0), s.medianMs.toFixed(0), (s.medianMs / STACK_BUDGET_MS).toFixed(2)]),
        ),
    );
    console.log(`\nState each stack leaves (budgets ${MAX_STATE_BYTES / 1024} KB per stack, ${MAX_PROVIDER_BYTES / 1024} KB per __provider)\n`);
    console.log(
        table(
            ["stack", "state KB", "state/budget", "max __provider B", "__provider/budget"],
            stacks.map((s) => [s.stack, (s.stateBytes / 1024).toFixed(1), (s.stateBytes / MAX_STATE_BYTES).toFixed(2), s.maxProviderBytes, (s.maxProviderBytes / MAX_PROVIDER_BYTES).toFixed(2)]),
        ),
    );

    console.log(`\n${formatStartup(await benchStartup(["dev", "staging", "prod"]), fixedCost())}`);

    const flyBench = join(ROOT, "bench", "fly.ts");
    if (existsSync(flyBench)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fly = require(flyBench) as typeof import("./fly");
        console.log(`\n${fly.formatFly(await fly.benchFly())}`);
    }

    console.log(`\n${formatRollback(await benchRollback())}`);

    if (!process.argv.includes("--no-tests")) console.log(`\n${formatSuite(benchSuite(ROOT))}`);
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);

/**
 * A stack's estimated monthly Fly bill stays within its budget: `budget.monthlyUsd` in the stack's enforcement
 * file (`policies/<stack>.json`, `"budget": { "monthlyUsd": 400 }`), priced from the dated table the plan and the PR
 * comment use (delivery/cost/). No budget set (0, the default), no judgement; mandatory wherever the file makes every
 * rule mandatory.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { estimate, money } from "../../../delivery/cost/estimate";
import { settings, stackNodes } from "../../lib/rule";

/** 0, the default, sets no budget. */
const DEFAULTS = { monthlyUsd: 0 };

export const budget: StackValidationPolicy = {
    name: "budget",
    description: "The stack's estimated monthly Fly bill (delivery/cost/fly-prices.json) stays within budget.monthlyUsd, when the stack sets one.",
    severity: "medium",
    configSchema: { properties: { monthlyUsd: { type: "number", minimum: 0, default: DEFAULTS.monthlyUsd } } },
    validateStack: (args, reportViolation) => {
        const { monthlyUsd } = settings(args, DEFAULTS);
        if (monthlyUsd === 0) return;
        const bill = estimate(stackNodes(args).map((n) => ({ type: n.type, name: n.name, inputs: n.props })));
        if (bill.monthlyUsd <= monthlyUsd) return;
        const biggest = [...bill.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, 3).map((l) => `${l.resource} ${money(l.monthlyUsd)}`);
        reportViolation(
            `The stack's estimated Fly bill is ${money(bill.monthlyUsd)} a month, over its budget of ${money(monthlyUsd)} (largest: ${biggest.join(", ")}). ` +
                `Fix: shrink what costs most (app.machines, database.plan, database.diskGb), or raise "budget": { "monthlyUsd": ... } in the stack's enforcement file.`,
        );
    },
};

/**
 * The release step only moves the schema forward and carries no credential. It runs once with each new image,
 * before the image takes traffic, with the production database: a command that migrates down, resets, drops or
 * cleans (`migrate:rollback`, `alembic downgrade`, `prisma migrate reset`, `flyway clean`, `migrate app zero`)
 * destroys production data on every deploy. And a credential written as an argument (`--password=...`, a URL with
 * a password, a pasted token) sits in plain resource inputs, state and plan output; the app's secrets reach the
 * command through its environment instead. Judged on each argument; an argument's value is never echoed.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CREDENTIAL_NAME, looksLikeCredential } from "../../../config/credentials";
import { isUnknown, listAt } from "../../lib/known";
import { plainProps, UNPROVEN } from "../../lib/rule";
import { FLY, isLocalRelease } from "../../lib/types";

/** Words of an argument that undo or destroy schema and data. */
const DESTRUCTIVE = new Set(["down", "rollback", "downgrade", "reset", "fresh", "refresh", "drop", "dropdb", "undo", "revert", "unapply", "purge", "truncate", "wipe", "flush", "clean", "destroy", "teardown", "loss"]);

/** Flags that name the version to migrate to; `0`, `zero` or a negative step after them goes back. */
const TARGET_FLAG = /^-{1,2}(?:to|target|version|steps?)$/i;
const EARLIER = /^(?:0+|zero|-\d+)$/i;

const KEY = "app.release.command";

/** Whether argument `i` of a migrate command names an earlier version: `zero`, `-1`, `--to 0`, `VERSION=0`. */
function goesBack(command: readonly unknown[], i: number): boolean {
    const arg = String(command[i]).trim();
    if (/^(?:-{1,2})?(?:to|target|version|steps?)=(?:0+|-\d+)$/i.test(arg)) return true;
    if (!EARLIER.test(arg)) return false;
    return /^zero$/i.test(arg) || arg.startsWith("-") || TARGET_FLAG.test(String(command[i - 1] ?? ""));
}

/** What is wrong with one argument list, one phrase per problem, never an argument's value. */
export function releaseCommandProblems(command: readonly unknown[]): string[] {
    const problems: string[] = [];
    const words = command.map((arg) => (typeof arg === "string" ? arg.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean) : []));
    const migrates = words.some((w) => w.some((word) => word.startsWith("migrat")));
    command.forEach((arg, i) => {
        if (typeof arg !== "string") return;
        const at = `${KEY}[${i}]`;
        const destructive = words[i].find((word) => DESTRUCTIVE.has(word));
        if (destructive) problems.push(`${at} ("${destructive}") undoes or destroys schema and data`);
        else if (migrates && goesBack(command, i)) {
            problems.push(`${at} migrates to an earlier version`);
        }
        if (looksLikeCredential(arg)) problems.push(`${at} looks like a credential (value not shown)`);
        else if (/^-{1,2}[A-Za-z][A-Za-z0-9_-]*$/.test(arg) && CREDENTIAL_NAME.test(arg.replace(/^-+/, "")) && i + 1 < command.length) {
            problems.push(`${KEY}[${i + 1}] is the value of ${arg}, a credential (value not shown)`);
        }
    });
    return problems;
}

export const safeReleaseCommand: ResourceValidationPolicy = {
    name: "safe-release-command",
    description: "The release command only migrates forward (no down, rollback, reset, drop or clean) and carries no credential as an argument.",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        const props = plainProps(args.props);
        if (args.type !== FLY.release && !isLocalRelease(args.type, props)) return;
        const command = listAt(props, "command");
        if (isUnknown(command) || command.some(isUnknown)) {
            reportViolation(`The release command ${UNPROVEN}; it must be a plain config value (${KEY}).`);
            return;
        }
        const problems = releaseCommandProblems(command);
        if (problems.length === 0) return;
        reportViolation(
            `The release step runs with each new image against the production database, and its command is unsafe: ${problems.join("; ")}. ` +
                `Fix: make ${KEY} the forward migration only (pulumi config set --path '${KEY}[0]' npm && pulumi config set --path '${KEY}[1]' run && pulumi config set --path '${KEY}[2]' migrate); ` +
                "a credential goes in the app's secrets (secrets.extra, pulumi config set --secret NAME), which the command reads from its environment.",
        );
    },
};

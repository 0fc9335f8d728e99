/**
 * Configuration problems as a user can act on them: which stack, which key, what is wrong, and the exact
 * `pulumi config` command that fixes it.
 */
import * as pulumi from "@pulumi/pulumi";
import { redactCredentials } from "./credentials";
import { REVIEW_TEMPLATE, reviewNumber } from "./stackFile";

/** What a message prints in place of a value that came from a secure (`--secret`) config value. */
export const MASKED = "[secret]";

/** One problem with one key of a stack's configuration. */
export interface ConfigIssue {
    /** Key path inside the project's namespace, as `pulumi config set --path` spells it (`app.machines.count`). */
    readonly key: string;
    /** What is wrong, with the allowed range and the value received (`[secret]` for a secure value). */
    readonly problem: string;
    /** The command that fixes it. */
    readonly fix: string;
}

/** ANSI escape sequences (colour, cursor): a report never carries them, so `NO_COLOR` and log files stay clean. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, "g");

/** An issue as it may be shown: no credential-shaped value, no escape sequence. */
function reportable(issue: ConfigIssue): ConfigIssue {
    const clean = (text: string) => redactCredentials(text.replace(ANSI, ""));
    return { key: clean(issue.key), problem: clean(issue.problem), fix: clean(issue.fix) };
}

/**
 * Every problem found in a stack's configuration, thrown before any resource is registered, as the user reads it:
 * a `RunError`, so the Pulumi CLI prints the message alone (any other error prints as a coloured stack trace,
 * whatever `NO_COLOR` says); each issue's key, problem and fix; no colour; no plain value that looks like a
 * credential (a URL with a password, a pasted token), whichever check quoted it.
 */
export class ConfigError extends pulumi.RunError {
    readonly issues: readonly ConfigIssue[];

    constructor(
        readonly stack: string,
        issues: readonly ConfigIssue[],
    ) {
        const redacted = issues.map(reportable);
        super(formatReport(`Invalid configuration for stack "${stack}"`, redacted));
        this.name = "ConfigError";
        this.issues = redacted;
    }
}

/** `app.settings.corsOrigins[0]` → `app.settings.corsOrigins[]` and its index; `undefined` when not a list element. */
function listElement(key: string): { list: string; index: string } | undefined {
    const match = /^(.*)\[(\d+)\]$/.exec(key);
    return match ? { list: match[1], index: match[2] } : undefined;
}

/** A problem without the value it quotes (`..., received "x"`), so the same problem of two elements compares equal. */
const withoutReceived = (problem: string): { base: string; received?: string } => {
    const at = problem.lastIndexOf(", received ");
    return at < 0 ? { base: problem } : { base: problem.slice(0, at), received: problem.slice(at + ", received ".length) };
};

/**
 * Issues as the report lists them: one problem repeated by several elements of one list (every origin of
 * `corsOrigins` without https) is one entry naming the elements and what each holds, with one fix.
 */
function grouped(issues: readonly ConfigIssue[]): ConfigIssue[] {
    const out: { issue: ConfigIssue; elements: { index: string; received?: string }[]; list?: string; base?: string }[] = [];
    for (const issue of issues) {
        const element = listElement(issue.key);
        const { base, received } = withoutReceived(issue.problem);
        const fix = element ? issue.fix.split(issue.key).join(`${element.list}[<i>]`) : issue.fix;
        const same = element && out.find((o) => o.list === element.list && o.base === base && o.issue.fix === fix);
        if (same && element) same.elements.push({ index: element.index, received });
        else out.push({ issue: element ? { ...issue, fix } : issue, elements: element ? [{ index: element.index, received }] : [], list: element?.list, base });
    }
    return out.map(({ issue, elements, list, base }) => {
        if (elements.length < 2 || list === undefined) return elements.length === 1 ? { ...issue, fix: issue.fix.split(`${list}[<i>]`).join(issue.key) } : issue;
        const indexes = elements.map((e) => e.index);
        const values = elements.every((e) => e.received !== undefined) ? `; received ${elements.map((e) => `[${e.index}] ${e.received}`).join(", ")}` : "";
        return {
            key: `${list}[${indexes.join(", ")}]`,
            problem: `${base} (${elements.length} elements)${values}`,
            fix: `${issue.fix}   (for each <i> of ${indexes.join(", ")})`,
        };
    });
}

/** `<title> (<n> problems); nothing was created.` and one entry per (grouped) issue with its fix line. */
function formatReport(title: string, issues: readonly ConfigIssue[]): string {
    const shown = grouped(issues);
    const count = shown.length === 1 ? "1 problem" : `${shown.length} problems`;
    const lines = shown.map((issue) => `  - ${issue.key}: ${issue.problem}\n      fix: ${issue.fix}`);
    return `${title} (${count}); nothing was created.\n${lines.join("\n")}`;
}



/** Quotes a config path for a POSIX shell when it has characters the shell would interpret. */
export function shellQuote(value: string): string {
    return /^[A-Za-z0-9_.:\-/@]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `--stack <stack>`, and the template for a review stack, whose settings are that file's (config/stackFile.ts). */
function stackFlags(stack: string): string {
    return reviewNumber(stack) === undefined ? `--stack ${stack}` : `--stack ${stack} --config-file ${REVIEW_TEMPLATE}`;
}

/**
 * `pulumi config set` for a key of the project's namespace.
 * @param stack The stack the command names (`--stack`); undefined for the selected stack.
 */
export function setCommand(stack: string | undefined, key: string, value: string, options: { secret?: boolean } = {}): string {
    const nested = key.includes(".") || key.includes("[");
    const flags = [stack === undefined ? "" : stackFlags(stack), options.secret ? "--secret" : "", nested ? "--path" : ""].filter(Boolean).join(" ");
    return `pulumi config set ${flags ? `${flags} ` : ""}${shellQuote(key)} ${value}`;
}

/** `pulumi config rm` for a key of the project's namespace. */
export function removeCommand(stack: string, key: string): string {
    const nested = key.includes(".") || key.includes("[");
    return `pulumi config rm ${stackFlags(stack)} ${nested ? "--path " : ""}${shellQuote(key)}`;
}

/**
 * Configuration problems as a user can act on them: which stack, which key, what is wrong, and the exact
 * `pulumi config` command that fixes it.
 */
import * as pulumi from "@pulumi/pulumi";

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

/**
 * Every problem found in a stack's configuration. Thrown before any resource is registered. It extends
 * `RunError` so the Pulumi CLI prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly issues: readonly ConfigIssue[],
    ) {
        super(formatIssues(stack, issues));
        this.name = "ConfigError";
    }
}

/** The report printed for a stack whose configuration is invalid. */
export function formatIssues(stack: string, issues: readonly ConfigIssue[]): string {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.key}: ${issue.problem}\n      fix: ${issue.fix}`);
    return `Invalid configuration for stack "${stack}" (${count}); nothing was created.\n${lines.join("\n")}`;
}

/** Quotes a config path for a POSIX shell when it has characters the shell would interpret. */
export function shellQuote(value: string): string {
    return /^[A-Za-z0-9_.:\-/@]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `pulumi config set` for a key of the project's namespace. */
export function setCommand(stack: string, key: string, value: string, options: { secret?: boolean } = {}): string {
    const nested = key.includes(".") || key.includes("[");
    const flags = [options.secret ? "--secret" : "", nested ? "--path" : ""].filter(Boolean).join(" ");
    return `pulumi config set --stack ${stack} ${flags ? `${flags} ` : ""}${shellQuote(key)} ${value}`;
}

/** `pulumi config rm` for a key of the project's namespace. */
export function removeCommand(stack: string, key: string): string {
    const nested = key.includes(".") || key.includes("[");
    return `pulumi config rm --stack ${stack} ${nested ? "--path " : ""}${shellQuote(key)}`;
}

/**
 * What makes a configuration a review stack's: the template Pulumi.review.yaml (marked by its `review` section) is
 * read by every `pr-<number>` stack, so what differs between them comes from the stack's name, here, once: the
 * environment the app and Sentry report (`pr-7`); the database and user in the shared cluster are named after the
 * stack by components/naming.ts. A template that would reach beyond its own pull request (a cluster of its own, a
 * GitHub environment, a database name of the cluster's owner) is refused with the key and the fix.
 */
import { ConfigIssue, removeCommand, setCommand } from "./errors";
import { REVIEW_TEMPLATE, reviewNumber } from "./stackFile";

type Settings = Record<string, unknown>;

const objectAt = (settings: Settings, key: string): Settings | undefined => {
    const value = settings[key];
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Settings) : undefined;
};

/** Whether `settings` are a review template's (a `review` section). */
export function isReviewTemplate(settings: Settings): boolean {
    return settings.review !== undefined;
}

/** The template's settings with what each review stack takes from its name: `environment` is the stack's name. */
export function withStackName(stack: string, settings: Settings): Settings {
    if (!isReviewTemplate(settings) || settings.environment !== undefined) return settings;
    return { ...settings, environment: stack };
}

/** The problems of a review template read by `stack`, each with its fix. */
export function reviewTemplateIssues(stack: string, settings: Settings): ConfigIssue[] {
    const database = objectAt(settings, "database");
    const issues: ConfigIssue[] = [];
    // A name written by hand in a shared cluster is another stack's database (staging's `app`), whichever stack reads it.
    if (database?.kind === "flyShared" && database.name !== undefined) {
        issues.push({
            key: "database.name",
            problem: `names a database of the shared cluster by hand (${JSON.stringify(database.name)}), as staging's own (app) is named; a stack's database there is its own, always named after the stack (such as app_pr_7)`,
            fix: removeCommand(stack, "database.name"),
        });
    }
    if (!isReviewTemplate(settings)) return issues;
    if (reviewNumber(stack) === undefined) {
        issues.push({ key: "review", problem: `marks a review template, which only review stacks pr-<number> read; stack "${stack}" is not one`, fix: `${removeCommand(stack, "review")}, or run the review stack pr-<number>` });
    }
    if (settings.environment !== undefined) {
        issues.push({ key: "environment", problem: `is each review stack's own name (pr-7), so the app and Sentry tell pull requests apart; ${REVIEW_TEMPLATE} must not set it`, fix: removeCommand(stack, "environment") });
    }
    if (database !== undefined && database.kind !== "flyShared") {
        issues.push({
            key: "database.kind",
            problem: `is ${JSON.stringify(database.kind)}: a review stack would create a database cluster of its own; its database lives in staging's Managed Postgres cluster (flyShared)`,
            fix: `${setCommand(stack, "database.kind", "flyShared")} && ${setCommand(stack, "database.cluster", "<staging's cluster id: fly mpg list --org <org>>")}`,
        });
    }
    if (settings.github !== undefined) {
        issues.push({ key: "github", problem: "manages a GitHub environment; a review stack changes no GitHub environment (its workflow's credentials come from the review environment)", fix: removeCommand(stack, "github") });
    }
    return issues;
}

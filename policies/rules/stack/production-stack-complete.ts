/** Rule 15: a production stack has every part production relies on: the app, a protected database, a GitHub environment, Sentry. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { configSet, ofType, stackNodes } from "../../lib/rule";
import { DOCKER, FLY, GITHUB, SENTRY } from "../../lib/types";

export const productionStackComplete: StackValidationPolicy = {
    name: "production-stack-complete",
    description: "A production stack contains the app, a protected database, a GitHub deployment environment and Sentry (its own project or a key in a shared one).",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        const missing: string[] = [];
        if (ofType(nodes, FLY.machineGroup).length === 0) missing.push(`the app on Fly (a MachineGroup): ${configSet("platform", "fly")}`);
        const databases = ofType(nodes, FLY.managedPostgres, DOCKER.volume);
        if (databases.length === 0) missing.push(`a database (Fly Managed Postgres): ${configSet("database.kind", "fly")}`);
        else if (!databases.some((d) => d.protect)) missing.push(`a protected database: ${configSet("database.protect", "true")}`);
        if (ofType(nodes, GITHUB.environment).length === 0) {
            missing.push(`a GitHub deployment environment: ${configSet("github.owner", "<owner>")} && ${configSet("github.repository", "<repo>")} && ${configSet("github.environment", "production")} && ${configSet("github.branch", "main")}`);
        }
        // A key is what the app reports through; with `sentry.project: shared` its project lives outside this stack.
        if (ofType(nodes, SENTRY.project, SENTRY.key).length === 0) missing.push(`Sentry (a project of its own or a key in a shared one): ${configSet("sentry.organization", "<org>")} && ${configSet("sentry.team", "<team>")}`);
        for (const part of missing) reportViolation(`The production stack lacks ${part}`);
    },
};

/**
 * SentryProject: where the app's errors go. A team (created, or an existing slug), a project (one per stack, or one
 * shared by every stack and told apart by `SENTRY_ENVIRONMENT`) and a client key whose DSN the app gets as a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sentry from "@pulumiverse/sentry";
import { SENTRY_DEFAULTS } from "../config/defaults";
import { refuseInvalid } from "./refuseInvalid";

/** Type token of {@link SentryProject}. */
export const SENTRY_PROJECT_TYPE = "platform:observability:SentryProject";

/** Arguments of {@link SentryProject}. */
export interface SentryProjectArgs {
    /** Sentry organization slug. */
    readonly organization: string;
    /** Slug of the team that owns the project. */
    readonly team: string;
    /**
     * Create the team (true) or use an existing one (false).
     * @default SENTRY_DEFAULTS.createTeam
     */
    readonly createTeam?: boolean;
    /** Project slug (a physical name: per stack, or shared by every stack). */
    readonly projectSlug: string;
    /**
     * Create the project (true), or add a key to an existing project with that slug (false), which is how stacks
     * share one project without fighting over it.
     * @default true
     */
    readonly createProject?: boolean;
    /**
     * Sentry platform of the project.
     * @default SENTRY_DEFAULTS.platform
     */
    readonly platform?: string;
    /** Name of the client key, e.g. the environment it serves. */
    readonly keyName: string;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,49}$/;

/** Problems with plain args, each naming the component, what is allowed and the value received. */
export function validateSentryProjectArgs(name: string, args: SentryProjectArgs): string[] {
    const problems: string[] = [];
    const where = `SentryProject "${name}"`;
    for (const key of ["organization", "team", "projectSlug"] as const) {
        if (!SLUG.test(args[key])) problems.push(`${where}: ${key} must be a Sentry slug (lowercase letters, digits, dashes; at most 50), got ${JSON.stringify(args[key])}.`);
    }
    if (args.keyName.trim() === "") problems.push(`${where}: keyName must not be empty.`);
    return problems;
}

/** A Sentry project (or a key in a shared one) and the DSN the app reports to. */
export class SentryProject extends pulumi.ComponentResource {
    /** The client DSN (secret: anyone holding it can send events to the project). */
    public readonly dsn: pulumi.Output<string>;
    /** The project slug. */
    public readonly projectSlug: pulumi.Output<string>;

    constructor(name: string, args: SentryProjectArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseInvalid(validateSentryProjectArgs(name, args));
        super(SENTRY_PROJECT_TYPE, name, {}, opts);
        const createTeam = args.createTeam ?? SENTRY_DEFAULTS.createTeam;
        const createProject = args.createProject ?? true;
        const platform = args.platform ?? SENTRY_DEFAULTS.platform;

        const team: pulumi.Input<string> = createTeam
            ? new sentry.SentryTeam(`${name}-team`, { organization: args.organization, name: args.team, slug: args.team }, { parent: this }).slug
            : args.team;
        const project: pulumi.Input<string> = createProject
            ? new sentry.SentryProject(
                  `${name}-project`,
                  { organization: args.organization, name: args.projectSlug, slug: args.projectSlug, platform, teams: [team] },
                  { parent: this },
              ).slug
            : args.projectSlug;
        const key = new sentry.SentryKey(
            `${name}-key`,
            { organization: args.organization, project, name: args.keyName },
            { parent: this, additionalSecretOutputs: ["dsnPublic", "dsnSecret", "dsnCsp", "secret"] },
        );

        this.dsn = pulumi.secret(key.dsnPublic);
        this.projectSlug = pulumi.output(project);
        this.registerOutputs({ dsn: this.dsn, projectSlug: this.projectSlug });
    }
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SentryProject, SentryProjectArgs, validateSentryProjectArgs } from "../../components/sentryProject";
import { SENTRY_DEFAULTS } from "../../config/defaults";
import { T, capture } from "./capture";

const args = (over: Partial<SentryProjectArgs> = {}): SentryProjectArgs => ({
    organization: "acme",
    team: "backend",
    projectSlug: "api-prod",
    platform: "node",
    keyName: "production",
    ...over,
});
const expose = (s: SentryProject) => ({ dsn: s.dsn, projectSlug: s.projectSlug });

describe("SentryProject", () => {
    it("creates a project for an existing team and a key whose DSN is a secret", async () => {
        const run = await capture(() => expose(new SentryProject("sentry", args())));
        assert.equal(run.ofType(T.sentryTeam).length, 0);
        const project = run.named("sentry-project");
        assert.deepEqual([project.inputs.slug, project.inputs.organization, project.inputs.platform, project.inputs.teams], ["api-prod", "acme", "node", ["backend"]]);
        const key = run.named("sentry-key");
        assert.deepEqual([key.inputs.project, key.inputs.name], ["api-prod", "production"]);
        assert.ok(key.dependsOn.includes(project.urn));
        assert.ok(key.additionalSecretOutputs.includes("dsnPublic"));
        assert.equal(typeof key.state.dsnPublic, "string");
        assert.equal(run.outputs.dsn, key.state.dsnPublic, "the key's public DSN");
        assert.ok(run.secretOutputs.includes("dsn"));
        assert.equal(run.outputs.projectSlug, "api-prod");
    });

    it("creates the team when asked and owns the project by it", async () => {
        const run = await capture(() => expose(new SentryProject("sentry", args({ createTeam: true }))));
        const team = run.named("sentry-team");
        assert.deepEqual([team.inputs.slug, team.inputs.organization], ["backend", "acme"]);
        assert.ok(run.named("sentry-project").dependsOn.includes(team.urn));
    });

    it("adds only a key to a shared project", async () => {
        const run = await capture(() => expose(new SentryProject("sentry", args({ projectSlug: "api", createProject: false }))));
        assert.equal(run.ofType(T.sentryProject).length, 0);
        assert.equal(run.named("sentry-key").inputs.project, "api");
        assert.ok(run.secretOutputs.includes("dsn"));
    });

    it("uses an existing team and the config's platform by default (SENTRY_DEFAULTS)", async () => {
        const { platform: _platform, ...withoutPlatform } = args();
        const run = await capture(() => expose(new SentryProject("sentry", withoutPlatform)));
        assert.equal(run.ofType(T.sentryTeam).length, SENTRY_DEFAULTS.createTeam ? 1 : 0);
        assert.equal(run.named("sentry-project").inputs.platform, SENTRY_DEFAULTS.platform);
    });

    it("validates slugs", () => {
        const problems = validateSentryProjectArgs("sentry", args({ organization: "Acme Inc", projectSlug: "x".repeat(51) }));
        assert.equal(problems.length, 2);
        assert.match(problems[0], /SentryProject "sentry": organization must be a Sentry slug.*"Acme Inc"/);
    });
});

/**
 * The release step in every stack's graph, as the stack files configure it: dev runs the migration container after
 * the database and before the app container; staging (and prod, composed the same way) runs a fly:Release between the
 * app's secrets and its machines. All three stack files name the same command.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { readStackFile, runStack, StackRun } from "../harness/stack";
import { TYPES, named } from "./graph";

const runs: Record<string, StackRun> = {};
before(async () => {
    for (const stack of ["dev", "staging"]) {
        runs[stack] = await runStack(stack, stack === "dev" ? { env: { FLY_API_TOKEN: undefined } } : {});
        assert.equal(runs[stack].configError, undefined, runs[stack].configError?.message);
    }
});

describe("release step in the stacks", () => {
    it("every stack file names the sample's migrate command", () => {
        for (const stack of ["dev", "staging", "prod"]) assert.deepEqual(readStackFile(stack).app.release.command, ["npm", "run", "migrate"], stack);
    });

    it("dev: the migration container runs after the database and before the app container, with the stack file's command", () => {
        const run = runs.dev;
        const release = named(run, "app-release");
        const app = named(run, "app-container");
        assert.equal(release.type, TYPES.container);
        assert.deepEqual(release.inputs.command, readStackFile("dev").app.release.command);
        assert.ok(app.dependsOn.includes(release.urn), "app container after the release container");
        assert.ok(release.dependsOn.includes(named(run, "database-container").urn), "release container after the database");
        assert.equal(release.inputs.image, app.inputs.image);
        assert.deepEqual(release.inputs.envs, app.inputs.envs);
    });

    // prod composes the same AppService (test/stacks/prod.test.ts lists its release among the app's children).
    for (const stack of ["staging"]) {
        it(`${stack}: secrets, then the release with the machines' image, then the machines`, () => {
            const run = runs[stack];
            const release = named(run, "app-release");
            const machines = named(run, "app-machines");
            assert.equal(release.type, TYPES.flyRelease);
            assert.deepEqual(release.inputs.command, readStackFile(stack).app.release.command);
            assert.equal(release.inputs.timeoutSeconds, readStackFile(stack).app.release.timeoutSeconds);
            assert.ok(release.dependsOn.includes(named(run, "app-secrets").urn));
            assert.ok(machines.dependsOn.includes(release.urn));
            assert.equal(release.inputs.image, machines.inputs.config.image);
            const image = run.resources.find((r) => r.name === "app-image");
            // Built stacks run the build's digest; a stack with a prebuilt reference runs that reference.
            assert.equal(release.inputs.image, image ? image.state.repoDigest : readStackFile(stack).app.image.ref);
            assert.ok(release.inputs.image);
        });
    }

    it("a stack without app.release registers no release step", async () => {
        const run = await runStack("staging", { mutate: (c) => delete c.app.release });
        assert.equal(run.configError, undefined, run.configError?.message);
        assert.equal(run.resources.filter((r) => r.type === TYPES.flyRelease).length, 0);
    });
});

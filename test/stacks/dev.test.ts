/** The dev stack from Pulumi.dev.yaml: local Docker only, no GitHub, no Sentry. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runStack, StackRun } from "../harness/stack";
import { SECRET_LOOKING, TYPES, childrenOf, dockerEnv, knownSecretValues, leakedOutputs, named, secretLeaks } from "./graph";

let run: StackRun;
before(async () => {
    // Dev needs no Fly token: nothing is pushed.
    run = await runStack("dev", { env: { FLY_API_TOKEN: undefined } });
    assert.equal(run.configError, undefined, run.configError?.message);
});

describe("dev stack", () => {
    it("builds only local resources: no Fly, GitHub or Sentry", () => {
        const top = run.resources.filter((r) => r.parent === undefined).map((r) => r.type).sort();
        assert.deepEqual(top, [TYPES.appService, TYPES.postgres, TYPES.appSecrets].sort());
        assert.ok(run.resources.every((r) => !r.type.includes("fly:") && !r.type.startsWith("github:") && !r.type.startsWith("sentry:")));
        assert.deepEqual(childrenOf(run, named(run, "database")), [
            `${TYPES.container} database-container`,
            `${TYPES.network} database-network`,
            `${TYPES.remoteImage} database-image`,
            `${TYPES.volume} database-volume`,
        ].sort());
        assert.deepEqual(childrenOf(run, named(run, "app")), [`${TYPES.container} app-container`, `${TYPES.container} app-release`, `${TYPES.dockerImage} app-image`, `${TYPES.releaseHistory} app-releases`].sort());
        assert.deepEqual(childrenOf(run, named(run, "secrets")), [`${TYPES.password} secrets-db-password`, `${TYPES.password} secrets-jwt`, `${TYPES.rotating} secrets-rotation`].sort());
    });

    it("runs the app next to the database on one private network, published on localhost only", () => {
        const app = named(run, "app-container").inputs;
        const db = named(run, "database-container").inputs;
        assert.equal(app.networksAdvanced[0].name, db.networksAdvanced[0].name);
        assert.equal(app.networksAdvanced[0].name, "api-dev-net");
        assert.deepEqual(app.ports, [{ internal: 8080, external: 8080, ip: "127.0.0.1" }]);
        assert.deepEqual(db.ports, [{ internal: 5432, external: 5432, ip: "127.0.0.1" }]);
        assert.ok(app.healthcheck.tests.join(" ").includes("/health"));
        assert.equal(named(run, "app-image").inputs.skipPush, true);
        assert.equal(named(run, "database-image").inputs.name, "postgres:17-alpine");
    });

    it("passes the dev settings as plain env and the secrets as secret entries", () => {
        const { plain, secret } = dockerEnv(named(run, "app-container"));
        assert.deepEqual(
            [plain.get("ENVIRONMENT"), plain.get("DEBUG"), plain.get("LOG_LEVEL"), plain.get("JWT_EXPIRY_MINUTES"), plain.get("SENTRY_TRACES_SAMPLE_RATE")],
            ["development", "true", "DEBUG", "60", "0"],
        );
        assert.equal(plain.get("CORS_ORIGINS"), "http://localhost:3000,http://127.0.0.1:3000");
        assert.equal(plain.get("ALLOWED_HOSTS"), "localhost,127.0.0.1");
        for (const key of plain.keys()) assert.doesNotMatch(key, SECRET_LOOKING, `${key} is plain`);
        assert.deepEqual([...secret.keys()].sort(), ["DATABASE_URL", "JWT_SECRET"]);
        // The stack's jwtLength reaches the generator, and the app gets the generator's result.
        assert.equal(named(run, "secrets-jwt").inputs.length, 32);
        assert.equal(secret.get("JWT_SECRET"), named(run, "secrets-jwt").state.result);
        const url = new URL(secret.get("DATABASE_URL")!);
        assert.equal(url.hostname, "api-dev-db");
        assert.equal(url.password, named(run, "secrets-db-password").state.result);
        assert.deepEqual([...dockerEnv(named(run, "database-container")).secret.keys()], ["POSTGRES_PASSWORD"]);
    });

    it("leaves the dev database unprotected, as its stack file says", () => {
        for (const name of ["database-volume", "database-container"]) {
            assert.deepEqual([named(run, name).protect, named(run, name).retainOnDelete], [false, false], name);
        }
    });

    it("exports local URLs and no Sentry or GitHub outputs", () => {
        assert.deepEqual(run.outputs.url, "http://localhost:8080");
        assert.deepEqual(run.outputs.healthUrl, "http://localhost:8080/health");
        assert.equal(run.outputs.appName, "api-dev-app");
        assert.equal(run.outputs.databaseHost, "api-dev-db");
        assert.equal(run.outputs.imageRef, named(run, "app-container").inputs.image);
        assert.equal("sentryDsn" in run.outputs, false);
        assert.equal("githubEnvironment" in run.outputs, false);
    });

    it("never lets a secret value into a plain input or output", () => {
        const secrets = knownSecretValues(run);
        assert.ok(secrets.length >= 2);
        assert.deepEqual(secretLeaks(run, secrets), []);
        assert.deepEqual(leakedOutputs(run, secrets), []);
    });
});

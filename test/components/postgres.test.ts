import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Postgres, PostgresArgs, databaseUrl, validatePostgresArgs } from "../../components/postgres";
import { DATABASE_DEFAULTS } from "../../config/defaults";
import { T, capture, containerEnv } from "./capture";

const scope = { prefix: "api", stack: "prod" };
const flyArgs = (over: Partial<PostgresArgs> = {}): PostgresArgs => ({
    scope,
    runtime: { kind: "fly", orgSlug: "acme", region: "ams", plan: "launch", diskGb: 40, version: 17 },
    ...over,
});
const localArgs = (over: Partial<PostgresArgs> = {}): PostgresArgs => ({
    scope: { prefix: "api", stack: "dev" },
    runtime: { kind: "local", password: "pw/with:odd@chars", version: 16, hostPort: 5433 },
    ...over,
});
const expose = (db: Postgres) => ({ url: db.databaseUrl, host: db.host, network: db.network ?? "" });

describe("Postgres on Fly", () => {
    it("creates a cluster, a database and a schema_admin user, all protected and retained", async () => {
        const run = await capture(() => expose(new Postgres("db", flyArgs())));
        const cluster = run.named("db-cluster");
        assert.equal(cluster.type, T.flyPostgres);
        assert.deepEqual(
            { ...cluster.inputs, readyTimeoutSeconds: undefined },
            { name: "api-prod-db", orgSlug: "acme", region: "ams", plan: "launch", diskSizeGb: 40, pgMajorVersion: 17, readyTimeoutSeconds: undefined },
        );
        const database = run.named("db-database");
        assert.equal(database.inputs.name, "app");
        const user = run.named("db-user");
        assert.deepEqual([user.inputs.username, user.inputs.role], ["app", "schema_admin"]);
        for (const r of [cluster, database, user]) assert.deepEqual([r.protect, r.retainOnDelete], [true, true], r.name);
        assert.equal(run.ofType(T.container).length + run.ofType(T.volume).length, 0);
    });

    it("builds DATABASE_URL from the pooled endpoint and the user's password, as a secret", async () => {
        const run = await capture(() => expose(new Postgres("db", flyArgs())));
        const url = new URL(run.outputs.url as string);
        assert.ok(run.secretOutputs.includes("url"));
        const { pooler } = run.named("db-cluster").state;
        assert.deepEqual([url.hostname, Number(url.port)], [pooler.host, pooler.port], "pooled endpoint, not direct");
        assert.equal(run.outputs.host, url.hostname);
        assert.equal(url.username, "app");
        assert.equal(decodeURIComponent(url.password), run.named("db-user").state.password, "the user's password");
        assert.equal(url.pathname, "/app");
    });

    it("takes protect/retainOnDelete from args", async () => {
        const run = await capture(() => expose(new Postgres("db", flyArgs({ protect: false, retainOnDelete: false }))));
        for (const r of run.ofType(T.flyPostgres).concat(run.ofType(T.flyDatabase), run.ofType(T.flyUser))) {
            assert.deepEqual([r.protect, r.retainOnDelete], [false, false], r.name);
        }
    });

    it("resolves unset args to their DATABASE_DEFAULTS values, protected and retained by default", async () => {
        const run = await capture(() => expose(new Postgres("db", { scope, runtime: { kind: "fly", orgSlug: "acme", region: "ams" } })));
        const D = DATABASE_DEFAULTS;
        const cluster = run.named("db-cluster");
        assert.deepEqual([cluster.inputs.plan, cluster.inputs.diskSizeGb, cluster.inputs.pgMajorVersion], [D.plan, D.diskGb, D.version]);
        assert.equal(run.named("db-database").inputs.name, D.name);
        for (const r of [cluster, run.named("db-database"), run.named("db-user")]) assert.deepEqual([r.protect, r.retainOnDelete], [D.protect, D.retainOnDelete], r.name);
        const local = await capture(() => expose(new Postgres("db", { scope, runtime: { kind: "local", password: "pw" } })));
        assert.equal(local.named("db-image").inputs.name, `postgres:${D.version}-alpine`);
    });

    it("refuses to pretend backups can be turned off on Managed Postgres", () => {
        assert.throws(() => new Postgres("db", flyArgs({ backups: false })), /Postgres "db": Fly Managed Postgres always keeps backups.*database\.backups/);
    });
});

describe("Postgres on local Docker", () => {
    it("runs a postgres container on its own network with a named volume and a health check", async () => {
        const run = await capture(() => expose(new Postgres("db", localArgs())));
        const network = run.named("db-network");
        const volume = run.named("db-volume");
        const container = run.named("db-container");
        assert.equal(network.inputs.name, "api-dev-net");
        assert.equal(volume.inputs.name, "api-dev-db-data");
        assert.equal(run.named("db-image").inputs.name, "postgres:16-alpine");
        assert.equal(container.inputs.name, "api-dev-db");
        assert.deepEqual(container.inputs.networksAdvanced, [{ name: "api-dev-net", aliases: ["db"] }]);
        assert.deepEqual(container.inputs.volumes, [{ volumeName: "api-dev-db-data", containerPath: "/var/lib/postgresql/data" }]);
        assert.deepEqual(container.inputs.ports, [{ internal: 5432, external: 5433, ip: "127.0.0.1" }]);
        assert.match(container.inputs.healthcheck.tests.join(" "), /pg_isready -U app -d app/);
        for (const r of [volume, container]) assert.deepEqual([r.protect, r.retainOnDelete], [true, true], r.name);
        assert.equal(run.outputs.network, "api-dev-net");
    });

    it("keeps the password out of plain env and builds the same DATABASE_URL contract", async () => {
        const run = await capture(() => expose(new Postgres("db", localArgs({ protect: false, retainOnDelete: false }))));
        const container = run.named("db-container");
        const { vars, secretKeys } = containerEnv(container);
        assert.deepEqual([...secretKeys], ["POSTGRES_PASSWORD"]);
        assert.equal(vars.get("POSTGRES_PASSWORD"), "pw/with:odd@chars");
        const url = new URL(run.outputs.url as string);
        assert.equal(decodeURIComponent(url.password), "pw/with:odd@chars");
        assert.equal(url.hostname, "api-dev-db");
        assert.ok(run.secretOutputs.includes("url"));
        assert.deepEqual([container.protect, container.retainOnDelete], [false, false]);
    });

    it("stays private to the Docker network without a host port", async () => {
        const run = await capture(() => expose(new Postgres("db", localArgs({ runtime: { kind: "local", password: "x" } }))));
        assert.deepEqual(run.named("db-container").inputs.ports ?? [], []);
        assert.equal(run.named("db-image").inputs.name, "postgres:17-alpine");
    });
});

describe("Postgres validation", () => {
    it("names the component, the rule and the value", () => {
        const problems = validatePostgresArgs("db", flyArgs({ databaseName: "App-DB", runtime: { kind: "fly", orgSlug: "acme", region: "amsterdam", diskGb: 5 } }));
        assert.equal(problems.length, 3, problems.join("\n"));
        assert.match(problems.join("\n"), /databaseName must be a lowercase SQL identifier.*"App-DB"/);
        assert.match(problems.join("\n"), /diskGb must be a whole number from 10 to 1000, got 5/);
        assert.match(problems.join("\n"), /region must be a Fly region such as ams, got "amsterdam"/);
    });

    it("encodes credentials in the URL", () => {
        assert.equal(databaseUrl("a b", "p@ss:/", "h", 5432, "d"), "postgresql://a%20b:p%40ss%3A%2F@h:5432/d");
    });
});

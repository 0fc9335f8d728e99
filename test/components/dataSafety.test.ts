/**
 * retainOnDelete, enforced in the program because no policy can see it: a stack that keeps its data refuses a
 * data resource registered without it (as a component that dropped it would register it), names the resource and
 * the fix, and lets everything else through. Prod's own options carry the check; staging's and dev's do not.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as docker from "@pulumi/docker";
import { dataSafetyOptions } from "../../components/environment";
import { requireRetainOnDelete } from "../../components/dataSafety";
import { Postgres, PostgresArgs } from "../../components/postgres";
import * as fly from "../../providers/fly";
import { parseStackFile } from "../harness/stack";
import { capture } from "./capture";

const fly17 = (over: Partial<PostgresArgs> = {}): PostgresArgs => ({ scope: { prefix: "api", stack: "prod" }, runtime: { kind: "fly", orgSlug: "acme", region: "ams" }, ...over });
const local = (over: Partial<PostgresArgs> = {}): PostgresArgs => ({ scope: { prefix: "api", stack: "dev" }, runtime: { kind: "local", password: "pw" }, ...over });
const guarded = { transformations: [requireRetainOnDelete("prod")] };

describe("requireRetainOnDelete", () => {
    it("refuses a Fly database cluster registered without retainOnDelete, naming it and the fix", async () => {
        await assert.rejects(capture(() => (new Postgres("db", fly17({ retainOnDelete: false }), guarded), {})), (error: Error) => {
            assert.match(error.message, /^Stack "prod": pulumi-nodejs:dynamic\/fly:ManagedPostgres "db-cluster" holds data but is registered without retainOnDelete/);
            assert.match(error.message, /database\.retainOnDelete is true/);
            assert.match(error.message, /Fix the component that creates "db-cluster": pass it retainOnDelete: true/);
            return true;
        });
    });

    it("refuses each kind of data resource: Postgres database and user, Fly volume, Docker volume", async () => {
        const refused = async (build: () => void) => {
            const error = await capture(() => (build(), {})).then(() => undefined, (e: Error) => e);
            return error?.message.match(/"([^"]+)" holds data/)?.[1];
        };
        const retained = { retainOnDelete: true, ...guarded };
        assert.equal(await refused(() => new fly.PostgresDatabase("app-db", { clusterId: "c1", name: "app" }, guarded)), "app-db");
        assert.equal(await refused(() => new fly.PostgresUser("app-user", { clusterId: "c1", username: "app", role: "schema_admin" }, guarded)), "app-user");
        assert.equal(await refused(() => new fly.Volume("data", { app: "api", name: "data", region: "ams", sizeGb: 1 }, guarded)), "data");
        assert.equal(await refused(() => new Postgres("db", local({ retainOnDelete: false }), guarded)), "db-volume");
        assert.equal(await refused(() => new docker.Volume("cache", { name: "cache" }, retained)), undefined, "retained: accepted");
    });

    it("lets a component that passes retainOnDelete through, and never looks at resources without data", async () => {
        const run = await capture(() => (new Postgres("db", fly17(), guarded), new docker.Network("net", { name: "net" }, guarded), {}));
        assert.deepEqual(Object.fromEntries(run.resources.filter((r) => r.custom).map((r) => [r.name, r.retainOnDelete])), { "db-cluster": true, "db-database": true, "db-user": true, net: false });
    });
});

describe("the environment's components get the check where the config keeps data", () => {
    it("prod (database.retainOnDelete: true) does; staging and dev (false) do not", async () => {
        const prod = dataSafetyOptions(parseStackFile("prod"));
        assert.equal(prod.transformations?.length, 1);
        await assert.rejects(capture(() => (new Postgres("db", fly17({ retainOnDelete: false }), prod), {})), /"db-cluster" holds data but is registered without retainOnDelete/);
        for (const stack of ["staging", "dev"]) assert.deepEqual(dataSafetyOptions(parseStackFile(stack)), {}, stack);
    });
});

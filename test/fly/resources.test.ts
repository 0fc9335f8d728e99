/**
 * The resource classes under Pulumi's mocks: type tokens, the serialized provider each registers (loaded the way
 * the dynamic-provider plugin loads it, and its `check` run), and secretness of secret inputs.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { App, Certificate, IpAssignment, ManagedPostgres, PostgresDatabase, PostgresUser, Secrets, Volume } from "../../providers/fly";
import { TEST_TOKEN } from "./support";

// The plugin's own loader (a dependency of @pulumi/pulumi), resolved from there as the plugin resolves it.
const loadFromPulumi = createRequire(require.resolve("@pulumi/pulumi"));
const requireFromString = loadFromPulumi("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

before(() => {
    process.env.FLY_API_TOKEN = TEST_TOKEN;
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        false,
    );
});

/** Mocks hand inputs over in wire form; the plugin gives providers plain values, secrets unwrapped. */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return unwrapSecrets(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

async function settled<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
    const secret = await pulumi.isSecret(output);
    const value = await new Promise<T>((resolve) => pulumi.unsecret(output).apply((v) => resolve(v)));
    return { value, secret };
}

describe("Fly resource classes", () => {
    it("register under pulumi-nodejs:dynamic/fly:<Name> with a loadable serialized provider", async () => {
        const app = new App("app", { name: "reg-app", orgSlug: "personal" });
        const resources = [
            app,
            new IpAssignment("ip", { app: app.name, type: "shared_v4" }),
            new Certificate("cert", { app: app.name, hostname: "api.example.com" }),
            new Volume("vol", { app: app.name, name: "data", region: "ams", sizeGb: 1 }),
            new Secrets("secrets", { app: app.name, values: { JWT_SECRET: "plain-in-code" } }),
            new ManagedPostgres("pg", { name: "reg-pg", orgSlug: "personal", region: "ams", plan: "basic", diskSizeGb: 10, pgMajorVersion: 17 }),
            new PostgresDatabase("db", { clusterId: "c1", name: "app" }),
            new PostgresUser("user", { clusterId: "c1", username: "app", role: "writer" }),
        ];
        await Promise.all(resources.map((r) => settled(r.urn)));
        const types = registered.map((r) => r.type).sort();
        assert.deepEqual(types, [
            "pulumi-nodejs:dynamic/fly:App",
            "pulumi-nodejs:dynamic/fly:Certificate",
            "pulumi-nodejs:dynamic/fly:IpAssignment",
            "pulumi-nodejs:dynamic/fly:ManagedPostgres",
            "pulumi-nodejs:dynamic/fly:PostgresDatabase",
            "pulumi-nodejs:dynamic/fly:PostgresUser",
            "pulumi-nodejs:dynamic/fly:Secrets",
            "pulumi-nodejs:dynamic/fly:Volume",
        ]);
        for (const r of registered) {
            const text = r.inputs.__provider;
            assert.equal(typeof text, "string", `${r.type} registered no serialized provider`);
            assert.ok(!(text as string).includes(TEST_TOKEN), `${r.type}: token in serialized provider`);
            const provider = requireFromString(text as string).handler();
            const { __provider: _p, ...inputs } = r.inputs;
            const checked = await provider.check!({}, unwrapSecrets(inputs) as Record<string, unknown>);
            assert.deepEqual(checked.failures ?? [], [], `${r.type} check from its serialized form`);
        }
    });

    it("keeps secret inputs secret", async () => {
        const secrets = new Secrets("s2", { app: "a", values: { K: "v" } });
        const values = await settled(secrets.values);
        assert.equal(values.secret, true);
        assert.deepEqual(values.value, { K: "v" });
        const { secret: keysSecret } = await settled(secrets.app);
        assert.equal(keysSecret, false);
    });
});

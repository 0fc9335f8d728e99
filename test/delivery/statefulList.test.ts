/**
 * The guard's list (delivery/preview/stateful.ts) against the Fly providers' own behaviour: each input the list says
 * replaces a resource does, in the provider's diff; or, for the database resources, the provider refuses it at
 * `check` (Fly cannot change it in place and replacing would lose the data). A control input of each does neither.
 * And each stack config key the list names says in its TSDoc that changing it replaces (STYLE.md rule 16).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { STATEFUL_TYPES } from "../../delivery/preview/stateful";
import { diffApp } from "../../providers/fly/appProvider";
import { diffCertificate } from "../../providers/fly/certificateProvider";
import { diffIpAssignment } from "../../providers/fly/ipAssignmentProvider";
import { checkManagedPostgres } from "../../providers/fly/managedPostgresProvider";
import { checkPostgresDatabase } from "../../providers/fly/postgresDatabaseProvider";
import { checkPostgresUser } from "../../providers/fly/postgresUserProvider";
import { diffSecrets } from "../../providers/fly/secretsProvider";
import { diffVolume } from "../../providers/fly/volumeProvider";

type Inputs = Record<string, unknown>;
const replacedBy = (kind: string) => STATEFUL_TYPES[`pulumi-nodejs:dynamic/fly:${kind}`].replacedBy;
/** A different value of the same type. */
const other = (value: unknown) => (typeof value === "boolean" ? !value : typeof value === "number" ? (value === 17 ? 16 : value + 1) : `${String(value)}x`);

const DIFFS: Record<string, { diff: (olds: any, news: any) => { replaces?: string[] }; base: Inputs; control: [string, unknown] }> = {
    App: { diff: diffApp, base: { name: "api-prod", orgSlug: "acme", network: "n1" }, control: ["network", "n1"] },
    Volume: { diff: diffVolume, base: { app: "api-prod", name: "data", region: "ams", sizeGb: 10, encrypted: true }, control: ["sizeGb", 20] },
    Certificate: { diff: diffCertificate, base: { app: "api-prod", hostname: "api.acme.dev" }, control: ["hostname", "api.acme.dev"] },
    IpAssignment: { diff: diffIpAssignment, base: { app: "api-prod", type: "v4", region: "ams" }, control: ["type", "v4"] },
    Secrets: { diff: diffSecrets, base: { app: "api-prod", values: {} }, control: ["app", "api-prod"] },
};

const CHECKS: Record<string, { check: (olds: any, news: any) => { property?: string }[]; base: Inputs; control: [string, unknown] }> = {
    ManagedPostgres: { check: checkManagedPostgres, base: { name: "api-prod-db", orgSlug: "acme", region: "ams", plan: "launch", diskSizeGb: 40, pgMajorVersion: 17 }, control: ["readyTimeoutSeconds", 60] },
    PostgresDatabase: { check: checkPostgresDatabase, base: { clusterId: "c1", name: "app" }, control: ["name", "app"] },
    PostgresUser: { check: checkPostgresUser, base: { clusterId: "c1", username: "app", role: "schema_admin" }, control: ["username", "app"] },
};

describe("the stateful list and the Fly providers agree", () => {
    for (const [kind, { diff, base, control }] of Object.entries(DIFFS)) {
        it(`${kind}: every input the list names replaces it in the provider's diff, and ${control[0]}=${String(control[1])} does not`, () => {
            for (const key of replacedBy(kind)) assert.ok(diff(base, { ...base, [key]: other(base[key]) }).replaces?.includes(key), `${kind}.${key} replaces`);
            assert.deepEqual(diff(base, { ...base, [control[0]]: control[1] }).replaces ?? [], []);
        });
    }
    for (const [kind, { check, base, control }] of Object.entries(CHECKS)) {
        it(`${kind}: every input the list names is refused at check, naming it, and ${control[0]} is not`, () => {
            for (const key of replacedBy(kind)) assert.ok(check(base, { ...base, [key]: other(base[key]) }).some((f) => f.property === key), `${kind}.${key} refused`);
            assert.deepEqual(check(base, { ...base, [control[0]]: control[1] }), []);
        });
    }
    it("maps config keys only from inputs that replace", () => {
        for (const [type, t] of Object.entries(STATEFUL_TYPES)) for (const input of Object.keys(t.configKeys)) assert.ok(t.replacedBy.includes(input), `${type}: ${input}`);
    });
    it("covers every Fly kind of the list", () => {
        const fly = Object.keys(STATEFUL_TYPES).filter((t) => t.startsWith("pulumi-nodejs:dynamic/fly:")).map((t) => t.split(":").pop()!);
        assert.deepEqual(fly.sort(), [...Object.keys(DIFFS), ...Object.keys(CHECKS)].sort());
    });
});

/** The TSDoc comment right above `key:` in the schema block of `section` (config/schema.ts), or undefined. */
export function schemaDoc(source: string, path: string): string | undefined {
    const [section, key] = path.split(".");
    const start = section === "fly" ? source.search(/\bfly: z\s*\.strictObject\(\{/) : source.indexOf(`const ${section}Schema = z.strictObject({`);
    if (start < 0) return undefined;
    const end = source.indexOf("\n});", start);
    const block = source.slice(start, end < 0 ? undefined : end);
    return new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*\\n\\s*${key}:`).exec(block)?.[1];
}

describe("config keys that replace say so (STYLE.md rule 16)", () => {
    const source = readFileSync(join(__dirname, "..", "..", "config", "schema.ts"), "utf8");
    const keys = [...new Set(Object.values(STATEFUL_TYPES).flatMap((t) => Object.values(t.configKeys)))].sort();

    it("finds a key's TSDoc, and not one that is not there (so the check below can fail)", () => {
        assert.match(schemaDoc(source, "database.diskGb") ?? "", /grow only/);
        assert.equal(schemaDoc(source, "database.nosuchkey"), undefined);
        assert.doesNotMatch(schemaDoc(source, "database.diskGb") ?? "", /replaces/, "a key that replaces nothing does not say it does");
    });

    it("each key the guard's list names says in its TSDoc that changing it replaces", () => {
        assert.ok(keys.length >= 8);
        for (const key of keys) assert.match(schemaDoc(source, key) ?? "(no TSDoc)", /Changing it replaces|Changing one replaces/, key);
    });
});

/**
 * Defaults live once, in config/defaults.ts: the schema's `.default(...)` and the components' `@default` name its
 * constants, and neither writes a value of its own (an empty list or object is structure, not a default).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as defaults from "../../config/defaults";
import { ROOT } from "../harness/stack";

/** The value at `NAME.a.b` in config/defaults.ts, or undefined. */
function lookUp(path: string): unknown {
    return path.split(".").reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), defaults);
}

/** Every `@default <text>` in the TSDoc of components/, with its file and the arg it documents. */
function defaultTags(): { file: string; arg: string; text: string }[] {
    const dir = join(ROOT, "components");
    return readdirSync(dir)
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) =>
            [...readFileSync(join(dir, file), "utf8").matchAll(/@default\s+(.+?)\s*(?:\*\/)?\n(?:\s*\*.*\n)*?\s*(?:\*\/\n\s*)?readonly (\w+)/g)].map((m) => ({ file, arg: m[2], text: m[1].trim() })),
        );
}

/**
 * Args with no config key behind them (the composition derives them), so their default lives with the component:
 * `databasePassword` (from database.kind), `createProject` (from sentry.project).
 */
const COMPONENT_ONLY = new Set(["appSecrets.ts databasePassword", "sentryProject.ts createProject"]);

/** A `.default(...)` in the schema whose argument is a literal scalar: a default written where it does not live. */
function literalSchemaDefaults(source: string): string[] {
    return [...source.matchAll(/\.default\(\s*("[^"]*"|'[^']*'|-?\d[\d_.]*|true|false)\s*\)/g)].map((m) => m[0]);
}

describe("defaults live once", () => {
    it("every @default in components/ that names a constant names one that exists", () => {
        const named = defaultTags().filter((tag) => /^[A-Z_]+_DEFAULTS\./.test(tag.text));
        assert.ok(named.length >= 20, `only ${named.length} @default tags name a constant`);
        const dangling = named.filter((tag) => lookUp(tag.text.split(/\s/)[0]) === undefined);
        assert.deepEqual(dangling, []);
        // Control: the look-up fails for a name that is not there.
        assert.equal(lookUp("APP_DEFAULTS.noSuchSetting"), undefined);
        assert.equal(lookUp("APP_DEFAULTS.port"), defaults.APP_DEFAULTS.port);
    });

    it("no @default in components/ writes a literal value, but for args no config key sets", () => {
        const tags = defaultTags();
        assert.ok(tags.some((tag) => tag.arg === "port" && tag.text === "APP_DEFAULTS.port"), "the scan pairs each tag with its arg");
        const literal = tags.filter((tag) => /^(-?\d[\d_.]*|"[^"]*"|true|false)$/.test(tag.text) && !COMPONENT_ONLY.has(`${tag.file} ${tag.arg}`));
        assert.deepEqual(literal, [], "name the constant (e.g. @default APP_DEFAULTS.port) instead");
        for (const entry of COMPONENT_ONLY) assert.ok(tags.some((tag) => `${tag.file} ${tag.arg}` === entry), `${entry} is still a component-only arg`);
    });

    it("config/schema.ts writes no default of its own", () => {
        const schema = readFileSync(join(ROOT, "config", "schema.ts"), "utf8");
        assert.deepEqual(literalSchemaDefaults(schema), []);
        // Control: the scan sees a literal default.
        assert.deepEqual(literalSchemaDefaults('z.number().default(8080), z.enum(["a"]).default("a"), z.boolean().default(APP.x)'), [".default(8080)", '.default("a")']);
    });
});

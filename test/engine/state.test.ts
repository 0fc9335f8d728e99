/**
 * The offline engine's state file (engine/state.ts): secrets are written encrypted, read back with the passphrase
 * and refused with any other; a stack keeps one salt across saves, as Pulumi's passphrase provider keeps its
 * `encryptionsalt`, while every secret gets its own nonce.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadState, saveState, type StackState } from "../../engine/state";
import { secret } from "../../engine/wire";

const SECRET = "state-test-secret-value-7f3a";

function stateWith(value: string): StackState {
    return {
        project: "api-environments",
        stack: "dev",
        resources: [
            {
                urn: "urn:pulumi:dev::api-environments::random:index/randomPassword:RandomPassword::jwt",
                type: "random:index/randomPassword:RandomPassword",
                custom: true,
                id: "none",
                inputs: { length: 64 },
                outputs: { result: secret(value) },
                protect: false,
                retainOnDelete: false,
                dependencies: [],
                propertyDependencies: {},
                additionalSecretOutputs: [],
                deleteBeforeReplace: false,
                standIn: true,
            },
        ],
    };
}

describe("the offline engine's state file", () => {
    const dir = mkdtempSync(join(tmpdir(), "engine-state-"));
    const file = join(dir, "dev.json");
    after(() => rmSync(dir, { recursive: true, force: true }));
    const saltOf = () => (JSON.parse(readFileSync(file, "utf8")) as { secrets: { salt: string } }).secrets.salt;

    it("writes secrets encrypted and reads them back with the passphrase", () => {
        saveState(file, stateWith(SECRET), "pass-one");
        assert.ok(!readFileSync(file, "utf8").includes(SECRET), "the secret is not in the file");
        assert.deepEqual(loadState(file, "api-environments", "dev", "pass-one").resources[0].outputs.result, secret(SECRET));
    });

    it("refuses another passphrase, naming the variable to set", () => {
        assert.throws(() => loadState(file, "api-environments", "dev", "pass-two"), /incorrect passphrase: set PULUMI_CONFIG_PASSPHRASE/);
    });

    it("keeps the stack's salt across saves, with a fresh nonce for every secret", () => {
        const salt = saltOf();
        const before = readFileSync(file, "utf8");
        saveState(file, stateWith(SECRET), "pass-one");
        assert.equal(saltOf(), salt);
        assert.notEqual(readFileSync(file, "utf8"), before, "the same secret saved again is encrypted anew");
        assert.deepEqual(loadState(file, "api-environments", "dev", "pass-one").resources[0].outputs.result, secret(SECRET));
        // Control: a new stack's file gets a salt of its own.
        const other = join(dir, "other.json");
        saveState(other, stateWith(SECRET), "pass-one");
        assert.notEqual((JSON.parse(readFileSync(other, "utf8")) as { secrets: { salt: string } }).secrets.salt, salt);
    });
});

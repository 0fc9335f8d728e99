/**
 * scripts/stack.sh: the preflight fails fast, names what is missing and how to set it, never prints a credential;
 * then the right pulumi command runs with the stack's policy config. A stub `pulumi` on PATH records the calls.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT } from "../harness/stack";
import { allCredentials, FakeRepo, RunResult, SENTINELS } from "./fakeRepo";

const FAST = { STACK_SKIP_PLAN: "1" };

function assertNoSecrets(result: RunResult): void {
    const out = result.stdout + result.stderr;
    for (const [name, value] of Object.entries(SENTINELS)) assert.ok(!out.includes(value), `output contains the value of ${name}`);
}

const argsOf = (result: RunResult) => result.calls.map((c) => c.args.join(" "));

describe("stack.sh: usage", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("is executable, since workflows and runbooks call scripts/stack.sh directly", () => {
        assert.ok(statSync(join(ROOT, "scripts", "stack.sh")).mode & 0o100, "chmod +x scripts/stack.sh (git update-index --chmod=+x)");
    });

    it("rejects an unknown command with the list of commands", () => {
        const r = repo.run(["deploy", "prod"], { ...allCredentials(), ...FAST });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown command "deploy"/);
        assert.match(r.stderr, /commands: preview, up, refresh, drift, check/);
        assert.deepEqual(r.calls, []);
    });

    it("rejects an unknown stack, naming the known ones and how to add one", () => {
        const r = repo.run(["up", "qa"], { ...allCredentials(), ...FAST });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown stack "qa": there is no Pulumi\.qa\.yaml/);
        assert.match(r.stderr, /known stacks: dev prod staging/);
        assert.match(r.stderr, /docs\/runbooks\/add-environment\.md/);
        assert.deepEqual(r.calls, []);
    });

    it("rejects a stack name that is a path", () => {
        const r = repo.run(["preview", "../prod"], FAST);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /invalid stack name "\.\.\/prod"/);
    });

    it("requires a command and a stack", () => {
        assert.equal(repo.run([]).code, 2);
        const r = repo.run(["preview"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /missing stack name/);
    });
});

describe("stack.sh: credentials preflight", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("lists every missing credential for prod at once and runs nothing", () => {
        const r = repo.run(["up", "prod"], FAST);
        assert.equal(r.code, 4);
        assert.match(r.stderr, /Preflight failed for stack "prod" \(4 problems\); nothing was run\./);
        assert.match(r.stderr, /PULUMI_ACCESS_TOKEN/);
        assert.match(r.stderr, /FLY_API_TOKEN is not set: stack "prod" runs on Fly\.io/);
        assert.match(r.stderr, /fix: export FLY_API_TOKEN="\$\(fly tokens create org --org acme\)"/);
        assert.match(r.stderr, /GITHUB_TOKEN is not set/);
        assert.match(r.stderr, /SENTRY_AUTH_TOKEN is not set/);
        assert.deepEqual(r.calls, []);
    });

    for (const name of ["FLY_API_TOKEN", "GITHUB_TOKEN", "SENTRY_AUTH_TOKEN", "PULUMI_ACCESS_TOKEN"] as const) {
        it(`names ${name} alone when only it is missing (or empty), without printing the others`, () => {
            for (const value of [undefined, ""]) {
                const env: Record<string, string> = { ...allCredentials(), ...FAST };
                if (value === undefined) delete env[name];
                else env[name] = value;
                const r = repo.run(["preview", "staging"], env);
                assert.equal(r.code, 4, r.stderr);
                assert.match(r.stderr, /\(1 problem\)/);
                assert.match(r.stderr, new RegExp(`${name} is not set`));
                assert.deepEqual(r.calls, []);
                assertNoSecrets(r);
            }
        });
    }

    it("accepts a Pulumi CLI login instead of PULUMI_ACCESS_TOKEN, without reading the token out", () => {
        mkdirSync(join(repo.home, ".pulumi"), { recursive: true });
        const credentials = join(repo.home, ".pulumi", "credentials.json");
        writeFileSync(credentials, JSON.stringify({ current: "https://api.pulumi.com", accessTokens: { "https://api.pulumi.com": SENTINELS.PULUMI_ACCESS_TOKEN } }));
        try {
            const env: Record<string, string> = { ...allCredentials(), ...FAST };
            delete env.PULUMI_ACCESS_TOKEN;
            const r = repo.run(["preview", "prod"], env);
            assert.equal(r.code, 0, r.stderr);
            assertNoSecrets(r);
        } finally {
            rmSync(credentials);
        }
    });

    it("needs a non-empty passphrase for a cloud stack on a self-managed backend", () => {
        const env: Record<string, string> = { ...allCredentials(), ...FAST, PULUMI_BACKEND_URL: "s3://acme-pulumi-state" };
        delete env.PULUMI_ACCESS_TOKEN;
        for (const passphrase of [undefined, ""]) {
            if (passphrase === undefined) delete env.PULUMI_CONFIG_PASSPHRASE;
            else env.PULUMI_CONFIG_PASSPHRASE = passphrase;
            const r = repo.run(["up", "prod"], env);
            assert.equal(r.code, 4);
            assert.match(r.stderr, /PULUMI_CONFIG_PASSPHRASE is not set \(or empty\): stack "prod" encrypts its secrets with a passphrase/);
        }
        const ok = repo.run(["up", "prod"], { ...env, PULUMI_CONFIG_PASSPHRASE_FILE: "/dev/null" });
        assert.equal(ok.code, 0, ok.stderr);
    });

    it("needs the passphrase for a stack file with an encryptionsalt even on Pulumi Cloud", () => {
        const file = repo.path("Pulumi.staging.yaml");
        const original = readFileSync(file, "utf8");
        writeFileSync(file, `encryptionsalt: v1:c2FsdA==:v1:aXY=:Y2lwaGVy\n${original}`);
        try {
            const env: Record<string, string> = { ...allCredentials(), ...FAST };
            delete env.PULUMI_CONFIG_PASSPHRASE;
            const r = repo.run(["preview", "staging"], env);
            assert.equal(r.code, 4);
            assert.match(r.stderr, /PULUMI_CONFIG_PASSPHRASE/);
            env.PULUMI_CONFIG_PASSPHRASE = SENTINELS.PULUMI_CONFIG_PASSPHRASE;
            assert.equal(repo.run(["preview", "staging"], env).code, 0);
        } finally {
            writeFileSync(file, original);
        }
    });

    it("dev needs no credentials: local file backend in the repository, empty passphrase, stack created on first use", () => {
        const r = repo.run(["up", "dev"], FAST);
        assert.equal(r.code, 0, r.stderr);
        const backend = `file://${repo.root}/.pulumi-state`;
        assert.ok(r.calls.length >= 3);
        for (const call of r.calls) {
            assert.equal(call.backendUrl, backend);
            assert.equal(call.passphraseSet, true);
        }
        assert.deepEqual(r.calls[0].args, ["stack", "select", "--create", "dev", "--non-interactive"]);
    });

    it("dev fails fast with a fix when the Docker engine is not reachable", () => {
        const r = repo.run(["up", "dev"], { ...FAST, FAKE_DOCKER_EXIT: "1" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /the Docker engine is not reachable: stack "dev" runs on local Docker/);
        assert.match(r.stderr, /docker info/);
        assert.deepEqual(r.calls, []);
    });

    it("names a missing policy enforcement file", () => {
        const file = repo.path("policies/staging.json");
        const original = readFileSync(file, "utf8");
        rmSync(file);
        try {
            const r = repo.run(["preview", "staging"], { ...allCredentials(), ...FAST });
            assert.equal(r.code, 4);
            assert.match(r.stderr, /policies\/staging\.json is missing/);
            assert.deepEqual(r.calls, []);
        } finally {
            writeFileSync(file, original);
        }
    });

    it("names uninstalled policy pack dependencies", () => {
        rmSync(repo.path("policies/node_modules"), { recursive: true });
        try {
            const r = repo.run(["preview", "staging"], { ...allCredentials(), ...FAST });
            assert.equal(r.code, 4);
            assert.match(r.stderr, /fix: npm ci --prefix policies/);
        } finally {
            mkdirSync(repo.path("policies/node_modules"));
        }
    });
});

describe("stack.sh: backend preflight", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("stops when the secrets do not decrypt, before any preview", () => {
        const r = repo.run(["preview", "prod"], { ...allCredentials(), ...FAST, FAKE_DECRYPT_FAIL: "1" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /the secrets of stack "prod" do not decrypt/);
        assert.match(r.stderr, /incorrect passphrase/);
        assert.match(r.stderr, /PULUMI_CONFIG_PASSPHRASE/);
        assert.deepEqual(argsOf(r), ["stack select prod --non-interactive", "config --stack prod --show-secrets --json"]);
        assertNoSecrets(r);
    });

    it("stops when the stack does not exist in the backend, with the command to create it", () => {
        const r = repo.run(["up", "prod"], { ...allCredentials(), ...FAST, FAKE_NO_STACK: "1" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /no stack named 'prod' found/);
        assert.match(r.stderr, /pulumi stack init prod/);
        assert.equal(r.calls.length, 1);
    });
});

describe("stack.sh: commands and policy flags per stack", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    for (const stack of ["dev", "staging", "prod"]) {
        it(`${stack}: preview and up carry --policy-pack policies --policy-pack-config policies/${stack}.json`, () => {
            const env = { ...allCredentials(), ...FAST };
            const preview = repo.run(["preview", stack, "--target-dependents"], env);
            assert.equal(preview.code, 0, preview.stderr);
            assert.deepEqual(argsOf(preview).slice(-2), [
                `config --stack ${stack} --show-secrets --json`,
                `preview --stack ${stack} --diff --policy-pack policies --policy-pack-config policies/${stack}.json --target-dependents`,
            ]);
            const up = repo.run(["up", stack, "--message", "deploy abc (run 1)"], env);
            assert.equal(up.code, 0, up.stderr);
            assert.deepEqual(up.calls.at(-1)!.args, ["up", "--stack", stack, "--yes", "--policy-pack", "policies", "--policy-pack-config", `policies/${stack}.json`, "--message", "deploy abc (run 1)"]);
            assertNoSecrets(preview);
            assertNoSecrets(up);
        });
    }

    it("refresh runs without policy flags; check runs only the preflight", () => {
        const env = { ...allCredentials(), ...FAST };
        const refresh = repo.run(["refresh", "staging"], env);
        assert.equal(refresh.code, 0, refresh.stderr);
        assert.equal(argsOf(refresh).at(-1), "refresh --stack staging --yes");
        const check = repo.run(["check", "prod"], env);
        assert.equal(check.code, 0, check.stderr);
        assert.deepEqual(argsOf(check), ["stack select prod --non-interactive", "config --stack prod --show-secrets --json"]);
        assert.match(check.stdout, /preflight passed for stack "prod"/);
    });

    it("drift: exits 0 when clean, after a preview-only refresh and a preview that expect no changes", () => {
        const r = repo.run(["drift", "prod"], { ...allCredentials(), ...FAST });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(argsOf(r).slice(-2), [
            "refresh --stack prod --preview-only --expect-no-changes --diff",
            "preview --stack prod --expect-no-changes --diff --policy-pack policies --policy-pack-config policies/prod.json",
        ]);
        assert.match(r.stdout, /no drift in stack "prod"/);
        assert.ok(!argsOf(r).some((a) => /^up\b/.test(a) || (/^refresh\b/.test(a) && !a.includes("--preview-only"))), "drift changes nothing");
    });

    it("drift: exits 3 on drift in the cloud or in the program, and still runs both checks", () => {
        for (const [where, message] of [
            ["refresh", "error: no changes were expected but changes occurred"],
            ["preview", "error: no changes were expected but changes were proposed"],
        ]) {
            const r = repo.run(["drift", "staging"], { ...allCredentials(), ...FAST, FAKE_DRIFT_IN: where, FAKE_DRIFT_MESSAGE: message });
            assert.equal(r.code, 3, `${where}: ${r.stderr}`);
            assert.equal(r.calls.filter((c) => ["refresh", "preview"].includes(c.args[0])).length, 2);
            assert.match(r.stdout, /MachineGroup api-machines update/);
            assert.match(r.stderr, /DRIFT in stack "staging"/);
        }
    });

    it("drift: a failing check is an error, not drift", () => {
        const r = repo.run(["drift", "staging"], { ...allCredentials(), ...FAST, FAKE_ERROR_IN: "refresh" });
        assert.equal(r.code, 255);
        assert.match(r.stderr, /drift check of "staging" failed \(exit 255\)/);
    });
});

describe("stack.sh: config preflight through npm run plan", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo(true)));
    after(() => repo.remove());

    it("passes a valid stack and says so", () => {
        const r = repo.run(["check", "dev"]);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /config of "dev" is valid and the offline policy gate passed/);
    });

    it("stops on invalid config, naming the key and its fix, before calling pulumi", () => {
        const file = repo.path("Pulumi.prod.yaml");
        writeFileSync(file, readFileSync(file, "utf8").replace("count: 2", "count: 0"));
        const r = repo.run(["up", "prod"], allCredentials());
        assert.equal(r.code, 4);
        assert.match(r.stderr, /npm run plan -- prod rejected it; nothing was run/);
        assert.match(r.stderr, /app\.machines\.count/);
        assert.match(r.stderr, /pulumi config set --stack prod --path app\.machines\.count 1/);
        assert.deepEqual(r.calls, []);
        assertNoSecrets(r);
    });
});

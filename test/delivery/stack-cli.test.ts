/**
 * The stack commands (delivery/cli): the preflight fails fast, names what is missing and how to set it, never prints
 * a credential; then the right pulumi command runs with the stack's policy config, on the pinned CLI, from the
 * project root, with INT and TERM passed on and waited for. A stand-in CLI at the pinned release's place records
 * what the module did (fakeRepo.ts).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import YAML from "yaml";
import { ROOT } from "../harness/stack";
import { allCredentials, FakeRepo, PINNED_VERSION, RunResult, SENTINELS } from "./fakeRepo";

const FAST = { STACK_SKIP_PLAN: "1" };

function assertNoSecrets(result: RunResult): void {
    const out = result.stdout + result.stderr;
    for (const [name, value] of Object.entries(SENTINELS)) assert.ok(!out.includes(value), `output contains the value of ${name}`);
}

const argsOf = (result: RunResult) => result.calls.map((c) => c.args.join(" "));

describe("stack commands: usage", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("npm run up|preview|drift|check run the module", () => {
        const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const name of ["up", "preview", "drift", "check"]) assert.equal(scripts[name], `node --import tsx delivery/cli/main.ts ${name}`);
    });

    it("rejects an unknown command with the list of commands", () => {
        const r = repo.run(["deploy", "prod"], { ...allCredentials(), ...FAST });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown command "deploy"/);
        assert.match(r.stderr, /commands: preview, up, refresh, drift, destroy, check/);
        assert.deepEqual(r.records, []);
    });

    it("rejects an unknown stack, naming the known ones and how to add one", () => {
        const r = repo.run(["up", "qa"], { ...allCredentials(), ...FAST });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown stack "qa": there is no Pulumi\.qa\.yaml/);
        assert.match(r.stderr, /known stacks: dev prod staging/);
        assert.match(r.stderr, /docs\/runbooks\/add-environment\.md/);
        assert.deepEqual(r.records, []);
    });

    it("rejects a stack name that is a path, with config/stackName.ts's reason", () => {
        const r = repo.run(["preview", "../prod"], FAST);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /invalid stack name "\.\.\/prod": it contains '\/'/);
    });

    it("requires a command and a stack", () => {
        assert.equal(repo.run([]).code, 2);
        const r = repo.run(["preview"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /missing stack name/);
    });
});

describe("stack commands: credentials preflight", () => {
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
        assert.deepEqual(r.records, []);
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
                assert.deepEqual(r.records, []);
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
        assert.deepEqual(argsOf(r), [
            "stack select --stack dev --non-interactive",
            "stack init dev --non-interactive",
            "config --show-secrets --json --stack dev --non-interactive",
            "up --stack dev --yes --policy-pack policies --policy-pack-config policies/dev.json",
        ]);
        for (const call of r.calls) {
            assert.equal(call.backendUrl, backend);
            assert.equal(call.passphraseSet, true);
        }
        const again = repo.run(["check", "dev"], FAST);
        assert.equal(again.code, 0, again.stderr);
        assert.ok(!argsOf(again).some((a) => a.startsWith("stack init")), "an existing dev stack is selected, not created again");
    });

    it("dev is created on first use in a backend of your own too (CI's end-to-end job keeps it under RUNNER_TEMP)", () => {
        const backend = `file://${repo.home}/state`;
        const r = repo.run(["up", "dev"], { ...FAST, PULUMI_BACKEND_URL: backend });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(argsOf(r).slice(0, 2), ["stack select --stack dev --non-interactive", "stack init dev --non-interactive"]);
        for (const call of r.calls) assert.equal(call.backendUrl, backend);
    });

    it("dev fails fast with a fix when the Docker engine is not reachable", () => {
        const r = repo.run(["up", "dev"], { ...FAST, FAKE_DOCKER_EXIT: "1" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /the Docker engine is not reachable: stack "dev" runs on local Docker/);
        assert.match(r.stderr, /docker info/);
        assert.deepEqual(r.records, []);
    });

    it("names a missing policy enforcement file", () => {
        const file = repo.path("policies/staging.json");
        const original = readFileSync(file, "utf8");
        rmSync(file);
        try {
            const r = repo.run(["preview", "staging"], { ...allCredentials(), ...FAST });
            assert.equal(r.code, 4);
            assert.match(r.stderr, /policies\/staging\.json is missing/);
            assert.deepEqual(r.records, []);
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

describe("stack commands: backend preflight", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("stops when the secrets do not decrypt, before any preview", () => {
        const r = repo.run(["preview", "prod"], { ...allCredentials(), ...FAST, FAKE_DECRYPT_FAIL: "1" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /the secrets of stack "prod" do not decrypt/);
        assert.match(r.stderr, /incorrect passphrase/);
        assert.match(r.stderr, /PULUMI_CONFIG_PASSPHRASE/);
        assert.deepEqual(argsOf(r), ["stack select --stack prod --non-interactive", "config --show-secrets --json --stack prod --non-interactive"]);
        assertNoSecrets(r);
    });

    it("stops when the stack does not exist in the backend, with the command to create it (and never creates it)", () => {
        const r = repo.run(["up", "prod"], { ...allCredentials(), ...FAST, FAKE_NO_STACK: "1" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /no stack named 'prod' found/);
        assert.match(r.stderr, /pulumi stack init prod/);
        assert.deepEqual(argsOf(r), ["stack select --stack prod --non-interactive"]);
    });
});

describe("stack commands: commands and policy flags per stack", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    for (const stack of ["dev", "staging", "prod"]) {
        it(`${stack}: preview and up carry --policy-pack policies --policy-pack-config policies/${stack}.json`, () => {
            const env = { ...allCredentials(), ...FAST };
            const preview = repo.run(["preview", stack, "--target-dependents"], env);
            assert.equal(preview.code, 0, preview.stderr);
            assert.deepEqual(argsOf(preview).slice(-2), [
                `config --show-secrets --json --stack ${stack} --non-interactive`,
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
        assert.deepEqual(argsOf(check), ["stack select --stack prod --non-interactive", "config --show-secrets --json --stack prod --non-interactive"]);
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

describe("stack commands: the pinned CLI, never the one on PATH", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("runs the release node_modules/pulumi pins from its install folder, prints its version, and never the decoy first on PATH", () => {
        const r = repo.run(["preview", "staging"], { ...allCredentials(), ...FAST, PULUMI_VERSION: "3.999.0" });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`pulumi v${PINNED_VERSION.replace(/\./g, "\\.")} \\(pinned by node_modules/pulumi\\): ${repo.cli}`));
        assert.deepEqual(
            r.records.filter((c) => c.event === "decoy"),
            [],
            "the pulumi first on PATH ran",
        );
        assert.ok(r.calls.some((c) => c.args[0] === "preview"));
    });

    it("refuses a CLI in the pinned folder that reports another version, before touching the stack", () => {
        const r = repo.run(["up", "staging"], { ...allCredentials(), ...FAST, FAKE_REPORTED_VERSION: "3.100.0" });
        assert.equal(r.code, 4);
        assert.match(r.stderr, new RegExp(`reports v3\\.100\\.0, but node_modules/pulumi pins v${PINNED_VERSION.replace(/\./g, "\\.")}`));
        assert.deepEqual(r.calls, []);
    });
});

describe("stack commands: INT and TERM reach the CLI, and the command waits for it", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    /** Starts `up staging` on a CLI that hangs until signalled, sends `signals` (to the command, or with `group` to its process group as a terminal's Ctrl-C does), and waits for the end. */
    async function interrupt(signals: readonly NodeJS.Signals[], cancelMs: number, atTerminal = false) {
        const env = { ...allCredentials(), ...FAST, FAKE_HANG_IN: "up", FAKE_CANCEL_MS: String(cancelMs) };
        const child = atTerminal ? repo.startAtTerminal(["up", "staging"], env) : repo.start(["up", "staging"], env);
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const waitFor = async (done: () => boolean, what: string) => {
            for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
            if (!done()) {
                // Leave no stand-in behind: it would wait for a signal forever.
                for (const r of repo.recorded().records.filter((e) => e.event === "started")) process.kill(r.pid, "SIGKILL");
                child.kill("SIGKILL");
                assert.fail(`timed out waiting for ${what}; stderr: ${stderr}`);
            }
        };
        await waitFor(() => repo.recorded().records.some((r) => r.event === "started"), "the stand-in's up to start");
        const cli = repo.recorded().records.find((r) => r.event === "started")!.pid;
        const group = Number(execFileSync("ps", ["-o", "pgid=", "-p", String(cli)], { encoding: "utf8" }).trim());
        for (const [i, signal] of signals.entries()) {
            if (atTerminal) process.kill(-group, signal);
            else child.kill(signal);
            await waitFor(() => repo.recorded().records.filter((r) => r.event === "signal").length > i, `${signal} to reach the CLI`);
        }
        let code: number | null | undefined;
        void exited.then((c) => (code = c));
        await waitFor(() => code !== undefined, "the command to exit");
        const up = repo.recorded().records.filter((r) => r.args[0] === "up");
        return { code, stderr, up, pid: up[0].pid };
    }

    it("passes one INT on and exits only after the CLI finished cancelling, with its exit code", async () => {
        const r = await interrupt(["SIGINT"], 800);
        assert.deepEqual(
            r.up.filter((e) => e.event === "signal").map((e) => e.signal),
            ["SIGINT"],
        );
        assert.equal(r.up.at(-1)!.event, "exit", "the command exited while the CLI was still cancelling");
        assert.throws(() => process.kill(r.pid, 0), /ESRCH/, "the CLI outlived the command");
        assert.equal(r.code, 255);
        assert.match(r.stderr, /SIGINT passed to pulumi; waiting for it to finish/);
    });

    it("at a terminal, Ctrl-C reaches the CLI once: from the terminal, not a second time from the command", async () => {
        const r = await interrupt(["SIGINT"], 800, true);
        assert.deepEqual(
            r.up.filter((e) => e.event === "signal").map((e) => e.signal),
            ["SIGINT"],
            "a second SIGINT would make the CLI terminate at once",
        );
        assert.equal(r.up.at(-1)!.event, "exit");
        assert.equal(r.code, 255);
    });

    it("passes TERM, then a second signal, each once and in order", async () => {
        const r = await interrupt(["SIGTERM", "SIGINT"], 1500);
        assert.deepEqual(
            r.up.filter((e) => e.event === "signal").map((e) => e.signal),
            ["SIGTERM", "SIGINT"],
        );
        assert.equal(r.up.at(-1)!.event, "exit");
    });
});

describe("stack commands: a first up changes no tracked file", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    const tracked = () => Object.fromEntries(readdirSync(repo.root).filter((f) => /^Pulumi.*\.yaml$/.test(f)).map((f) => [f, readFileSync(repo.path(f), "utf8")]));

    it("creating dev in the local backend leaves the stack files as they were", () => {
        const before = tracked();
        const r = repo.run(["up", "dev"], FAST);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(argsOf(r).includes("stack init dev --non-interactive"), "the stack was created");
        assert.deepEqual(tracked(), before);
    });

    it("control: without a salt in Pulumi.dev.yaml, creating the stack writes one into it (as the CLI does)", () => {
        rmSync(repo.path(".pulumi-state"), { recursive: true, force: true });
        const file = repo.path("Pulumi.dev.yaml");
        writeFileSync(file, readFileSync(file, "utf8").replace(/^encryptionsalt:.*\n/m, ""));
        const before = readFileSync(file, "utf8");
        assert.equal(repo.run(["up", "dev"], FAST).code, 0);
        assert.notEqual(readFileSync(file, "utf8"), before);
    });

    it("Pulumi.dev.yaml's salt opens with the empty passphrase the module gives dev (the CLI's check, crypt.go)", () => {
        const salt = String((YAML.parse(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { encryptionsalt?: string }).encryptionsalt);
        const m = /^v1:([^:]+):v1:([^:]+):([^:]+)$/.exec(salt);
        assert.ok(m, `encryptionsalt has the passphrase manager's form: ${salt}`);
        const opens = (passphrase: string) => {
            const key = pbkdf2Sync(passphrase, Buffer.from(m[1], "base64"), 1_000_000, 32, "sha256");
            const sealed = Buffer.from(m[3], "base64");
            const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(m[2], "base64"));
            decipher.setAuthTag(sealed.subarray(-16));
            try {
                return Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString() === "pulumi";
            } catch {
                return false;
            }
        };
        assert.equal(opens(""), true);
        assert.equal(opens("not-the-passphrase"), false, "control: another passphrase does not open it");
    });
});

describe("stack commands: run from the project root wherever started", () => {
    let repo: FakeRepo;
    before(() => (repo = new FakeRepo()));
    after(() => repo.remove());

    it("started in a subfolder, every pulumi command runs in the root, and the module says so", () => {
        const r = repo.run(["preview", "staging"], { ...allCredentials(), ...FAST }, repo.path("policies"));
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /note: started in policies\/ inside the project; every pulumi command runs from the project root/);
        assert.ok(r.records.length > 0);
        for (const call of r.records) assert.equal(call.cwd, repo.root, call.args.join(" "));
        const fromRoot = repo.run(["check", "staging"], { ...allCredentials(), ...FAST });
        assert.doesNotMatch(fromRoot.stderr, /note: started in/, "control: no note when started in the root");
    });

    it("names a plugin path of Pulumi.yaml that does not resolve from the root", () => {
        const plugins = repo.path("startup/plugins");
        rmSync(plugins, { recursive: true });
        try {
            const r = repo.run(["preview", "staging"], { ...allCredentials(), ...FAST });
            assert.equal(r.code, 4);
            assert.match(r.stderr, /Pulumi\.yaml plugins\.providers names startup\/plugins, which does not exist/);
            assert.deepEqual(r.records, []);
        } finally {
            mkdirSync(plugins);
        }
    });

    it("CI cannot skip the offline gate: STACK_SKIP_PLAN=1 with CI set is refused before anything runs", () => {
        const r = repo.run(["up", "staging"], { ...allCredentials(), ...FAST, CI: "true" });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /STACK_SKIP_PLAN=1 is refused in CI/);
        assert.deepEqual(r.records, []);
    });
});

describe("stack commands: config preflight through npm run plan", () => {
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
        assert.deepEqual(r.records, []);
        assertNoSecrets(r);
    });
});

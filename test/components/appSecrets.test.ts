import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { AppSecrets, validateAppSecretsArgs } from "../../components/appSecrets";
import { T, capture } from "./capture";

const expose = (s: AppSecrets) => ({
    jwt: s.jwtSecret,
    db: s.databasePassword ?? "",
    extra: pulumi.output(s.extra),
    rotatesAt: s.rotatesAt ?? "",
});

describe("AppSecrets", () => {
    it("generates a full-charset JWT secret, rotated through a Rotating keeper", async () => {
        const run = await capture(() => expose(new AppSecrets("s", { jwtLength: 64, rotationDays: 30 })));
        const rotation = run.named("s-rotation");
        assert.equal(rotation.type, T.rotating);
        assert.equal(rotation.inputs.rotationDays, 30);
        const jwt = run.named("s-jwt");
        assert.equal(jwt.type, T.password);
        assert.deepEqual(
            { length: jwt.inputs.length, special: jwt.inputs.special, upper: jwt.inputs.upper, lower: jwt.inputs.lower, numeric: jwt.inputs.numeric },
            { length: 64, special: true, upper: true, lower: true, numeric: true },
        );
        assert.equal(jwt.inputs.keepers.rotation, run.outputs.rotatesAt, "the keeper is the rotation timestamp");
        assert.ok(jwt.additionalSecretOutputs.includes("result"));
        const component = run.named("s");
        for (const r of run.resources.filter((r) => r !== component)) assert.equal(r.parent, component.urn, `${r.name} is parented to the component`);
        // Wiring: the secret is the generated password's result, whatever the provider made it.
        assert.equal(typeof jwt.state.result, "string");
        assert.equal(run.outputs.jwt, jwt.state.result);
        assert.equal(run.outputs.rotatesAt, rotation.state.rotationRfc3339, "rotatesAt is the Rotating resource's timestamp");
        assert.ok(run.secretOutputs.includes("jwt"));
        assert.equal(run.ofType(T.password).length, 1, "no database password unless asked");
    });

    it("defaults to 64 characters every 90 days", async () => {
        const run = await capture(() => expose(new AppSecrets("s")));
        assert.equal(run.named("s-jwt").inputs.length, 64);
        assert.equal(run.named("s-rotation").inputs.rotationDays, 90);
    });

    it("a different rotation period reaches the Rotating resource, whose timestamp keys the secret", async () => {
        // What the component wires: the period into Rotating, Rotating's timestamp into the password's keeper (a new
        // timestamp replaces the password: the random provider's rule, not the component's).
        for (const rotationDays of [30, 31]) {
            const run = await capture(() => expose(new AppSecrets("s", { rotationDays })));
            assert.equal(run.named("s-rotation").inputs.rotationDays, rotationDays);
            assert.equal(typeof run.named("s-rotation").state.rotationRfc3339, "string");
            assert.equal(run.named("s-jwt").inputs.keepers.rotation, run.named("s-rotation").state.rotationRfc3339);
        }
    });

    it("uses a supplied JWT secret as is: nothing generated, nothing rotated, still secret", async () => {
        const supplied = "s".repeat(10) + "upplied-value-for-the-test-only-0123456789abcdefghijklmnopqrstuv";
        const run = await capture(() => expose(new AppSecrets("s", { jwtSecret: supplied })));
        assert.equal(run.ofType(T.password).length, 0);
        assert.equal(run.ofType(T.rotating).length, 0);
        assert.equal(run.outputs.jwt, supplied);
        assert.ok(run.secretOutputs.includes("jwt"));
        assert.equal(run.outputs.rotatesAt, "");
    });

    it("generates a database password when asked, without a rotation keeper", async () => {
        const run = await capture(() => expose(new AppSecrets("s", { databasePassword: true })));
        const pw = run.named("s-db-password");
        assert.equal(pw.inputs.keepers, undefined);
        assert.equal(pw.inputs.length, 32);
        assert.equal(typeof pw.state.result, "string");
        assert.equal(run.outputs.db, pw.state.result, "the generated password's result");
        assert.ok(run.secretOutputs.includes("db"));
    });

    it("wraps every extra secret as a secret", async () => {
        let component: AppSecrets | undefined;
        await capture(() => {
            component = new AppSecrets("s", { extra: { STRIPE_API_KEY: "plain-in-test" } });
            return {};
        });
        const value = component!.extra.STRIPE_API_KEY as any;
        assert.equal(await value.isSecret, true);
        assert.equal(await value.promise(), "plain-in-test");
    });

    it("validates plain args with actionable messages", () => {
        const problems = validateAppSecretsArgs("s", { jwtLength: 8, rotationDays: 0, extra: { "bad-name": "x" } });
        assert.equal(problems.length, 3);
        assert.match(problems[0], /AppSecrets "s": jwtLength must be a whole number from 16 to 512, got 8/);
        assert.match(problems[1], /rotationDays .* from 1 to 365, got 0/);
        assert.match(problems[2], /"bad-name" must be UPPER_SNAKE_CASE/);
        assert.throws(() => new AppSecrets("s", { jwtLength: 8 }), /jwtLength/);
    });
});

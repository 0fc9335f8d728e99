/**
 * promotion-soak and promotion-soak-override, through the real analyzer on prod's stack file with one change each:
 * a promotion whose source became healthy less than soakHours ago is blocked (mandatory in prod) with the digest, how
 * long it ran and when it may go; an older one passes; an override passes with an advisory finding that gives the
 * reason. The time "now" is the analyzer's, so healthy times are set relative to the real clock.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROMOTION_SOAK_OVERRIDE } from "../../policies/rules/release/promotion-soak-override";
import { judge, type JudgedViolation } from "./analyzerVerdict";

const SOAK = "promotion-soak";
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const healthySince = (iso: string) => (config: Record<string, any>) => (config.app.image.promoted.healthyAt = iso);
const of = (judged: { violations: JudgedViolation[] }, name: string) => judged.violations.filter((v) => v.policy === name);

describe("promotion-soak", () => {
    it("blocks a promotion healthy on staging for less than 24 h, naming the digest, how long it ran and when it may go", async () => {
        const since = hoursAgo(3);
        const judged = await judge("prod", { mutate: healthySince(since) });
        const [violation, ...more] = of(judged, SOAK);
        assert.ok(violation, "expected promotion-soak");
        assert.deepEqual(more, []);
        assert.equal(violation.level, "mandatory");
        assert.match(violation.message, /registry\.fly\.io\/api-staging@sha256:5d1a0e8c\S+ has run healthy on staging for 3\.0 h/);
        const eligible = new Date(Date.parse(since) + 24 * 3_600_000).toISOString();
        assert.ok(violation.message.includes(`it may be promoted from ${eligible}`), violation.message);
        assert.match(violation.message, /promotion\.override\.reason/);
        assert.deepEqual(of(judged, PROMOTION_SOAK_OVERRIDE), []);
    });

    it("passes once the soak is over (control: the same record, older), and honours a shorter soakHours", async () => {
        assert.deepEqual(of(await judge("prod", { mutate: healthySince(hoursAgo(25)) }), SOAK), []);
        const shorter = (c: Record<string, any>) => (healthySince(hoursAgo(3))(c), (c.promotion.soakHours = 2));
        assert.deepEqual(of(await judge("prod", { mutate: shorter }), SOAK), []);
    });

    it("passes an override, and promotion-soak-override reports it, advisory in prod, with the reason", async () => {
        const override = (c: Record<string, any>) => (healthySince(hoursAgo(1))(c), (c.promotion.override = { reason: "hotfix for the login outage" }));
        const judged = await judge("prod", { mutate: override });
        assert.deepEqual(of(judged, SOAK), []);
        const [finding, ...more] = of(judged, PROMOTION_SOAK_OVERRIDE);
        assert.ok(finding, "expected the override finding");
        assert.deepEqual(more, []);
        assert.equal(finding.level, "advisory");
        assert.match(finding.message, /soak of registry\.fly\.io\/api-staging@sha256:\S+ was overridden after 1\.0 h of the 24 h required on staging: "hotfix for the login outage"/);
    });

    it("judges nothing in a stack that builds its image (staging, dev)", async () => {
        assert.deepEqual(of(await judge("staging"), SOAK), []);
    });
});

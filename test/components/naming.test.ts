import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NAME_LIMITS, joinName, physicalName, sharedName } from "../../components/naming";

const FLY_APP = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

describe("naming", () => {
    it("joins prefix, stack and role", () => {
        assert.equal(physicalName({ prefix: "api", stack: "staging" }, "db", NAME_LIMITS.fly), "api-staging-db");
        assert.equal(physicalName({ prefix: "api", stack: "prod" }, undefined, NAME_LIMITS.fly), "api-prod");
        assert.equal(sharedName({ prefix: "api", stack: "prod" }, undefined, NAME_LIMITS.sentry), "api");
    });

    it("never gives two stacks the same name", () => {
        const stacks = ["dev", "staging", "prod", "qa", "my-stack", "my_stack", "My-Stack", "pr-1", "pr-11"];
        for (const role of [undefined, "db", "app", "net"]) {
            const names = stacks.map((stack) => physicalName({ prefix: "api", stack }, role, NAME_LIMITS.fly));
            assert.equal(new Set(names).size, names.length, names.join(" "));
        }
    });

    it("stays within each provider's limit and character set, and is stable", () => {
        const long = { prefix: "a-very-long-service", stack: "feature-branch-with-a-really-long-name-for-testing" };
        for (const [provider, limit] of Object.entries(NAME_LIMITS)) {
            const name = physicalName(long, "db-data", limit);
            assert.ok(name.length <= limit, `${provider}: ${name} (${name.length})`);
            assert.match(name, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
            assert.equal(name, physicalName(long, "db-data", limit));
        }
        assert.match(physicalName(long, undefined, NAME_LIMITS.fly), FLY_APP);
        // Truncation keeps distinct inputs distinct.
        const a = physicalName({ ...long, stack: `${long.stack}-a` }, "db", NAME_LIMITS.sentry);
        const b = physicalName({ ...long, stack: `${long.stack}-b` }, "db", NAME_LIMITS.sentry);
        assert.notEqual(a, b);
    });

    it("names a stack with no letter or digit (Pulumi accepts `___` and `...`) by a hash, distinct and stable", () => {
        const names = ["___", "...", "-", "_"].map((stack) => joinName(["api", stack, "db"], NAME_LIMITS.fly));
        assert.equal(new Set(names).size, names.length, names.join(" "));
        for (const name of names) assert.match(name, /^api-db-[a-f0-9]{6}$/);
        assert.equal(joinName(["api", "___", "db"], NAME_LIMITS.fly), names[0]);
        // Control: a stack with letters keeps its readable name.
        assert.equal(joinName(["api", "dev", "db"], NAME_LIMITS.fly), "api-dev-db");
        // Even a name that is nothing but unsluggable parts is a valid slug.
        assert.match(joinName(["___"], NAME_LIMITS.fly), /^[a-f0-9]{6}$/);
    });
});

/**
 * Each shipped stack's monthly estimate, from the offline engine's preview of a new stack, equals the hand
 * computation from delivery/cost/fly-prices.json written out below; the table is dated and sourced.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimate, machineMonthlyUsd, PRICES } from "../../delivery/cost/estimate";
import { fromEngine } from "../../delivery/preview/model";
import { costOf } from "../../delivery/preview/report";
import { runOperation } from "../../engine";
import { TEST_TOKEN } from "../fly/emulator/defaults";

const OFFLINE = { FLY_API_TOKEN: TEST_TOKEN, FLY_API_HOSTNAME: "http://127.0.0.1:9" };

async function estimateOf(stack: string) {
    const result = await runOperation({ stack, operation: "preview", env: OFFLINE, policyPack: false });
    assert.ok(result.ok, result.error);
    return costOf(fromEngine(result));
}

describe("the Fly price table", () => {
    it("is dated and names its sources", () => {
        assert.match(PRICES.checked, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(Object.values(PRICES.sources).every((s) => /https:\/\/fly\.io\//.test(s)));
    });

    it("prices a machine as Fly's presets do: CPUs with their included memory, plus $5 per extra GB", () => {
        // Fly's published presets (iad): shared-cpu-1x 256 MB $1.94, shared-cpu-1x 1 GB $5.70, shared-cpu-2x 1 GB $6.39,
        // performance-1x 2 GB $31.00; the cent differences are Fly's per-second rounding.
        assert.equal(machineMonthlyUsd("shared", 1, 256), 1.94);
        assert.equal(machineMonthlyUsd("shared", 1, 1024), 5.69);
        assert.equal(machineMonthlyUsd("shared", 2, 1024), 6.38);
        assert.equal(machineMonthlyUsd("performance", 1, 2048), 31.0);
        assert.equal(machineMonthlyUsd("gpu", 1, 2048), undefined);
    });

    it("prices a dedicated IPv4 but not a shared one, and a wildcard certificate above a single one", () => {
        const ip = (type: string) => estimate([{ type: "pulumi-nodejs:dynamic/fly:IpAssignment", name: "ip", inputs: { app: "a", type } }]).monthlyUsd;
        assert.deepEqual([ip("v4"), ip("shared_v4"), ip("v6")], [2.0, 0, 0]);
        const cert = (hostname: string) => estimate([{ type: "pulumi-nodejs:dynamic/fly:Certificate", name: "c", inputs: { app: "a", hostname } }]).monthlyUsd;
        assert.deepEqual([cert("api.example.com"), cert("*.example.com")], [0.1, 1.0]);
        assert.deepEqual(estimate([{ type: "pulumi-nodejs:dynamic/fly:Volume", name: "v", inputs: { sizeGb: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }]).unpriced, ["v"]);
    });
});

describe("each shipped stack's estimate, by hand", () => {
    it("prod: Launch Postgres with 40 GB, 2 × 2 shared-CPU 1 GB machines in ams and fra, one certificate", async () => {
        const { before, after } = await estimateOf("prod");
        // Launch plan $282.00; storage 40 GB × $0.28 = $11.20; one machine = 2 × $1.94 + (1024 − 2 × 256) MB / 1024 × $5.00
        // = $3.88 + $2.50 = $6.38, × 4 machines = $25.52; certificate $0.10; shared IPv4 and IPv6 free.
        // 282.00 + 11.20 + 25.52 + 0.10 = 318.82
        assert.equal(after.monthlyUsd, 318.82);
        assert.deepEqual(after.lines.map((l) => l.monthlyUsd).sort((a, b) => a - b), [0.1, 11.2, 25.52, 282.0]);
        assert.equal(before.monthlyUsd, 0, "a new stack costs nothing before");
    });

    it("staging: Basic Postgres with 10 GB, one shared-CPU 512 MB machine that may stop, one certificate", async () => {
        const { after } = await estimateOf("staging");
        // Basic plan $38.00; storage 10 GB × $0.28 = $2.80; machine 1 × $1.94 + (512 − 256) MB / 1024 × $5.00 = $3.19;
        // certificate $0.10. 38.00 + 2.80 + 3.19 + 0.10 = 44.09 (the machine priced running all month: an upper bound).
        assert.equal(after.monthlyUsd, 44.09);
        assert.match(after.lines.find((l) => l.resource === "app-machines")!.item, /upper bound: 1 may stop when idle/);
    });

    it("dev: local Docker, nothing Fly bills", async () => {
        const { after } = await estimateOf("dev");
        assert.deepEqual(after.lines, []);
        assert.equal(after.monthlyUsd, 0);
    });
});

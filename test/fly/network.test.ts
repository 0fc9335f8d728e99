/**
 * fly:IpAssignment and fly:Certificate against the emulator: CRUD, every replace trigger, import/refresh, faults.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { certificateProvider } from "../../providers/fly/certificateProvider";
import { ipAssignmentProvider } from "../../providers/fly/ipAssignmentProvider";
import { mutations, seedApp, useEmulator } from "./support";

const ip = ipAssignmentProvider as Required<typeof ipAssignmentProvider>;
const cert = certificateProvider as Required<typeof certificateProvider>;

describe("fly:IpAssignment", () => {
    const env = useEmulator();

    it("assigns each kind, reads it back by id, and releases it", async () => {
        const { fly } = env;
        seedApp(fly, "ip-app");
        for (const type of ["v6", "shared_v4", "v4", "private_v6"] as const) {
            const created = await ip.create({ app: "ip-app", type });
            assert.equal(created.id, `ip-app/${created.outs.address}`);
            fly.clearRequests();
            const read = await ip.read(created.id, created.outs);
            assert.deepEqual(read.props, created.outs);
            assert.deepEqual(read.inputs, { app: "ip-app", type });
            assert.equal((await ip.diff(created.id, created.outs, { app: "ip-app", type })).changes, false);
            assert.deepEqual(mutations(fly), []);
        }
        assert.equal(fly.state.apps.get("ip-app")!.ips.length, 4);
        const [first] = fly.state.apps.get("ip-app")!.ips;
        await ip.delete(`ip-app/${first.ip}`, {});
        assert.equal(fly.state.apps.get("ip-app")!.ips.length, 3);
        assert.equal((await ip.read(`ip-app/${first.ip}`, {})).id, "");
        await ip.delete(`ip-app/${first.ip}`, {});
    });

    it("replaces on any change", async () => {
        const olds = { app: "a", type: "v6", address: "2a09::1" };
        assert.deepEqual((await ip.diff("a/2a09::1", olds, { app: "b", type: "v6" })).replaces, ["app"]);
        assert.deepEqual((await ip.diff("a/2a09::1", olds, { app: "a", type: "v4" })).replaces, ["type"]);
        assert.deepEqual((await ip.diff("a/2a09::1", olds, { app: "a", type: "v6", region: "ams" })).replaces, ["region"]);
        const { failures } = await ip.check({}, { app: "a", type: "v5" });
        assert.deepEqual(failures!.map((f) => f.property), ["type"]);
    });

    it("never doubles an address when the assignment answer is lost", async () => {
        const { fly } = env;
        seedApp(fly, "ip-fault");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/ip_assignments", kind: "drop", when: "after", times: 1 });
        const created = await ip.create({ app: "ip-fault", type: "v6" });
        assert.equal(fly.state.apps.get("ip-fault")!.ips.length, 1);
        assert.equal(created.outs.address, fly.state.apps.get("ip-fault")!.ips[0].ip);
        // A second run after a lost answer adopts the address instead of assigning another.
        const again = await ip.create({ app: "ip-fault", type: "v6" });
        assert.equal(again.outs.address, created.outs.address);
        assert.equal(fly.state.apps.get("ip-fault")!.ips.length, 1);
    });
});

describe("fly:Certificate", () => {
    const env = useEmulator();

    it("requests a certificate, outputs DNS requirements, refreshes status, and removes it", async () => {
        const { fly } = env;
        seedApp(fly, "cert-app");
        fly.state.apps.get("cert-app")!.ips.push({ ip: "137.66.1.1", type: "v4", region: "global", shared: false, createdAt: "" });
        const checked = await cert.check({}, { app: "cert-app", hostname: "API.Example.com " });
        assert.deepEqual(checked.failures, []);
        const created = await cert.create(checked.inputs);
        assert.equal(created.id, "cert-app/api.example.com");
        assert.equal(created.outs.configured, false);
        assert.deepEqual(created.outs.dnsRequirements.a, ["137.66.1.1"]);
        assert.equal(created.outs.dnsRequirements.acme_challenge.name, "_acme-challenge.api.example.com");

        fly.state.apps.get("cert-app")!.certificates.get("api.example.com")!.status = "ready";
        fly.state.apps.get("cert-app")!.certificates.get("api.example.com")!.configured = true;
        fly.clearRequests();
        const refreshed = await cert.read(created.id, created.outs);
        assert.equal(refreshed.props.status, "ready");
        assert.equal(refreshed.props.configured, true);
        assert.deepEqual(mutations(fly), []);

        await cert.delete(created.id, created.outs);
        assert.equal(fly.state.apps.get("cert-app")!.certificates.size, 0);
        assert.equal((await cert.read(created.id, created.outs)).id, "");
    });

    it("replaces on app or hostname and rejects invalid hostnames", async () => {
        const olds = { app: "a", hostname: "x.example.com", status: "ready", configured: true, dnsRequirements: {} };
        assert.deepEqual((await cert.diff("a/x.example.com", olds, { app: "b", hostname: "x.example.com" })).replaces, ["app"]);
        assert.deepEqual((await cert.diff("a/x.example.com", olds, { app: "a", hostname: "y.example.com" })).replaces, ["hostname"]);
        assert.equal((await cert.diff("a/x.example.com", olds, { app: "a", hostname: "x.example.com" })).changes, false);
        assert.equal((await cert.check({}, { app: "a", hostname: "not a host" })).failures!.length, 1);
    });

    it("finds its certificate after a 500 on create instead of failing on the duplicate", async () => {
        const { fly } = env;
        seedApp(fly, "cert-fault");
        fly.faults.add({ method: "POST", path: "/v1/apps/:app/certificates/acme", kind: "500", when: "after", times: 1 });
        const created = await cert.create({ app: "cert-fault", hostname: "www.example.com" });
        assert.equal(created.outs.hostname, "www.example.com");
        assert.equal(fly.state.apps.get("cert-fault")!.certificates.size, 1);
        assert.equal(fly.requests.filter((r) => r.method === "POST").length, 1);
    });
});

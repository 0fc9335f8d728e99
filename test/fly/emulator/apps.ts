/**
 * App-level routes of the emulator: apps (global name uniqueness), IP assignments, certificates, volumes (extend,
 * update) and secrets (with a version that increases on every change).
 */
import { createHash, randomBytes } from "node:crypto";
import { APP_NAME, SECRET_NAME, VOLUME_NAME } from "../../../providers/fly/providerInputs";
import { unknownOrganization, unknownRegion } from "./refusals";
import { type AppRecord, fail, isReply, nowIso, ok, type Reply, type Route, type RouteContext, type VolumeRecord } from "./types";

const IP_TYPES = ["v4", "v6", "shared_v4", "private_v6"] as const;

function findApp(ctx: RouteContext): AppRecord | Reply {
    return ctx.state.apps.get(ctx.params.app) ?? fail(404, `app ${ctx.params.app} not found`);
}

function renderApp(app: AppRecord): Record<string, unknown> {
    const live = [...app.machines.values()].filter((m) => m.state !== "destroyed");
    return {
        id: app.id,
        name: app.name,
        network: app.network,
        organization: { name: app.orgSlug, slug: app.orgSlug },
        status: live.some((m) => m.state === "started") ? "deployed" : "pending",
        machine_count: live.length,
        volume_count: [...app.volumes.values()].filter((v) => v.state !== "destroyed").length,
    };
}

/** A new, empty app as the emulator keeps it (also how tests seed one without the API). */
export function newAppRecord(name: string, orgSlug: string, network = "", id = randomBytes(8).toString("hex")): AppRecord {
    return { id, name, orgSlug, network, createdAt: nowIso(), machines: new Map(), volumes: new Map(), ips: [], certificates: new Map(), secrets: new Map(), secretsVersion: 0 };
}

const apps: Route[] = [
    {
        method: "GET",
        pattern: "/v1/apps",
        handle(ctx) {
            const org = ctx.query.get("org_slug");
            if (!org) return fail(400, "org_slug is required");
            const missing = unknownOrganization(ctx, org);
            if (missing) return missing;
            const list = [...ctx.state.apps.values()].filter((a) => a.orgSlug === org).map(renderApp);
            return ok({ apps: list, total_apps: list.length });
        },
    },
    {
        method: "POST",
        pattern: "/v1/apps",
        spec: "/apps",
        bodyRequired: true,
        handle(ctx) {
            const body = ctx.body as { name?: string; org_slug?: string; network?: string };
            if (!body.name || !body.org_slug) return fail(400, "name and org_slug are required");
            const missing = unknownOrganization(ctx, body.org_slug);
            if (missing) return missing;
            if (!APP_NAME.test(body.name)) return fail(422, `app name "${body.name}" may only contain lowercase letters, numbers and dashes (3-63 characters)`);
            // App names are global across every Fly org.
            if (ctx.state.apps.has(body.name)) return fail(422, `Name has already been taken: ${body.name}`, "name_taken");
            ctx.state.apps.set(body.name, newAppRecord(body.name, body.org_slug, body.network));
            return { status: 201 };
        },
    },
    {
        method: "GET",
        pattern: "/v1/apps/:app",
        handle(ctx) {
            const app = findApp(ctx);
            return isReply(app) ? app : ok(renderApp(app));
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/apps/:app",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            ctx.state.apps.delete(app.name);
            return { status: 202 };
        },
    },
];

let ipSeq = 1;

const ips: Route[] = [
    {
        method: "GET",
        pattern: "/v1/apps/:app/ip_assignments",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            return ok({ ips: app.ips.map((ip) => ({ ip: ip.ip, region: ip.region, shared: ip.shared, service_name: ip.serviceName, created_at: ip.createdAt })) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/apps/:app/ip_assignments",
        spec: "/apps/{app_name}/ip_assignments",
        bodyRequired: true,
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const body = ctx.body as { type?: string; region?: string; service_name?: string };
            const type = IP_TYPES.find((t) => t === body.type);
            if (!type) return fail(400, `type must be one of ${IP_TYPES.join(", ")}, got ${JSON.stringify(body.type)}`);
            const n = ipSeq++;
            const address =
                type === "shared_v4" ? "66.241.124.10" : type === "v4" ? `137.66.${(n >> 8) & 255}.${n & 255}` : type === "v6" ? `2a09:8280:1::${n.toString(16)}` : `fdaa:0:1:a7b::${n.toString(16)}`;
            const record = { ip: address, type, region: body.region ?? "global", shared: type === "shared_v4", serviceName: body.service_name, createdAt: nowIso() };
            // A shared v4 is one address across apps: assigning it twice to one app is a no-op on Fly.
            if (type !== "shared_v4" || !app.ips.some((i) => i.shared)) app.ips.push(record);
            return ok({ ip: record.ip, region: record.region, shared: record.shared, service_name: record.serviceName, created_at: record.createdAt });
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/apps/:app/ip_assignments/:ip",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const index = app.ips.findIndex((i) => i.ip === ctx.params.ip);
            if (index < 0) return fail(404, `ip ${ctx.params.ip} is not assigned to ${app.name}`);
            app.ips.splice(index, 1);
            return { status: 204 };
        },
    },
];

function renderCert(app: AppRecord, hostname: string): Record<string, unknown> {
    const cert = app.certificates.get(hostname)!;
    const v4 = app.ips.filter((i) => !i.ip.includes(":")).map((i) => i.ip);
    const v6 = app.ips.filter((i) => i.ip.includes(":") && !i.ip.startsWith("fdaa:")).map((i) => i.ip);
    return {
        hostname,
        status: cert.status,
        configured: cert.configured,
        acme_requested: true,
        dns_requirements: {
            a: v4,
            aaaa: v6,
            cname: `${app.name}.fly.dev`,
            acme_challenge: { name: `_acme-challenge.${hostname}`, target: `${hostname}.${app.name}.flydns.net` },
        },
    };
}

const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

const certificates: Route[] = [
    {
        method: "GET",
        pattern: "/v1/apps/:app/certificates",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const filter = ctx.query.get("filter") ?? "";
            const list = [...app.certificates.values()].filter((c) => c.hostname.includes(filter)).map((c) => ({ hostname: c.hostname, status: c.status, configured: c.configured, created_at: c.createdAt }));
            return ok({ certificates: list, total_count: list.length });
        },
    },
    {
        method: "POST",
        pattern: "/v1/apps/:app/certificates/acme",
        spec: "/apps/{app_name}/certificates/acme",
        bodyRequired: true,
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const hostname = ((ctx.body as { hostname?: string }).hostname ?? "").toLowerCase();
            if (!HOSTNAME.test(hostname)) return fail(422, `"${hostname}" is not a valid hostname`);
            if (app.certificates.has(hostname)) return fail(422, `Hostname has already been taken: ${hostname}`);
            app.certificates.set(hostname, { hostname, status: "awaiting_configuration", configured: false, createdAt: nowIso() });
            return ok(renderCert(app, hostname), 201);
        },
    },
    {
        method: "GET",
        pattern: "/v1/apps/:app/certificates/:hostname",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            return app.certificates.has(ctx.params.hostname) ? ok(renderCert(app, ctx.params.hostname)) : fail(404, `certificate for ${ctx.params.hostname} not found`);
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/apps/:app/certificates/:hostname",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            if (!app.certificates.delete(ctx.params.hostname)) return fail(404, `certificate for ${ctx.params.hostname} not found`);
            return { status: 204 };
        },
    },
];

function renderVolume(app: AppRecord, volume: VolumeRecord): Record<string, unknown> {
    const holder = [...app.machines.values()].find(
        (m) => m.state !== "destroyed" && ((m.config.mounts as { volume?: string }[] | undefined) ?? []).some((x) => x.volume === volume.id),
    );
    return {
        id: volume.id,
        name: volume.name,
        region: volume.region,
        zone: volume.zone,
        size_gb: volume.sizeGb,
        encrypted: volume.encrypted,
        snapshot_retention: volume.snapshotRetention,
        auto_backup_enabled: volume.autoBackupEnabled,
        state: volume.state,
        created_at: volume.createdAt,
        attached_machine_id: holder?.id ?? null,
        fstype: "ext4",
        type: "local",
        host_status: "ok",
    };
}

function findVolume(ctx: RouteContext): { app: AppRecord; volume: VolumeRecord } | Reply {
    const app = findApp(ctx);
    if (isReply(app)) return app;
    const volume = app.volumes.get(ctx.params.id);
    if (!volume || volume.state === "destroyed") return fail(404, `volume ${ctx.params.id} not found`);
    return { app, volume };
}

const volumes: Route[] = [
    {
        method: "GET",
        pattern: "/v1/apps/:app/volumes",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            return ok([...app.volumes.values()].filter((v) => v.state !== "destroyed").map((v) => renderVolume(app, v)));
        },
    },
    {
        method: "POST",
        pattern: "/v1/apps/:app/volumes",
        spec: "/apps/{app_name}/volumes",
        bodyRequired: true,
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const body = ctx.body as { name?: string; region?: string; size_gb?: number; encrypted?: boolean; snapshot_retention?: number; auto_backup_enabled?: boolean };
            if (!body.name || !VOLUME_NAME.test(body.name)) return fail(400, `volume name ${JSON.stringify(body.name)} must be 1-30 lowercase letters, digits or underscores`);
            if (!body.region) return fail(400, "region is required");
            const badRegion = unknownRegion(body.region);
            if (badRegion) return badRegion;
            const size = body.size_gb ?? 1;
            if (size < 1 || size > 500) return fail(400, `size_gb must be between 1 and 500, got ${size}`);
            const retention = body.snapshot_retention ?? 5;
            if (retention < 1 || retention > 60) return fail(400, `snapshot_retention must be between 1 and 60 days, got ${retention}`);
            const volume: VolumeRecord = {
                id: `vol_${randomBytes(8).toString("hex")}`,
                name: body.name,
                region: body.region,
                sizeGb: size,
                encrypted: body.encrypted ?? true,
                snapshotRetention: retention,
                autoBackupEnabled: body.auto_backup_enabled ?? true,
                state: "created",
                createdAt: nowIso(),
                zone: randomBytes(2).toString("hex"),
            };
            app.volumes.set(volume.id, volume);
            return ok(renderVolume(app, volume));
        },
    },
    {
        method: "GET",
        pattern: "/v1/apps/:app/volumes/:id",
        handle(ctx) {
            const found = findVolume(ctx);
            return isReply(found) ? found : ok(renderVolume(found.app, found.volume));
        },
    },
    {
        method: "PUT",
        pattern: "/v1/apps/:app/volumes/:id",
        spec: "/apps/{app_name}/volumes/{volume_id}",
        bodyRequired: true,
        handle(ctx) {
            const found = findVolume(ctx);
            if (isReply(found)) return found;
            const body = ctx.body as { snapshot_retention?: number; auto_backup_enabled?: boolean };
            if (body.snapshot_retention !== undefined) {
                if (body.snapshot_retention < 1 || body.snapshot_retention > 60) return fail(400, `snapshot_retention must be between 1 and 60 days, got ${body.snapshot_retention}`);
                found.volume.snapshotRetention = body.snapshot_retention;
            }
            if (body.auto_backup_enabled !== undefined) found.volume.autoBackupEnabled = body.auto_backup_enabled;
            return ok(renderVolume(found.app, found.volume));
        },
    },
    {
        method: "PUT",
        pattern: "/v1/apps/:app/volumes/:id/extend",
        spec: "/apps/{app_name}/volumes/{volume_id}/extend",
        bodyRequired: true,
        handle(ctx) {
            const found = findVolume(ctx);
            if (isReply(found)) return found;
            const size = (ctx.body as { size_gb?: number }).size_gb;
            if (size === undefined || size <= found.volume.sizeGb) {
                return fail(400, `size_gb must be greater than the current size (${found.volume.sizeGb} GB), got ${size}`);
            }
            if (size > 500) return fail(400, `size_gb must be at most 500, got ${size}`);
            found.volume.sizeGb = size;
            const attached = renderVolume(found.app, found.volume).attached_machine_id;
            return ok({ needs_restart: attached !== null, volume: renderVolume(found.app, found.volume) });
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/apps/:app/volumes/:id",
        handle(ctx) {
            const found = findVolume(ctx);
            if (isReply(found)) return found;
            const attached = renderVolume(found.app, found.volume).attached_machine_id;
            if (attached) return fail(412, `volume ${found.volume.id} is attached to machine ${String(attached)}; destroy the machine first`);
            found.volume.state = "destroyed";
            return ok(renderVolume(found.app, found.volume));
        },
    },
];

const digest = (value: string): string => createHash("sha256").update(value).digest("hex").slice(0, 16);

function renderSecrets(app: AppRecord): Record<string, unknown>[] {
    return [...app.secrets.entries()].map(([name, s]) => ({ name, digest: s.digest, created_at: s.createdAt, updated_at: s.updatedAt }));
}

function setSecret(app: AppRecord, name: string, value: string): void {
    const at = nowIso();
    const existing = app.secrets.get(name);
    app.secrets.set(name, { value, digest: digest(value), createdAt: existing?.createdAt ?? at, updatedAt: at });
}

/** When each secrets version was set, per app: a version becomes usable by machines only after propagation. */
const versionSetAt = new WeakMap<AppRecord, Map<number, number>>();

function bumpSecrets(app: AppRecord): void {
    app.secretsVersion += 1;
    const times = versionSetAt.get(app) ?? new Map<number, number>();
    times.set(app.secretsVersion, Date.now());
    versionSetAt.set(app, times);
}

/**
 * Why `min_secrets_version` cannot be used yet (Fly answers 412 "not yet available"), or undefined when it can: the
 * version is newer than the app's, or was set less than `propagationMs` ago.
 */
export function secretsNotYetAvailable(app: AppRecord, version: number | undefined, propagationMs: number): string | undefined {
    if (version === undefined || version <= 0) return undefined;
    const setAt = versionSetAt.get(app)?.get(version);
    const propagating = setAt !== undefined && Date.now() - setAt < propagationMs;
    if (version <= app.secretsVersion && !propagating) return undefined;
    return `min_secrets_version ${version} is not yet available (the app's secrets are at version ${app.secretsVersion}); retry shortly`;
}

const secrets: Route[] = [
    {
        method: "GET",
        pattern: "/v1/apps/:app/secrets",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            // Values are never echoed: the providers must not depend on reading secrets back.
            return ok({ secrets: renderSecrets(app) });
        },
    },
    {
        method: "POST",
        pattern: "/v1/apps/:app/secrets",
        spec: "/apps/{app_name}/secrets",
        bodyRequired: true,
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const values = (ctx.body as { values?: Record<string, string> }).values ?? {};
            const bad = Object.keys(values).filter((name) => !SECRET_NAME.test(name));
            if (bad.length) return fail(400, `invalid secret names: ${bad.join(", ")} (letters, digits and underscores, not starting with a digit)`);
            if (Object.keys(values).length === 0) return fail(400, "values must name at least one secret");
            for (const [name, value] of Object.entries(values)) setSecret(app, name, value);
            bumpSecrets(app);
            return ok({ version: app.secretsVersion, Version: app.secretsVersion, secrets: renderSecrets(app) });
        },
    },
    {
        method: "GET",
        pattern: "/v1/apps/:app/secrets/:name",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            const secret = app.secrets.get(ctx.params.name);
            if (!secret) return fail(404, `secret ${ctx.params.name} not found`);
            return ok({ name: ctx.params.name, digest: secret.digest, created_at: secret.createdAt, updated_at: secret.updatedAt });
        },
    },
    {
        method: "POST",
        pattern: "/v1/apps/:app/secrets/:name",
        spec: "/apps/{app_name}/secrets/{secret_name}",
        bodyRequired: true,
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            if (!SECRET_NAME.test(ctx.params.name)) return fail(400, `invalid secret name ${ctx.params.name}`);
            const value = (ctx.body as { value?: string }).value;
            if (value === undefined) return fail(400, "value is required");
            setSecret(app, ctx.params.name, value);
            bumpSecrets(app);
            const s = app.secrets.get(ctx.params.name)!;
            return ok({ name: ctx.params.name, digest: s.digest, created_at: s.createdAt, updated_at: s.updatedAt, version: app.secretsVersion, Version: app.secretsVersion }, 201);
        },
    },
    {
        method: "DELETE",
        pattern: "/v1/apps/:app/secrets/:name",
        handle(ctx) {
            const app = findApp(ctx);
            if (isReply(app)) return app;
            if (!app.secrets.delete(ctx.params.name)) return fail(404, `secret ${ctx.params.name} not found`);
            bumpSecrets(app);
            return ok({ version: app.secretsVersion, Version: app.secretsVersion });
        },
    },
];

/** Every app-level route. */
export const appRoutes: Route[] = [...apps, ...ips, ...certificates, ...volumes, ...secrets];

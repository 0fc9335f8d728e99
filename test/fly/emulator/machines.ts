/**
 * Machine routes of the Fly API emulator (`/v1/apps/{app}/machines...`): create, get, list, update, delete, start,
 * stop, wait, leases, cordon/uncordon, and the state machine created → starting → started → stopping → stopped →
 * destroyed with health checks that pass (or fail, for `failingImages`) after `healthDelayMs`, and turn critical later
 * for `degradingImages`. One-off machines (`auto_destroy`) run their command instead: they exit as `oneOffExits`
 * says, then destroy themselves.
 */
import { createHash, randomBytes } from "node:crypto";
import { secretsNotYetAvailable } from "./apps";
import { unknownImage, unknownRegion } from "./refusals";
import { type AppRecord, type CheckRecord, fail, isReply, type MachineRecord, type MachineState, nowIso, ok, type OneOffExit, type Reply, type Route, type RouteContext, type WaitState } from "./types";

const LEASE_HEADER = "fly-machine-lease-nonce";
const MAX_WAIT_SECONDS = 60;

/** Generation per machine: a transition scheduled for an older generation is dropped (the machine moved on). */
const generations = new WeakMap<MachineRecord, number>();

function bump(machine: MachineRecord): number {
    const next = (generations.get(machine) ?? 0) + 1;
    generations.set(machine, next);
    return next;
}

/** True when Fly's proxy would send traffic to the machine: started, every check passing, registered, not cordoned. */
export function isServing(machine: MachineRecord): boolean {
    return machine.state === "started" && machine.registered && !machine.cordoned && machine.checks.every((c) => c.status === "passing");
}

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");
const instanceId = (): string => `01${randomBytes(12).toString("base64url").toUpperCase().replace(/[^0-9A-Z]/g, "X").slice(0, 24)}`;

/** `ImageRef` for an image: a digest is derived from the image text unless the image already pins one. */
export function imageRefOf(image: string): { registry: string; repository: string; tag: string; digest: string; labels: Record<string, string> } {
    const [withoutDigest, pinned] = image.split("@");
    const firstSlash = withoutDigest.indexOf("/");
    const first = firstSlash >= 0 ? withoutDigest.slice(0, firstSlash) : "";
    const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
    const registry = hasRegistry ? first : "docker-hub-mirror.fly.io";
    let rest = hasRegistry ? withoutDigest.slice(firstSlash + 1) : withoutDigest;
    if (!hasRegistry && !rest.includes("/")) rest = `library/${rest}`;
    const colon = rest.lastIndexOf(":");
    const repository = colon >= 0 ? rest.slice(0, colon) : rest;
    const tag = colon >= 0 ? rest.slice(colon + 1) : pinned ? "" : "latest";
    const digest = pinned ?? `sha256:${createHash("sha256").update(`${registry}/${repository}:${tag}`).digest("hex")}`;
    return { registry, repository, tag, digest, labels: {} };
}

function checkNames(config: MachineRecord["config"]): string[] {
    const names = Object.keys((config.checks as Record<string, unknown> | undefined) ?? {});
    const services = (config.services as { internal_port?: number; checks?: { type?: string }[] }[] | undefined) ?? [];
    services.forEach((service) =>
        (service.checks ?? []).forEach((check, i) => names.push(`servicecheck-${String(i).padStart(2, "0")}-${check.type ?? "tcp"}-${service.internal_port ?? 0}`)),
    );
    return names;
}

function setChecks(machine: MachineRecord, status: CheckRecord["status"], output: string): void {
    const at = nowIso();
    machine.checks = checkNames(machine.config).map((name) => ({ name, status, output, updated_at: at }));
}

function failsHealth(ctx: RouteContext, image: string | undefined): boolean {
    return ctx.options.failingImages.some((pattern) => (typeof pattern === "string" ? pattern === image : pattern.test(image ?? "")));
}

function event(machine: MachineRecord, type: string, status: string, request?: Record<string, unknown>): void {
    machine.events.unshift({ id: hex(8), type, status, source: "flyd", timestamp: Date.now(), ...(request ? { request } : {}) });
    machine.events.length = Math.min(machine.events.length, 20);
}

function transition(ctx: RouteContext, app: AppRecord, machine: MachineRecord, state: MachineRecord["state"], exit?: Record<string, unknown>): void {
    machine.state = state;
    machine.updatedAt = nowIso();
    const requested = { exit_event: { exit_code: 0, requested_stop: true, restarting: false }, restart_count: restarts.get(machine) ?? 0 };
    if (exit) event(machine, "exit", state, exit);
    else event(machine, state === "started" ? "start" : state === "stopped" ? "exit" : state, state, state === "stopped" ? requested : undefined);
    ctx.machineChanged(app.name, machine);
}

/** Restarts after a crash since the machine's last start or update (Fly's `restart_count`). */
const restarts = new WeakMap<MachineRecord, number>();

function crashes(ctx: RouteContext, image: string | undefined): boolean {
    return ctx.options.crashingImages.some((pattern) => (typeof pattern === "string" ? pattern === image : pattern.test(image ?? "")));
}

/**
 * A crashing image exits with code 1 `healthDelayMs` after each start; Fly restarts it (an `exit` event with
 * `restarting: true` and the restart count) until `restart.max_retries` (default 10) or never with policy `no`.
 */
function crash(ctx: RouteContext, app: AppRecord, machine: MachineRecord, gen: number): void {
    const count = (restarts.get(machine) ?? 0) + 1;
    const restart = (machine.config.restart as { policy?: string; max_retries?: number } | undefined) ?? {};
    const restarting = restart.policy !== "no" && count <= (restart.max_retries ?? 10);
    setChecks(machine, "critical", "machine exited with code 1");
    const exit = { exit_event: { exit_code: 1, requested_stop: false, restarting, oom_killed: false }, restart_count: restarting ? count : count - 1 };
    if (!restarting) return transition(ctx, app, machine, "stopped", exit);
    restarts.set(machine, count);
    transition(ctx, app, machine, "starting", exit);
    ctx.later(ctx.options.startDelayMs, () => {
        if (generations.get(machine) !== gen) return;
        transition(ctx, app, machine, "started");
        ctx.later(ctx.options.healthDelayMs, () => generations.get(machine) === gen && crash(ctx, app, machine, gen));
    });
}

const matches = (pattern: string | RegExp | undefined, value: string): boolean =>
    pattern === undefined || (typeof pattern === "string" ? pattern === value : pattern.test(value));

/** A one-off machine runs its command to the end, like flyctl's release machines, instead of serving. */
const isOneOff = (machine: MachineRecord): boolean => machine.config.auto_destroy === true;

function exitRule(ctx: RouteContext, machine: MachineRecord): OneOffExit {
    const command = ((machine.config.init as { cmd?: string[] } | undefined)?.cmd ?? []).join(" ");
    const image = machine.config.image ?? "";
    return ctx.options.oneOffExits.find((rule) => matches(rule.image, image) && matches(rule.command, command)) ?? { exitCode: 127 };
}

/** The main process exits: `stopped` with Fly's exit event (code in `request.exit_event`), then auto-destroy. */
function runToExit(ctx: RouteContext, app: AppRecord, machine: MachineRecord, gen: number): void {
    const rule = exitRule(ctx, machine);
    const code = rule.exitCode;
    if (code === "hang") return;
    ctx.later(rule.afterMs ?? 20, () => {
        if (generations.get(machine) !== gen) return;
        machine.exitCode = code;
        machine.state = "stopped";
        machine.updatedAt = nowIso();
        machine.events.unshift({
            id: hex(8),
            type: "exit",
            status: "stopped",
            source: "flyd",
            timestamp: Date.now(),
            request: { exit_event: { exit_code: code, oom_killed: false, requested_stop: false, exited_at: machine.updatedAt } },
        });
        ctx.machineChanged(app.name, machine);
        halt(ctx, app, machine, "destroyed");
    });
}

/** created/stopped → starting → started, then checks settle after `healthDelayMs` (or the process crashes; a one-off runs to its exit). */
function boot(ctx: RouteContext, app: AppRecord, machine: MachineRecord, initial: MachineRecord["state"] = "starting"): void {
    const gen = bump(machine);
    restarts.set(machine, 0);
    setChecks(machine, "warning", "waiting for status update");
    transition(ctx, app, machine, initial);
    ctx.later(ctx.options.startDelayMs, () => {
        if (generations.get(machine) !== gen) return;
        transition(ctx, app, machine, "started");
        if (isOneOff(machine)) return runToExit(ctx, app, machine, gen);
        ctx.later(ctx.options.healthDelayMs, () => {
            if (generations.get(machine) !== gen) return;
            if (crashes(ctx, machine.config.image)) return crash(ctx, app, machine, gen);
            if (failsHealth(ctx, machine.config.image)) setChecks(machine, "critical", "connection refused: the app is not listening on the checked port");
            else setChecks(machine, "passing", "success");
            machine.updatedAt = nowIso();
            ctx.machineChanged(app.name, machine);
            const degrading = ctx.options.degradingImages.find((d) => matches(d.image, machine.config.image ?? ""));
            if (degrading && !failsHealth(ctx, machine.config.image)) {
                ctx.later(degrading.afterMs, () => {
                    if (generations.get(machine) !== gen) return;
                    setChecks(machine, "critical", "HTTP 503: the health endpoint reports an error");
                    machine.updatedAt = nowIso();
                    ctx.machineChanged(app.name, machine);
                });
            }
        });
    });
}

function halt(ctx: RouteContext, app: AppRecord, machine: MachineRecord, then: "stopped" | "destroyed"): void {
    const gen = bump(machine);
    setChecks(machine, "critical", "machine is not running");
    transition(ctx, app, machine, then === "destroyed" ? "destroying" : "stopping");
    ctx.later(ctx.options.stopDelayMs, () => {
        if (generations.get(machine) !== gen) return;
        if (then === "destroyed") {
            machine.checks = [];
            machine.lease = undefined;
        }
        transition(ctx, app, machine, then);
    });
}

function render(machine: MachineRecord, summary = false): Record<string, unknown> {
    const base: Record<string, unknown> = {
        id: machine.id,
        name: machine.name,
        state: machine.state,
        region: machine.region,
        instance_id: machine.instanceId,
        private_ip: machine.privateIp,
        image_ref: imageRefOf(machine.config.image ?? ""),
        created_at: machine.createdAt,
        updated_at: machine.updatedAt,
        host_status: "ok",
    };
    if (summary) return base;
    return { ...base, config: machine.config, checks: machine.checks, events: machine.events };
}

function findApp(ctx: RouteContext): AppRecord | Reply {
    return ctx.state.apps.get(ctx.params.app) ?? fail(404, `app ${ctx.params.app} not found`);
}

function findMachine(ctx: RouteContext, includeDestroyed = false): { app: AppRecord; machine: MachineRecord } | Reply {
    const app = findApp(ctx);
    if (isReply(app)) return app;
    const machine = app.machines.get(ctx.params.id);
    if (!machine || (!includeDestroyed && machine.state === "destroyed")) return fail(404, `machine ${ctx.params.id} not found`);
    return { app, machine };
}

function activeLease(machine: MachineRecord): MachineRecord["lease"] {
    if (machine.lease && machine.lease.expiresAt <= Date.now()) machine.lease = undefined;
    return machine.lease;
}

/** A leased machine only accepts mutating calls that carry the lease's nonce. */
function leaseConflict(ctx: RouteContext, machine: MachineRecord): Reply | undefined {
    if (!ctx.options.enforceLeases) return undefined;
    const lease = activeLease(machine);
    if (!lease) return undefined;
    if (ctx.headers[LEASE_HEADER] === lease.nonce) return undefined;
    return fail(409, `machine ID ${machine.id} lease currently held by ${lease.owner}, expires at ${new Date(lease.expiresAt).toISOString()}`);
}

function leaseBody(machine: MachineRecord): Record<string, unknown> {
    const lease = machine.lease!;
    return {
        status: "success",
        data: { nonce: lease.nonce, expires_at: Math.floor(lease.expiresAt / 1000), owner: lease.owner, description: lease.description, version: lease.version },
    };
}

function grantLease(machine: MachineRecord, ttlSeconds: number, description: string): void {
    machine.lease = { nonce: hex(6), expiresAt: Date.now() + ttlSeconds * 1000, owner: "emulator@example.com", description, version: hex(8) };
}

interface CreateBody {
    config?: MachineRecord["config"];
    name?: string;
    region?: string;
    min_secrets_version?: number;
    skip_service_registration?: boolean;
    skip_launch?: boolean;
    lease_ttl?: number;
}

function secretsTooNew(ctx: RouteContext, app: AppRecord, version: number | undefined): Reply | undefined {
    const problem = secretsNotYetAvailable(app, version, ctx.options.secretsPropagationMs);
    return problem ? fail(412, problem) : undefined;
}

function mountProblem(app: AppRecord, config: MachineRecord["config"], self?: string): Reply | undefined {
    for (const mount of (config.mounts as { volume?: string }[] | undefined) ?? []) {
        if (!mount.volume) continue;
        if (!app.volumes.has(mount.volume) || app.volumes.get(mount.volume)!.state === "destroyed") return fail(400, `volume ${mount.volume} not found`);
        const holder = [...app.machines.values()].find(
            (m) => m.id !== self && m.state !== "destroyed" && ((m.config.mounts as { volume?: string }[] | undefined) ?? []).some((x) => x.volume === mount.volume),
        );
        if (holder) return fail(400, `volume ${mount.volume} is already attached to machine ${holder.id}`);
    }
    return undefined;
}

let ipCounter = 1;

const create: Route = {
    method: "POST",
    pattern: "/v1/apps/:app/machines",
    spec: "/apps/{app_name}/machines",
    bodyRequired: true,
    handle(ctx) {
        const app = findApp(ctx);
        if (isReply(app)) return app;
        const body = ctx.body as CreateBody;
        if (!body.config?.image) return fail(400, "config.image is required");
        const problem =
            (body.region === undefined ? undefined : unknownRegion(body.region)) ??
            unknownImage(ctx, body.config.image) ??
            secretsTooNew(ctx, app, body.min_secrets_version) ??
            mountProblem(app, body.config);
        if (problem) return problem;
        const id = hex(7);
        const at = nowIso();
        const machine: MachineRecord = {
            id,
            name: body.name ?? `machine-${hex(3)}`,
            region: body.region ?? ctx.options.nearestRegion,
            state: "created",
            config: structuredClone(body.config),
            instanceId: instanceId(),
            versions: [],
            privateIp: `fdaa:0:1:a7b:1::${(ipCounter++).toString(16)}`,
            createdAt: at,
            updatedAt: at,
            registered: !body.skip_service_registration,
            cordoned: false,
            checks: [],
            minSecretsVersion: body.min_secrets_version,
            events: [],
        };
        machine.versions.push(machine.instanceId);
        app.machines.set(id, machine);
        if (body.lease_ttl) grantLease(machine, body.lease_ttl, "lease on create");
        if (body.skip_launch) {
            transition(ctx, app, machine, "stopped");
        } else {
            transition(ctx, app, machine, "created");
            boot(ctx, app, machine);
        }
        const answer = render(machine);
        if (machine.lease) answer.nonce = machine.lease.nonce;
        return ok(answer);
    },
};

const list: Route = {
    method: "GET",
    pattern: "/v1/apps/:app/machines",
    handle(ctx) {
        const app = findApp(ctx);
        if (isReply(app)) return app;
        const region = ctx.query.get("region");
        const states = ctx.query.get("state")?.split(",").filter(Boolean);
        const includeDeleted = ctx.query.get("include_deleted") === "true";
        const summary = ctx.query.get("summary") === "true";
        const machines = [...app.machines.values()].filter(
            (m) => (includeDeleted || m.state !== "destroyed") && (!region || m.region === region) && (!states || states.includes(m.state)),
        );
        return ok(machines.map((m) => render(m, summary)));
    },
};

const get: Route = {
    method: "GET",
    pattern: "/v1/apps/:app/machines/:id",
    handle(ctx) {
        const found = findMachine(ctx, true);
        return isReply(found) ? found : ok(render(found.machine));
    },
};

const update: Route = {
    method: "POST",
    pattern: "/v1/apps/:app/machines/:id",
    spec: "/apps/{app_name}/machines/{machine_id}",
    bodyRequired: true,
    handle(ctx) {
        const found = findMachine(ctx);
        if (isReply(found)) return found;
        const { app, machine } = found;
        const conflict = leaseConflict(ctx, machine);
        if (conflict) return conflict;
        const body = ctx.body as CreateBody;
        if (!body.config?.image) return fail(400, "config.image is required");
        const problem = unknownImage(ctx, body.config.image) ?? secretsTooNew(ctx, app, body.min_secrets_version) ?? mountProblem(app, body.config, machine.id);
        if (problem) return problem;
        if (machine.state === "destroying") return fail(412, `machine ${machine.id} is being destroyed`);
        machine.config = structuredClone(body.config);
        if (body.name) machine.name = body.name;
        machine.minSecretsVersion = body.min_secrets_version ?? machine.minSecretsVersion;
        machine.instanceId = instanceId();
        machine.versions.push(machine.instanceId);
        event(machine, "update", "completed");
        const wasRunning = machine.state === "started" || machine.state === "starting" || machine.state === "created" || machine.state === "replacing";
        if (wasRunning && !body.skip_launch) boot(ctx, app, machine, "replacing");
        else {
            bump(machine);
            machine.checks = [];
            machine.updatedAt = nowIso();
            ctx.machineChanged(app.name, machine);
        }
        return ok(render(machine));
    },
};

const destroy: Route = {
    method: "DELETE",
    pattern: "/v1/apps/:app/machines/:id",
    handle(ctx) {
        const found = findMachine(ctx);
        if (isReply(found)) return found;
        const { app, machine } = found;
        const conflict = leaseConflict(ctx, machine);
        if (conflict) return conflict;
        const running = machine.state !== "stopped" && machine.state !== "created" && machine.state !== "destroying";
        if (running && ctx.query.get("force") !== "true") {
            return fail(412, `failed_precondition: unable to destroy machine ${machine.id}, not currently stopped or suspended (state ${machine.state}); stop it first or pass force=true`);
        }
        if (machine.state !== "destroying") halt(ctx, app, machine, "destroyed");
        return ok({ ok: true });
    },
};

function lifecycle(action: "start" | "stop" | "cordon" | "uncordon"): Route {
    return {
        method: "POST",
        pattern: `/v1/apps/:app/machines/:id/${action}`,
        spec: action === "stop" ? "/apps/{app_name}/machines/{machine_id}/stop" : undefined,
        handle(ctx) {
            const found = findMachine(ctx);
            if (isReply(found)) return found;
            const { app, machine } = found;
            const conflict = leaseConflict(ctx, machine);
            if (conflict) return conflict;
            const previous = machine.state;
            if (action === "start") {
                if (machine.state === "stopped" || machine.state === "created") boot(ctx, app, machine);
                else if (machine.state === "destroying") return fail(412, `machine ${machine.id} is being destroyed`);
                return ok({ previous_state: previous });
            }
            if (action === "stop") {
                if (machine.state === "started" || machine.state === "starting" || machine.state === "replacing") halt(ctx, app, machine, "stopped");
                return ok({ ok: true });
            }
            machine.cordoned = action === "cordon";
            if (action === "uncordon") machine.registered = true;
            machine.updatedAt = nowIso();
            ctx.machineChanged(app.name, machine);
            return ok({ ok: true });
        },
    };
}

/**
 * What each `state` of `wait` (the spec's enum) is satisfied by. `settled` is any state a machine stays in until
 * acted on: Fly's persistent states (created, started, stopped, suspended, failed) and the terminal `destroyed`.
 */
const SATISFIES: Record<WaitState, readonly MachineState[]> = {
    started: ["started"],
    stopped: ["stopped"],
    suspended: ["suspended"],
    destroyed: ["destroyed"],
    failed: ["failed"],
    settled: ["created", "started", "stopped", "suspended", "failed", "destroyed"],
};

const wait: Route = {
    method: "GET",
    pattern: "/v1/apps/:app/machines/:id/wait",
    async handle(ctx) {
        const found = findMachine(ctx, true);
        if (isReply(found)) return found;
        const { machine } = found;
        // The dispatcher has checked every value against the spec's enum; several may be given, repeated or comma-separated.
        const wanted = ctx.query.getAll("state").flatMap((v) => v.split(",")).filter(Boolean);
        if (wanted.length === 0) wanted.push("started");
        const accepted = new Set(wanted.flatMap((w) => SATISFIES[w as WaitState]));
        const rawTimeout = ctx.query.get("timeout");
        const seconds = rawTimeout === null ? MAX_WAIT_SECONDS : Number(rawTimeout);
        if (seconds < 1) return fail(400, `invalid timeout "${rawTimeout}": an integer number of seconds from 1 to ${MAX_WAIT_SECONDS}`);
        const deadline = Date.now() + Math.min(seconds, MAX_WAIT_SECONDS) * ctx.options.waitMsPerSecond;
        const target = wanted.join(",");
        for (;;) {
            if (accepted.has(machine.state)) return ok({ ok: true, state: machine.state, version: machine.instanceId, event_id: machine.events[0]?.id });
            if (machine.state === "destroyed") return fail(400, `machine ${machine.id} was destroyed while waiting for state ${target}`);
            const left = deadline - Date.now();
            if (left <= 0 || ctx.signal.aborted) break;
            await ctx.nextChange(machine.id, left);
        }
        return fail(408, `deadline_exceeded: machine ${machine.id} did not reach state ${target} within ${seconds}s (state ${machine.state})`);
    },
};

const leaseCreate: Route = {
    method: "POST",
    pattern: "/v1/apps/:app/machines/:id/lease",
    spec: "/apps/{app_name}/machines/{machine_id}/lease",
    handle(ctx) {
        const found = findMachine(ctx);
        if (isReply(found)) return found;
        const { machine } = found;
        const body = (ctx.body ?? {}) as { ttl?: number; description?: string };
        const ttl = body.ttl ?? 30;
        const current = activeLease(machine);
        if (current && (ctx.headers[LEASE_HEADER] === current.nonce || ctx.options.enforceLeases)) {
            if (ctx.headers[LEASE_HEADER] !== current.nonce) return fail(409, `machine ID ${machine.id} lease currently held by ${current.owner}, expires at ${new Date(current.expiresAt).toISOString()}`);
            current.expiresAt = Date.now() + ttl * 1000;
            return ok(leaseBody(machine));
        }
        grantLease(machine, ttl, body.description ?? "");
        return ok(leaseBody(machine), 201);
    },
};

const leaseGet: Route = {
    method: "GET",
    pattern: "/v1/apps/:app/machines/:id/lease",
    handle(ctx) {
        const found = findMachine(ctx);
        if (isReply(found)) return found;
        return activeLease(found.machine) ? ok(leaseBody(found.machine)) : fail(404, "lease not found");
    },
};

const leaseRelease: Route = {
    method: "DELETE",
    pattern: "/v1/apps/:app/machines/:id/lease",
    handle(ctx) {
        const found = findMachine(ctx);
        if (isReply(found)) return found;
        const lease = activeLease(found.machine);
        if (!lease) return fail(404, "lease not found");
        if (ctx.headers[LEASE_HEADER] !== lease.nonce) return fail(409, `lease on machine ${found.machine.id} is held with another nonce`);
        found.machine.lease = undefined;
        return ok({ status: "success" });
    },
};

/** `POST/DELETE .../metadata/{key}`: changes one metadata key in the config without a restart or a new version. */
function metadataRoute(method: "POST" | "DELETE"): Route {
    return {
        method,
        pattern: "/v1/apps/:app/machines/:id/metadata/:key",
        spec: method === "POST" ? "/apps/{app_name}/machines/{machine_id}/metadata/{key}" : undefined,
        bodyRequired: method === "POST",
        handle(ctx) {
            const found = findMachine(ctx);
            if (isReply(found)) return found;
            const conflict = leaseConflict(ctx, found.machine);
            if (conflict) return conflict;
            const metadata = { ...((found.machine.config.metadata as Record<string, string> | undefined) ?? {}) };
            if (method === "POST") {
                const value = (ctx.body as { value?: unknown }).value;
                if (typeof value !== "string") return fail(400, "value must be a string");
                metadata[ctx.params.key] = value;
            } else {
                if (!(ctx.params.key in metadata)) return fail(404, `metadata key ${ctx.params.key} not found`);
                delete metadata[ctx.params.key];
            }
            found.machine.config = { ...found.machine.config, metadata };
            found.machine.updatedAt = nowIso();
            return method === "POST" ? ok(undefined, 204) : { status: 204 };
        },
    };
}

/** Every machine route. */
export const machineRoutes: Route[] = [
    create,
    list,
    wait,
    leaseCreate,
    leaseGet,
    leaseRelease,
    lifecycle("start"),
    lifecycle("stop"),
    lifecycle("cordon"),
    lifecycle("uncordon"),
    metadataRoute("POST"),
    metadataRoute("DELETE"),
    get,
    update,
    destroy,
];

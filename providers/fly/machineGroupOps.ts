/**
 * The MachineGroup provider's operations, called by the provider object in machineGroupProvider.ts. The Fly client reads the
 * token and API host from the environment at call time.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    desiredConfig,
    observedHash,
    pinnedImageOf,
    resolveInputs,
    TAG_CANDIDATE,
    TAG_GROUP,
    TAG_HASH,
    TAG_PROCESS_GROUP,
    TAG_SECRETS,
    validateMachineGroupInputs,
} from "./machineGroupConfig";
import { diffMachineGroup } from "./machineGroupDiff";
import type { FlyMachine, FlyMachineConfig, MachineGroupInputs, MachineGroupState, MachineRecord } from "./machineGroupTypes";
import { type ApiContext, listMachines } from "./rollout/machinesApi";
import { reconcile } from "./rollout/reconcile";
import { RolloutRun, TargetImage } from "./rollout/run";
import { retireAll } from "./rollout/scale";
import { type RolloutTiming, resolveRolloutTiming } from "./rollout/timing";

/** The resource id: the app and the group's name, enough for `read` to find the machines. */
export function groupId(app: string, group: string): string {
    return `${app}/${group}`;
}

export function parseGroupId(id: string): { app: string; group: string } {
    const slash = id.indexOf("/");
    if (slash <= 0 || slash === id.length - 1) {
        throw new Error(`MachineGroup: cannot use id "${id}"; use "<app>/<group>", where <group> is the machines' ${TAG_GROUP} metadata value.`);
    }
    return { app: id.slice(0, slash), group: id.slice(slash + 1) };
}

function context(app: string, group: string, timing?: Partial<RolloutTiming>): ApiContext {
    return { app, resource: `MachineGroup "${group}"`, timing: resolveRolloutTiming(timing) };
}

/** Machines of the app that carry the group's tag and are not on their way out. */
export async function groupMachines(ctx: ApiContext, group: string, options: { allowNotFound?: boolean } = {}): Promise<FlyMachine[] | undefined> {
    const all = await listMachines(ctx, options);
    if (!all) return undefined;
    return all.filter((m) => m.config?.metadata?.[TAG_GROUP] === group && m.state !== "destroyed" && m.state !== "destroying");
}

function records(machines: readonly FlyMachine[], desired: FlyMachineConfig): MachineRecord[] {
    return machines
        .map((m) => ({ id: m.id, region: m.region ?? "", configHash: observedHash(m, desired) }))
        .sort((a, b) => a.region.localeCompare(b.region) || a.id.localeCompare(b.id));
}

function stateOf(inputs: MachineGroupInputs, imageRef: string, machines: readonly FlyMachine[]): MachineGroupState {
    const desired = desiredConfig(inputs, imageRef);
    const list = records(machines, desired.config);
    return { ...inputs, imageRef, configHash: desired.hash, machines: list, machineIds: list.map((m) => m.id) };
}

export async function check(news: MachineGroupInputs): Promise<pulumi.dynamic.CheckResult> {
    const problems = validateMachineGroupInputs(news.group ?? "(unnamed)", news);
    return { inputs: news, failures: problems.map((reason) => ({ property: reason.match(/: (\w+)/)?.[1] ?? "", reason })) };
}

export async function diff(olds: MachineGroupState, news: MachineGroupInputs): Promise<pulumi.dynamic.DiffResult & { changed: string[] }> {
    return diffMachineGroup(olds, news);
}

export async function create(inputs: MachineGroupInputs): Promise<pulumi.dynamic.CreateResult<MachineGroupState>> {
    const ctx = context(inputs.app, inputs.group, inputs.rolloutTiming);
    // Machines left by an interrupted create carry the group's tag: adopt them rather than duplicate them.
    const existing = (await groupMachines(ctx, inputs.group)) ?? [];
    const result = await reconcile(ctx, resolveInputs(inputs), existing);
    return { id: groupId(inputs.app, inputs.group), outs: stateOf(inputs, result.imageRef, result.machines) };
}

export async function update(olds: MachineGroupState, news: MachineGroupInputs): Promise<pulumi.dynamic.UpdateResult<MachineGroupState>> {
    const ctx = context(news.app, news.group, news.rolloutTiming);
    const existing = (await groupMachines(ctx, news.group)) ?? [];
    const previous = olds.config && olds.imageRef ? { image: olds.config.image, imageRef: olds.imageRef } : undefined;
    const result = await reconcile(ctx, resolveInputs(news), existing, previous);
    return { outs: stateOf(news, result.imageRef, result.machines) };
}

/**
 * Refresh. With state, the machines are re-observed and the inputs kept, so drift shows in the next diff. Without
 * state, inputs are rebuilt from the tagged machines. An app that no longer exists means the group
 * is gone.
 */
export async function read(id: string, props: Partial<MachineGroupState> | undefined): Promise<pulumi.dynamic.ReadResult<MachineGroupState>> {
    const { app, group } = props?.app && props.group ? { app: props.app, group: props.group } : parseGroupId(id);
    const machines = await groupMachines(context(app, group), group, { allowNotFound: true });
    if (!machines) return {};
    if (props?.config && props.regions && props.strategy) {
        const state = props as MachineGroupState;
        const desired = desiredConfig(state, state.imageRef ?? state.config.image);
        const list = records(machines, desired.config);
        return { id, props: { ...state, machines: list, machineIds: list.map((m) => m.id) } };
    }
    if (machines.length === 0) return {};
    const inputs = importedInputs(app, group, machines);
    const imageRef = pinnedImageOf(machines[0]) ?? inputs.config.image;
    const state = stateOf({ ...inputs, config: { ...inputs.config, image: imageRef } }, imageRef, machines);
    const { machineIds: _ids, imageRef: _ref, configHash: _hash, machines: _m, ...importedArgs } = state;
    return { id: groupId(app, group), props: state, inputs: importedArgs as MachineGroupState };
}

function importedInputs(app: string, group: string, machines: readonly FlyMachine[]): MachineGroupInputs {
    const regions: Record<string, number> = {};
    for (const m of machines) regions[m.region ?? ""] = (regions[m.region ?? ""] ?? 0) + 1;
    const config = { ...(machines[0].config as FlyMachineConfig) };
    const metadata = { ...(config.metadata ?? {}) };
    const secrets = metadata[TAG_SECRETS];
    for (const key of [TAG_GROUP, TAG_HASH, TAG_SECRETS, TAG_CANDIDATE]) delete metadata[key];
    if (metadata[TAG_PROCESS_GROUP] === "app") delete metadata[TAG_PROCESS_GROUP];
    config.metadata = Object.keys(metadata).length > 0 ? metadata : undefined;
    const inputs: MachineGroupInputs = { app, group, regions, config, strategy: "rolling" };
    if (secrets !== undefined) inputs.minSecretsVersion = Number(secrets);
    return JSON.parse(JSON.stringify(inputs)) as MachineGroupInputs;
}

/** Stops then destroys every machine of the group (each under a lease; `force` only after the stop). */
export async function remove(id: string, props: MachineGroupState): Promise<void> {
    const { app, group } = props?.app && props.group ? { app: props.app, group: props.group } : parseGroupId(id);
    const ctx = context(app, group, props?.rolloutTiming);
    const machines = await groupMachines(ctx, group, { allowNotFound: true });
    if (!machines || machines.length === 0) return;
    const inputs = resolveInputs(props);
    const run = new RolloutRun(ctx, inputs, new TargetImage(inputs, props.imageRef), machines);
    try {
        await run.leases.acquire(machines.map((m) => m.id));
        await retireAll(run, machines, { cordon: false });
    } finally {
        await run.leases.close();
    }
}

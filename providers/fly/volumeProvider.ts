/**
 * `fly:Volume`: a persistent volume of an app. Growing it extends it in place; shrinking is refused (Fly cannot
 * shrink a volume, and a replacement would lose the data); backup settings update in place. An update never
 * deletes the volume.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CreateVolumeRequest, ExtendVolumeResponse, FlyVolume, UpdateVolumeRequest } from "./api";
import { flyRequest, seg } from "./client";
import { createOnce } from "./exactlyOnce";
import { kindProvider } from "./kindProvider";
import { type CheckFailure, changedKeys, label, splitId, VOLUME_NAME } from "./providerInputs";

export interface VolumeInputs {
    app: string;
    name: string;
    region: string;
    sizeGb: number;
    encrypted?: boolean;
    snapshotRetention?: number;
    autoBackupEnabled?: boolean;
    /** The id of an existing volume to take over instead of creating one (see `VolumeArgs.adopt`). */
    adopt?: string;
}

export interface VolumeOutputs extends VolumeInputs {
    volumeId: string;
}

const DEFAULT_RETENTION = 5;

/** Inputs with the documented defaults applied, so diffs compare like with like. */
function normalized(v: Partial<VolumeInputs>): Partial<VolumeInputs> {
    return { ...v, encrypted: v.encrypted ?? true, autoBackupEnabled: v.autoBackupEnabled ?? true, snapshotRetention: v.snapshotRetention ?? DEFAULT_RETENTION };
}

function shrinkError(olds: VolumeInputs, news: VolumeInputs): Error {
    return new Error(
        `${label("Volume", news.name, news.app)}: cannot shrink the volume from ${olds.sizeGb} GB to ${news.sizeGb} GB. Fly volumes only ` +
            `grow, and replacing the volume would lose its data. Set sizeGb back to ${olds.sizeGb} or more; to really start over with a ` +
            "smaller volume, create a new Volume resource under another name and migrate the data.",
    );
}

function outputsOf(inputs: VolumeInputs, volume: FlyVolume): VolumeOutputs {
    return {
        app: inputs.app,
        name: volume.name,
        region: volume.region,
        sizeGb: volume.size_gb,
        encrypted: volume.encrypted ?? inputs.encrypted ?? true,
        snapshotRetention: volume.snapshot_retention ?? inputs.snapshotRetention,
        autoBackupEnabled: volume.auto_backup_enabled ?? inputs.autoBackupEnabled,
        volumeId: volume.id,
    };
}

async function listVolumes(app: string): Promise<FlyVolume[]> {
    return (await flyRequest<FlyVolume[] | undefined>({ method: "GET", path: `/v1/apps/${seg(app)}/volumes`, resource: label("Volume", "*", app) })) ?? [];
}

async function getVolume(app: string, id: string): Promise<FlyVolume | undefined> {
    const volume = await flyRequest<FlyVolume | undefined>({ method: "GET", path: `/v1/apps/${seg(app)}/volumes/${seg(id)}`, resource: label("Volume", id, app), allowNotFound: true });
    return volume && volume.state !== "destroyed" && volume.state !== "pending_destroy" ? volume : undefined;
}

export function checkVolume(news: Partial<VolumeInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const name = `fly:Volume ${JSON.stringify(news.name)}`;
    if (typeof news.app !== "string" || !news.app) failures.push({ property: "app", reason: `${name}: app is required` });
    if (typeof news.name !== "string" || !VOLUME_NAME.test(news.name)) failures.push({ property: "name", reason: `${name}: name must be 1-30 lowercase letters, digits or underscores` });
    if (typeof news.region !== "string" || !news.region) failures.push({ property: "region", reason: `${name}: region is required, e.g. "ams"` });
    if (!Number.isInteger(news.sizeGb) || news.sizeGb! < 1 || news.sizeGb! > 500) failures.push({ property: "sizeGb", reason: `${name}: sizeGb must be an integer from 1 to 500, got ${news.sizeGb}` });
    if (news.adopt !== undefined && (typeof news.adopt !== "string" || !/^vol_[A-Za-z0-9]+$/.test(news.adopt))) {
        failures.push({ property: "adopt", reason: `${name}: adopt must be the id of an existing volume (vol_..., \`fly volumes list\`), got ${JSON.stringify(news.adopt)}` });
    }
    const retention = news.snapshotRetention;
    if (retention !== undefined && (!Number.isInteger(retention) || retention < 1 || retention > 60)) {
        failures.push({ property: "snapshotRetention", reason: `${name}: snapshotRetention must be 1-60 days, got ${retention}` });
    }
    return failures;
}

export function diffVolume(olds: VolumeOutputs, news: VolumeInputs): pulumi.dynamic.DiffResult {
    const o = normalized(olds);
    const n = normalized(news);
    if (n.sizeGb! < o.sizeGb!) throw shrinkError(olds, news);
    const replaces = changedKeys<VolumeInputs>(o, n, ["app", "name", "region", "encrypted"]);
    const updates = changedKeys<VolumeInputs>(o, n, ["sizeGb", "snapshotRetention", "autoBackupEnabled"]);
    return { changes: replaces.length + updates.length > 0, replaces };
}

/**
 * The existing volume `inputs.adopt` names, once verified to be the one the program describes (name, region, size,
 * encryption: what a replacement or a shrink would change). Only reads are sent; backup settings that differ are
 * left for the next update to set, as a change to an adopted resource.
 */
async function adoptVolume(inputs: Required<VolumeInputs>): Promise<FlyVolume> {
    const who = label("Volume", inputs.name, inputs.app);
    const volume = await getVolume(inputs.app, inputs.adopt);
    if (!volume) {
        throw new Error(`${who}: cannot adopt volume ${inputs.adopt}: app ${inputs.app} has no such volume (\`fly volumes list -a ${inputs.app}\`). Set adopt to one of its ids, or remove adopt to create a new volume.`);
    }
    const actual = { name: volume.name, region: volume.region, sizeGb: volume.size_gb, encrypted: volume.encrypted ?? true };
    const differ = (["name", "region", "sizeGb", "encrypted"] as const).filter((key) => actual[key] !== inputs[key]).map((key) => `${key} ${JSON.stringify(actual[key])} (the program says ${JSON.stringify(inputs[key])})`);
    if (differ.length > 0) {
        throw new Error(`${who}: cannot adopt volume ${volume.id}: it has ${differ.join(", ")}. Set the program to the volume's settings (nothing is changed on Fly; grow it afterwards if needed), then run \`pulumi up\` again.`);
    }
    return volume;
}

export async function createVolume(inputs: VolumeInputs): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    const n = normalized(inputs) as Required<VolumeInputs>;
    if (inputs.adopt !== undefined) {
        const volume = await adoptVolume(n);
        return { id: `${inputs.app}/${volume.id}`, outs: outputsOf(inputs, volume) };
    }
    // Many volumes may share a name (one per machine), so an existing volume is not adopted by name alone: only one
    // that appeared since this create began (a lost answer) and matches every setting.
    const before = new Set((await listVolumes(inputs.app)).map((v) => v.id));
    const find = async (): Promise<FlyVolume | undefined> =>
        (await listVolumes(inputs.app)).find(
            (v) => !before.has(v.id) && v.name === n.name && v.region === n.region && v.size_gb === n.sizeGb && (v.encrypted ?? true) === n.encrypted && !v.attached_machine_id,
        );
    const body: CreateVolumeRequest = {
        name: n.name,
        region: n.region,
        size_gb: n.sizeGb,
        encrypted: n.encrypted,
        snapshot_retention: n.snapshotRetention,
        auto_backup_enabled: n.autoBackupEnabled,
    };
    const volume = await createOnce(
        () => flyRequest<FlyVolume>({ method: "POST", path: `/v1/apps/${seg(inputs.app)}/volumes`, body, resource: label("Volume", inputs.name, inputs.app), retry: "never" }),
        find,
    );
    return { id: `${inputs.app}/${volume.id}`, outs: outputsOf(inputs, volume) };
}

export async function readVolume(id: string, props?: VolumeOutputs): Promise<pulumi.dynamic.ReadResult> {
    const [app, volumeId] = splitId("Volume", id, "<app>/<volume id>");
    const volume = await getVolume(app, volumeId);
    if (!volume) return { id: "", props: undefined };
    const outs = outputsOf({ app, name: volume.name, region: volume.region, sizeGb: volume.size_gb, ...props } as VolumeInputs, volume);
    const { volumeId: _id, ...inputs } = outs;
    return { id, props: outs, inputs };
}

export async function updateVolume(id: string, olds: VolumeOutputs, news: VolumeInputs): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    const [app, volumeId] = splitId("Volume", id, "<app>/<volume id>");
    const o = normalized(olds);
    const n = normalized(news);
    if (n.sizeGb! < o.sizeGb!) throw shrinkError(olds, news);
    const resource = label("Volume", news.name, app);
    let volume: FlyVolume | undefined;
    if (n.sizeGb! > o.sizeGb!) {
        const answer = await flyRequest<ExtendVolumeResponse>({
            method: "PUT",
            path: `/v1/apps/${seg(app)}/volumes/${seg(volumeId)}/extend`,
            body: { size_gb: n.sizeGb },
            resource,
        });
        volume = answer.volume;
    }
    if (n.snapshotRetention !== o.snapshotRetention || n.autoBackupEnabled !== o.autoBackupEnabled) {
        const body: UpdateVolumeRequest = { snapshot_retention: n.snapshotRetention, auto_backup_enabled: n.autoBackupEnabled };
        volume = await flyRequest<FlyVolume>({ method: "PUT", path: `/v1/apps/${seg(app)}/volumes/${seg(volumeId)}`, body, resource });
    }
    volume ??= await getVolume(app, volumeId);
    if (!volume) throw new Error(`${resource}: volume ${volumeId} no longer exists; run \`pulumi refresh\` to re-create it.`);
    return { outs: outputsOf(news, volume) };
}

export async function deleteVolume(id: string): Promise<void> {
    const [app, volumeId] = splitId("Volume", id, "<app>/<volume id>");
    await flyRequest<unknown>({ method: "DELETE", path: `/v1/apps/${seg(app)}/volumes/${seg(volumeId)}`, resource: label("Volume", volumeId, app), allowNotFound: true });
}

/** The Volume provider (the plugin loads it from the built package: registration.ts). */
export const volumeProvider = kindProvider({ check: (_olds, news) => checkVolume(news), diff: diffVolume, create: createVolume, read: readVolume, update: updateVolume, delete: deleteVolume });

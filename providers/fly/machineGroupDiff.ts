/**
 * diff of the MachineGroup provider: which properties change, and whether that replaces the group (only a new app
 * does) or rolls it out in place. Observed drift (a machine deleted or reconfigured out of band, seen by `read`)
 * counts as a change of `regions` or `config`, so the next `up` repairs it.
 */
import { canonicalJson, desiredConfig, targetImage } from "./machineGroupConfig";
import { DEFAULT_HEALTH_TIMEOUT_SECONDS, DEFAULT_MAX_UNAVAILABLE } from "./machineGroupDefaults";
import type { MachineGroupInputs, MachineGroupState } from "./machineGroupTypes";

/** Properties whose change replaces the group: a group cannot move its machines to another app. */
export const REPLACE_KEYS = ["app", "group"] as const;
const UPDATE_KEYS = ["regions", "config", "strategy", "maxUnavailable", "healthTimeoutSeconds", "minSecretsVersion"] as const;

const DEFAULTS: Partial<Record<string, unknown>> = {
    maxUnavailable: DEFAULT_MAX_UNAVAILABLE,
    healthTimeoutSeconds: DEFAULT_HEALTH_TIMEOUT_SECONDS,
};

/** The result Pulumi reads (`changes`, `replaces`) plus `changed`: every property that differs, for people and tests. */
export interface MachineGroupDiff {
    changes: boolean;
    replaces: string[];
    changed: string[];
    deleteBeforeReplace: boolean;
}

export function diffMachineGroup(olds: Partial<MachineGroupState>, news: MachineGroupInputs): MachineGroupDiff {
    const differs = (key: string) => canonicalJson((olds as Record<string, unknown>)[key] ?? DEFAULTS[key]) !== canonicalJson((news as unknown as Record<string, unknown>)[key] ?? DEFAULTS[key]);
    const replaces = REPLACE_KEYS.filter((key) => olds[key] !== undefined && differs(key));
    const changed = new Set<string>([...replaces, ...UPDATE_KEYS.filter(differs)]);
    for (const key of drifted(olds, news)) changed.add(key);
    return { changes: changed.size > 0, replaces: [...replaces], changed: [...changed], deleteBeforeReplace: false };
}

/** Properties whose last observed machines (from create, update or `read`) no longer match the inputs. */
function drifted(olds: Partial<MachineGroupState>, news: MachineGroupInputs): string[] {
    if (!olds.machines || !news.regions || !news.config?.image) return [];
    const out: string[] = [];
    const counts: Record<string, number> = {};
    for (const machine of olds.machines) counts[machine.region] = (counts[machine.region] ?? 0) + 1;
    const wanted = Object.fromEntries(Object.entries(news.regions).filter(([, n]) => n > 0));
    if (canonicalJson(counts) !== canonicalJson(wanted)) out.push("regions");
    const image = targetImage(news.config.image, olds.config && olds.imageRef ? { image: olds.config.image, imageRef: olds.imageRef } : undefined);
    const expected = desiredConfig(news, image ?? news.config.image).hash;
    if (olds.machines.some((m) => m.configHash !== expected)) out.push("config");
    return out;
}

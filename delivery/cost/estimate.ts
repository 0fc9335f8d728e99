/**
 * A stack's monthly Fly bill, estimated line by line from the resources' inputs and the dated price table
 * (`fly-prices.json`, with its sources and the day it was read). Only what Fly bills is priced: machines, Managed
 * Postgres, volumes, dedicated IPv4 and certificates; local Docker, GitHub and Sentry cost nothing here.
 */
import { UNKNOWN } from "../../engine/wire";
import { FLY } from "../../policies/lib/types";
import prices from "./fly-prices.json";

export const PRICES = prices;

/** A resource as the estimate reads it (from a preview model, or a policy's view of the stack). */
export interface PricedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Readonly<Record<string, unknown>>;
}

export interface CostLine {
    readonly resource: string;
    /** What is priced, with the arithmetic (`4 × shared 2 CPU / 1024 MB × $6.38`). */
    readonly item: string;
    readonly monthlyUsd: number;
}

export interface Estimate {
    readonly lines: readonly CostLine[];
    readonly monthlyUsd: number;
    /** Resources whose price depends on a value unknown until apply, or on something the table lacks. */
    readonly unpriced: readonly string[];
}

/** Cents-exact sum (prices are in cents; floats would drift). */
const cents = (usd: number) => Math.round(usd * 100);
const usd = (c: number) => c / 100;
export const money = (value: number) => `$${value.toFixed(2)}`;

type MachineKind = keyof typeof prices.machines & ("shared" | "performance");

/** The monthly price of one running machine. */
export function machineMonthlyUsd(cpuKind: string, cpus: number, memoryMb: number): number | undefined {
    const kind = prices.machines[cpuKind as MachineKind];
    if (!kind || !Number.isInteger(cpus) || cpus < 1 || !Number.isFinite(memoryMb)) return undefined;
    const extraMb = Math.max(0, memoryMb - cpus * kind.includedMemoryMbPerCpu);
    return usd(cents(cpus * kind.perCpuUsd) + cents((extraMb / 1024) * prices.machines.extraMemoryPerGbUsd));
}

const known = (v: unknown) => v !== undefined && v !== UNKNOWN;

function linesOf(resource: PricedResource): CostLine[] | "unpriced" {
    const { inputs, name } = resource;
    switch (resource.type) {
        case FLY.machineGroup: {
            const guest = (inputs.config as { guest?: { cpu_kind?: string; cpus?: number; memory_mb?: number } } | undefined)?.guest;
            const regions = inputs.regions as Record<string, number> | undefined;
            if (!guest || !known(guest.cpu_kind) || !known(guest.cpus) || !known(guest.memory_mb) || !regions || !known(regions)) return "unpriced";
            const count = Object.values(regions).reduce((a, b) => a + b, 0);
            const each = machineMonthlyUsd(String(guest.cpu_kind), Number(guest.cpus), Number(guest.memory_mb));
            if (each === undefined) return "unpriced";
            // Machines the proxy may stop when idle are priced running all month: the estimate is an upper bound.
            const service = (inputs.config as { services?: { autostop?: string; min_machines_running?: number }[] }).services?.[0];
            const stops = service?.autostop === "stop" || service?.autostop === "suspend";
            const bound = stops ? `running all month, an upper bound: ${count - Math.min(count, service?.min_machines_running ?? 0)} may stop when idle` : "running all month";
            return [{ resource: name, item: `${count} × ${guest.cpu_kind} ${guest.cpus} CPU / ${guest.memory_mb} MB machine, ${bound} (${Object.entries(regions).map(([r, n]) => `${r} ${n}`).join(", ")}) × ${money(each)}`, monthlyUsd: usd(count * cents(each)) }];
        }
        case FLY.managedPostgres: {
            const plan = prices.managedPostgres.plans[String(inputs.plan) as keyof typeof prices.managedPostgres.plans];
            const disk = Number(inputs.diskSizeGb);
            if (!plan || !known(inputs.diskSizeGb) || !Number.isFinite(disk)) return "unpriced";
            return [
                { resource: name, item: `Managed Postgres ${inputs.plan} plan (${plan.cpu}, ${plan.memoryGb} GB)`, monthlyUsd: plan.usd },
                { resource: name, item: `Managed Postgres storage ${disk} GB × ${money(prices.managedPostgres.storagePerGbUsd)}`, monthlyUsd: usd(cents(disk * prices.managedPostgres.storagePerGbUsd)) },
            ];
        }
        case FLY.volume: {
            const size = Number(inputs.sizeGb);
            if (!known(inputs.sizeGb) || !Number.isFinite(size)) return "unpriced";
            return [{ resource: name, item: `volume ${size} GB × ${money(prices.volumePerGbUsd)}`, monthlyUsd: usd(cents(size * prices.volumePerGbUsd)) }];
        }
        case FLY.ipAssignment:
            // Shared IPv4 and every IPv6 address are free; only a dedicated IPv4 is billed.
            if (!known(inputs.type)) return "unpriced";
            return inputs.type === "v4" ? [{ resource: name, item: "dedicated IPv4", monthlyUsd: prices.dedicatedIpv4Usd }] : [];
        case FLY.certificate: {
            if (!known(inputs.hostname)) return "unpriced";
            const wildcard = String(inputs.hostname).startsWith("*.");
            return [{ resource: name, item: `${wildcard ? "wildcard" : "single-hostname"} certificate ${inputs.hostname}`, monthlyUsd: wildcard ? prices.certificates.wildcardUsd : prices.certificates.singleHostnameUsd }];
        }
        default:
            return [];
    }
}

/** The monthly estimate of a set of resources. */
export function estimate(resources: readonly PricedResource[]): Estimate {
    const lines: CostLine[] = [];
    const unpriced: string[] = [];
    for (const resource of resources) {
        const found = linesOf(resource);
        if (found === "unpriced") unpriced.push(resource.name);
        else lines.push(...found);
    }
    return { lines, monthlyUsd: usd(lines.reduce((sum, line) => sum + cents(line.monthlyUsd), 0)), unpriced };
}

/** The estimate as text, one line per item and the total, for `npm run plan` and `npm run envdiff`. */
export function renderEstimate(e: Estimate, indent = "    "): string {
    const width = Math.max(0, ...e.lines.map((l) => money(l.monthlyUsd).length));
    const rows = e.lines.map((l) => `${indent}${money(l.monthlyUsd).padStart(width)}  ${l.resource}: ${l.item}`);
    rows.push(`${indent}${money(e.monthlyUsd).padStart(width)}  total per month (Fly list prices of ${prices.checked}, iad; delivery/cost/fly-prices.json)`);
    if (e.unpriced.length > 0) rows.push(`${indent}not priced (a value known only after apply): ${e.unpriced.join(", ")}`);
    return rows.join("\n");
}

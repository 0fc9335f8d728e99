/**
 * Rule 7: production runs at least two machines, every listed region has one, and when the Fly proxy may stop
 * idle machines (autostop) it keeps at least two running, so one crash or host failure never leaves no machine.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isObject, isUnknown, listAt, objectAt, UNKNOWN } from "../../lib/known";
import { configSet, plainProps, settings, UNPROVEN } from "../../lib/rule";
import { FLY } from "../../lib/types";

/** Settings of `high-availability`. */
export interface AvailabilitySettings {
    /**
     * Machines the app must have across all regions.
     * @default 2
     */
    minMachines: number;
    /**
     * Machines the Fly proxy must keep running when autostop is on.
     * @default 2
     */
    minRunning: number;
    /**
     * Regions the app must run in.
     * @default 1
     */
    minRegions: number;
}

const DEFAULTS: AvailabilitySettings = { minMachines: 2, minRunning: 2, minRegions: 1 };

export const highAvailability: ResourceValidationPolicy = {
    name: "high-availability",
    description: "Production runs at least two machines with one in every listed region, and keeps at least two running when autostop is on.",
    severity: "high",
    configSchema: {
        properties: {
            minMachines: { type: "integer", minimum: 1, default: DEFAULTS.minMachines },
            minRunning: { type: "integer", minimum: 0, default: DEFAULTS.minRunning },
            minRegions: { type: "integer", minimum: 1, default: DEFAULTS.minRegions },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== FLY.machineGroup) return;
        const { minMachines, minRunning, minRegions } = settings(args, DEFAULTS);
        const props = plainProps(args.props);

        const regions = props.regions;
        if (isUnknown(regions) || (isObject(regions) && Object.values(regions).some(isUnknown))) {
            reportViolation(`regions ${UNPROVEN}: machine counts must come from config (app.machines.count, app.regions).`);
        } else {
            const entries = isObject(regions) ? Object.entries(regions).map(([region, n]) => [region, Number(n)] as const) : [];
            const total = entries.reduce((sum, [, n]) => sum + (Number.isFinite(n) ? n : 0), 0);
            if (total < minMachines) {
                reportViolation(`The app has ${total} machine(s); production needs at least ${minMachines} so one failure or deploy does not take it down. Fix: ${configSet("app.machines.count", String(minMachines))} (per region) or add a region to app.regions.`);
            }
            const empty = entries.filter(([, n]) => !(n >= 1)).map(([region]) => region);
            if (empty.length > 0) reportViolation(`Region(s) ${empty.join(", ")} have no machine, so the app does not run where it is listed. Fix: ${configSet("app.machines.count", "1")} or remove them from app.regions.`);
            if (entries.length < minRegions) reportViolation(`The app runs in ${entries.length} region(s); production needs at least ${minRegions}. Fix: ${configSet(`app.regions[${entries.length}]`, "<region>")}`);
        }

        const config = objectAt(props, "config");
        const services = config === UNKNOWN ? UNKNOWN : listAt(config ?? {}, "services");
        if (isUnknown(services)) {
            reportViolation(`config.services ${UNPROVEN}: autostop and min_machines_running must be plain values.`);
            return;
        }
        services.forEach((service, i) => {
            if (!isObject(service)) return;
            const autostop = service.autostop;
            const running = service.min_machines_running;
            if (isUnknown(autostop) || isUnknown(running)) {
                reportViolation(`config.services[${i}] autostop/min_machines_running ${UNPROVEN}.`);
                return;
            }
            const alwaysOn = autostop === "off" || autostop === false;
            if (!alwaysOn && !(typeof running === "number" && running >= minRunning)) {
                reportViolation(`config.services[${i}] lets the Fly proxy stop idle machines down to ${JSON.stringify(running ?? 0)} (autostop ${JSON.stringify(autostop ?? "default")}, min_machines_running ${JSON.stringify(running ?? 0)}); production keeps at least ${minRunning} running, so one crash or cold start never leaves it without a machine. Fix: ${configSet("app.minRunning", String(minRunning))} or ${configSet("app.autostop", "off")}`);
            }
        });
    },
};

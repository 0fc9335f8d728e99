/** Rule 7: production runs at least two machines, and the Fly proxy keeps at least one running. */
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
     * @default 1
     */
    minRunning: number;
}

const DEFAULTS: AvailabilitySettings = { minMachines: 2, minRunning: 1 };

export const highAvailability: ResourceValidationPolicy = {
    name: "high-availability",
    description: "Production runs at least two machines, and at least one machine is always kept running.",
    severity: "high",
    configSchema: {
        properties: {
            minMachines: { type: "integer", minimum: 1, default: DEFAULTS.minMachines },
            minRunning: { type: "integer", minimum: 0, default: DEFAULTS.minRunning },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== FLY.machineGroup) return;
        const { minMachines, minRunning } = settings(args, DEFAULTS);
        const props = plainProps(args.props);

        const regions = props.regions;
        if (isUnknown(regions) || (isObject(regions) && Object.values(regions).some(isUnknown))) {
            reportViolation(`regions ${UNPROVEN}: machine counts must come from config (app.machines.count, app.regions).`);
        } else {
            const counts = isObject(regions) ? Object.values(regions).map(Number) : [];
            const total = counts.reduce((sum, n) => sum + (Number.isFinite(n) ? n : 0), 0);
            if (total < minMachines) {
                reportViolation(`The app has ${total} machine(s); production needs at least ${minMachines} so one failure or deploy does not take it down. Fix: ${configSet("app.machines.count", String(minMachines))} (per region) or add a region to app.regions.`);
            }
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
                reportViolation(`config.services[${i}] lets the Fly proxy stop every machine (autostop ${JSON.stringify(autostop ?? "default")}, min_machines_running ${JSON.stringify(running ?? 0)}), so the first request after idle waits for a cold start. Fix: ${configSet("app.minRunning", String(minRunning))} or ${configSet("app.autostop", "off")}`);
            }
        });
    },
};

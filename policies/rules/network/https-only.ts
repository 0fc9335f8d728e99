/** Rule 5: every HTTP port of a Fly service redirects to HTTPS, and port 443 terminates TLS. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isObject, isUnknown, listAt, objectAt, Plain, UNKNOWN } from "../../lib/known";
import { plainProps, UNPROVEN } from "../../lib/rule";
import { FLY } from "../../lib/types";

const WHERE = "the app's service definition (components/)";

export const httpsOnly: ResourceValidationPolicy = {
    name: "https-only",
    description: "Every port that speaks HTTP must force HTTPS, and port 443 must terminate TLS.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== FLY.machineGroup) return;
        const config = objectAt(plainProps(args.props), "config");
        const services = config === UNKNOWN ? UNKNOWN : listAt(config ?? {}, "services");
        if (isUnknown(services)) {
            reportViolation(`config.services ${UNPROVEN}: build the services from plain values.`);
            return;
        }
        services.forEach((service, i) => {
            const ports = listAt(service, "ports");
            if (isUnknown(ports)) {
                reportViolation(`config.services[${i}].ports ${UNPROVEN}: build the ports from plain values.`);
                return;
            }
            ports.forEach((port, j) => checkPort(port, `config.services[${i}].ports[${j}]`, reportViolation));
        });
    },
};

function checkPort(port: Plain, path: string, report: (message: string) => void): void {
    if (!isObject(port)) return;
    const number = port.port;
    const handlers = port.handlers;
    if (isUnknown(number) || isUnknown(handlers)) {
        report(`${path} ${UNPROVEN}: its port number and handlers must be plain values.`);
        return;
    }
    const list = Array.isArray(handlers) ? handlers.map((h) => String(h).toLowerCase()) : [];
    const tls = list.includes("tls");
    if (number === 443 && !tls) {
        report(`${path} is port 443 without the "tls" handler, so HTTPS traffic is not terminated. Set handlers ["tls", "http"] in ${WHERE}.`);
    }
    if (list.includes("http") && !tls) {
        const force = port.force_https;
        if (isUnknown(force)) report(`${path}.force_https ${UNPROVEN}.`);
        else if (force !== true) report(`${path} serves plain HTTP${typeof number === "number" ? ` on port ${number}` : ""} without force_https, so clients can talk to the API unencrypted. Set force_https: true in ${WHERE}.`);
    }
}

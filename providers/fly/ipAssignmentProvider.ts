/**
 * `fly:IpAssignment`: a public or private IP address assigned to an app. Any change replaces it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AssignIpRequest, FlyIpAssignment, ListIpAssignmentsResponse } from "./api";
import { flyRequest, seg } from "./client";
import { createOnce } from "./exactlyOnce";
import { kindProvider } from "./kindProvider";
import { type CheckFailure, changedKeys, label, splitId } from "./providerInputs";

/** Kinds of address Fly assigns. `shared_v4` is free and shared with other apps; `v4` is dedicated (billed). */
export type IpType = "v4" | "v6" | "shared_v4" | "private_v6";

const IP_TYPES: readonly IpType[] = ["v4", "v6", "shared_v4", "private_v6"];

export interface IpAssignmentInputs {
    app: string;
    type: IpType;
    region?: string;
}

export interface IpAssignmentOutputs extends IpAssignmentInputs {
    address: string;
}

/** The kind of an assignment, from what Fly reports (its answer has no `type` field). */
export function ipTypeOf(ip: FlyIpAssignment): IpType {
    if (ip.shared) return "shared_v4";
    if (!ip.ip.includes(":")) return "v4";
    return ip.ip.toLowerCase().startsWith("fdaa:") ? "private_v6" : "v6";
}

function matches(inputs: IpAssignmentInputs, ip: FlyIpAssignment): boolean {
    return ipTypeOf(ip) === inputs.type && (!inputs.region || ip.region === inputs.region || (inputs.region === "global" && !ip.region));
}

async function listIps(app: string): Promise<FlyIpAssignment[]> {
    const answer = await flyRequest<ListIpAssignmentsResponse>({ method: "GET", path: `/v1/apps/${seg(app)}/ip_assignments`, resource: label("IpAssignment", app, app) });
    return answer?.ips ?? [];
}

export function checkIpAssignment(news: Partial<IpAssignmentInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (typeof news.app !== "string" || !news.app) failures.push({ property: "app", reason: "fly:IpAssignment app is required" });
    if (!IP_TYPES.includes(news.type as IpType)) failures.push({ property: "type", reason: `fly:IpAssignment type must be one of ${IP_TYPES.join(", ")}, got ${JSON.stringify(news.type)}` });
    return failures;
}

export function diffIpAssignment(olds: IpAssignmentOutputs, news: IpAssignmentInputs): pulumi.dynamic.DiffResult {
    const replaces = changedKeys<IpAssignmentInputs>(olds, news, ["app", "type", "region"]);
    return { changes: replaces.length > 0, replaces };
}

export async function createIpAssignment(inputs: IpAssignmentInputs): Promise<pulumi.dynamic.CreateResult<IpAssignmentOutputs>> {
    const resource = label("IpAssignment", inputs.type, inputs.app);
    const find = async (): Promise<FlyIpAssignment | undefined> => (await listIps(inputs.app)).find((ip) => matches(inputs, ip));
    // An address of this kind already on the app (from an earlier run whose answer was lost) is adopted, not doubled.
    const ip =
        (await find()) ??
        (await createOnce(async () => {
            const body: AssignIpRequest = { type: inputs.type, ...(inputs.region ? { region: inputs.region } : {}) };
            return flyRequest<FlyIpAssignment>({ method: "POST", path: `/v1/apps/${seg(inputs.app)}/ip_assignments`, body, resource, retry: "never" });
        }, find));
    return { id: `${inputs.app}/${ip.ip}`, outs: { ...inputs, address: ip.ip } };
}

export async function readIpAssignment(id: string, props?: IpAssignmentOutputs): Promise<pulumi.dynamic.ReadResult> {
    const [app, address] = splitId("IpAssignment", id, "<app>/<address>");
    const ips = await listIps(app).catch((error: unknown) => {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
    });
    const ip = ips?.find((i) => i.ip === address);
    if (!ip) return { id: "", props: undefined };
    const region = props?.region ?? (ip.region && ip.region !== "global" ? ip.region : undefined);
    const inputs: IpAssignmentInputs = { app, type: ipTypeOf(ip), ...(region ? { region } : {}) };
    return { id, props: { ...inputs, address }, inputs };
}

export async function deleteIpAssignment(id: string): Promise<void> {
    const [app, address] = splitId("IpAssignment", id, "<app>/<address>");
    await flyRequest<unknown>({ method: "DELETE", path: `/v1/apps/${seg(app)}/ip_assignments/${seg(address)}`, resource: label("IpAssignment", address, app), allowNotFound: true });
}

/** The IpAssignment provider (the plugin loads it from the built package: registration.ts). */
export const ipAssignmentProvider = kindProvider({ check: (_olds, news) => checkIpAssignment(news), diff: diffIpAssignment, create: createIpAssignment, read: readIpAssignment, delete: deleteIpAssignment });

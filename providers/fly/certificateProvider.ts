/**
 * `fly:Certificate`: an ACME (Let's Encrypt) certificate for a custom hostname of an app. Any input change replaces
 * it; `read` (refresh) updates its status and DNS requirements.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CertificateDetail, DnsRequirements } from "./api";
import { flyRequest, seg } from "./client";
import { createOnce } from "./exactlyOnce";
import { kindProvider } from "./kindProvider";
import { type CheckFailure, changedKeys, label, splitId } from "./providerInputs";

export interface CertificateInputs {
    app: string;
    hostname: string;
}

export interface CertificateOutputs extends CertificateInputs {
    status: string;
    configured: boolean;
    dnsRequirements: DnsRequirements;
}

const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

async function getCertificate(app: string, hostname: string): Promise<CertificateDetail | undefined> {
    return flyRequest<CertificateDetail | undefined>({
        method: "GET",
        path: `/v1/apps/${seg(app)}/certificates/${seg(hostname)}`,
        resource: label("Certificate", hostname, app),
        allowNotFound: true,
    });
}

function outputsOf(inputs: CertificateInputs, cert: CertificateDetail): CertificateOutputs {
    return { ...inputs, status: cert.status ?? "unknown", configured: cert.configured ?? false, dnsRequirements: cert.dns_requirements ?? {} };
}

export function checkCertificate(news: Partial<CertificateInputs>): { inputs: Partial<CertificateInputs>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const hostname = typeof news.hostname === "string" ? news.hostname.trim().toLowerCase() : news.hostname;
    if (typeof news.app !== "string" || !news.app) failures.push({ property: "app", reason: "fly:Certificate app is required" });
    if (typeof hostname !== "string" || !HOSTNAME.test(hostname)) failures.push({ property: "hostname", reason: `fly:Certificate hostname ${JSON.stringify(news.hostname)} is not a valid DNS name (e.g. api.example.com)` });
    return { inputs: { ...news, hostname }, failures };
}

export function diffCertificate(olds: CertificateOutputs, news: CertificateInputs): pulumi.dynamic.DiffResult {
    const replaces = changedKeys<CertificateInputs>(olds, news, ["app", "hostname"]);
    return { changes: replaces.length > 0, replaces };
}

export async function createCertificate(inputs: CertificateInputs): Promise<pulumi.dynamic.CreateResult<CertificateOutputs>> {
    const find = (): Promise<CertificateDetail | undefined> => getCertificate(inputs.app, inputs.hostname);
    const cert =
        (await find()) ??
        (await createOnce(
            () =>
                flyRequest<CertificateDetail>({
                    method: "POST",
                    path: `/v1/apps/${seg(inputs.app)}/certificates/acme`,
                    body: { hostname: inputs.hostname },
                    resource: label("Certificate", inputs.hostname, inputs.app),
                    retry: "never",
                }),
            find,
        ));
    return { id: `${inputs.app}/${inputs.hostname}`, outs: outputsOf(inputs, cert) };
}

export async function readCertificate(id: string): Promise<pulumi.dynamic.ReadResult> {
    const [app, hostname] = splitId("Certificate", id, "<app>/<hostname>");
    const cert = await getCertificate(app, hostname);
    if (!cert) return { id: "", props: undefined };
    const inputs: CertificateInputs = { app, hostname };
    return { id, props: outputsOf(inputs, cert), inputs };
}

export async function deleteCertificate(id: string): Promise<void> {
    const [app, hostname] = splitId("Certificate", id, "<app>/<hostname>");
    await flyRequest<unknown>({ method: "DELETE", path: `/v1/apps/${seg(app)}/certificates/${seg(hostname)}`, resource: label("Certificate", hostname, app), allowNotFound: true });
}

/** The Certificate provider (the plugin loads it from the built package: registration.ts). */
export const certificateProvider = kindProvider({ check: (_olds, news) => checkCertificate(news), diff: diffCertificate, create: createCertificate, read: readCertificate, delete: deleteCertificate });

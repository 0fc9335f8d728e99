/**
 * `fly:Certificate`: an ACME (Let's Encrypt) certificate for a custom hostname of an app. Any input change replaces
 * it; `read` (refresh) updates its status and DNS requirements.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CertificateDetail, DnsRequirements } from "./api";
import { flyRequest, seg } from "./client";
import { type CheckFailure, changedKeys, createOnce, label, splitId } from "./common";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link Certificate}. */
export interface CertificateArgs {
    /** Name of the app serving the hostname. */
    readonly app: pulumi.Input<string>;
    /** The custom hostname, e.g. `api.example.com` (a leading `*.` for a wildcard). */
    readonly hostname: pulumi.Input<string>;
}

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
export const certificateProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds, news) {
        return checkCertificate(news);
    },
    async diff(_id, olds, news) {
        return diffCertificate(olds, news);
    },
    async create(inputs) {
        return createCertificate(inputs);
    },
    async read(id) {
        return readCertificate(id);
    },
    async delete(id) {
        await deleteCertificate(id);
    },
};

/**
 * A TLS certificate for a custom hostname. Create the DNS records in `dnsRequirements`; `pulumi refresh` then shows
 * the certificate as `configured`. The id is `<app>/<hostname>`.
 */
export class Certificate extends pulumi.CustomResource {
    declare public readonly app: pulumi.Output<string>;
    declare public readonly hostname: pulumi.Output<string>;
    /** Fly's certificate status (e.g. `awaiting_configuration`, `ready`). */
    declare public readonly status: pulumi.Output<string>;
    /** Whether the DNS records point at the app. */
    declare public readonly configured: pulumi.Output<boolean>;
    /** Records to create at the DNS provider: `a`, `aaaa`, `cname`, `acme_challenge`. */
    declare public readonly dnsRequirements: pulumi.Output<DnsRequirements>;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("Certificate"), name, withFlyProvider("Certificate", { ...args, status: undefined, configured: undefined, dnsRequirements: undefined }), opts);
    }
}

/**
 * `fly:Certificate`: a TLS certificate for a custom hostname of an app, as the program declares it. The provider is certificateProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DnsRequirements } from "./api";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link Certificate}. */
export interface CertificateArgs {
    /** Name of the app serving the hostname. */
    readonly app: pulumi.Input<string>;
    /** The custom hostname, e.g. `api.example.com` (a leading `*.` for a wildcard). */
    readonly hostname: pulumi.Input<string>;
}

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

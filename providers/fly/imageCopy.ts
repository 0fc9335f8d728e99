/**
 * `fly:ImageCopy`: a release image copied by digest into another registry repository (a promotion across Fly
 * organizations, whose registries are scoped per organization). The provider (imageCopyProvider.ts) runs
 * `skopeo copy`; credentials come from the environment variables named here, never from inputs or state.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ImageCopyInputs, validateImageCopyInputs } from "./imageCopyInputs";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link ImageCopy}. */
export interface ImageCopyArgs {
    /** The image to copy, by digest (`registry.fly.io/api-staging@sha256:...`). Changing it copies again. */
    readonly source: pulumi.Input<string>;
    /** The repository to copy into (`registry.fly.io/api-prod`); the image keeps its digest there. */
    readonly repository: pulumi.Input<string>;
    /**
     * The environment variable holding a token that may pull the source (Fly's registry: user `x`, the token as
     * password). The variable's name is an input; its value is read when the copy runs and never stored.
     * @default anonymous pull
     */
    readonly sourceTokenEnv?: pulumi.Input<string>;
    /**
     * The environment variable holding a token that may push to `repository`.
     * @default anonymous push
     */
    readonly destinationTokenEnv?: pulumi.Input<string>;
    /**
     * Whether the registries' TLS certificates are verified. Only a registry on a private network served over plain
     * HTTP needs false.
     * @default true
     */
    readonly tlsVerify?: pulumi.Input<boolean>;
}

/** An image copied by digest. Replaced (copied again) when the source or the repository changes. */
export class ImageCopy extends pulumi.CustomResource {
    declare public readonly source: pulumi.Output<string>;
    declare public readonly repository: pulumi.Output<string>;
    /** The copy, by the same digest: `<repository>@sha256:...`. */
    declare public readonly image: pulumi.Output<string>;
    declare public readonly digest: pulumi.Output<string>;

    constructor(name: string, args: ImageCopyArgs, opts?: pulumi.CustomResourceOptions) {
        const plain = Object.fromEntries(Object.entries(args).filter(([, v]) => typeof v === "string" || typeof v === "boolean"));
        const problems = validateImageCopyInputs(name, plain as Partial<ImageCopyInputs>);
        if (problems.length > 0) throw new Error(problems.join("\n"));
        super(flyType("ImageCopy"), name, withFlyProvider("ImageCopy", { sourceTokenEnv: undefined, destinationTokenEnv: undefined, tlsVerify: undefined, ...args, image: undefined, digest: undefined }), opts);
    }
}

/**
 * ImageCopy (`pulumi-nodejs:dynamic/fly:ImageCopy`): copies an image by digest with skopeo (imageCopyRun.ts). A new
 * source or repository is a new copy (a replacement); the token variables' names only update state. Deleting it
 * leaves the image where it is: a registry's images are the registry's to collect, and a rollback may need it.
 */
import { kindProvider } from "./kindProvider";
import { type ImageCopyInputs, validateImageCopyInputs } from "./imageCopyInputs";
import { copyImage } from "./imageCopyRun";
import { changedKeys, label } from "./providerInputs";

export interface ImageCopyOutputs extends ImageCopyInputs {
    /** `<repository>@<digest>`. */
    image: string;
    digest: string;
}

async function copy(inputs: ImageCopyInputs): Promise<ImageCopyOutputs> {
    const digest = await copyImage(inputs, label("ImageCopy", inputs.repository));
    return { ...inputs, image: `${inputs.repository}@${digest}`, digest };
}

export const imageCopyProvider = kindProvider({
    check: (_olds, news: ImageCopyInputs) => [
        ...(["source", "repository"] as const).filter((key) => news[key] === undefined).map((key) => ({ property: key, reason: `fly:ImageCopy: ${key} is required.` })),
        ...validateImageCopyInputs(news.repository ?? "copy", news).map((reason) => ({ property: "", reason })),
    ],
    diff: (olds: ImageCopyOutputs, news: ImageCopyInputs) => {
        const replaces = changedKeys(olds, news, ["source", "repository"]);
        return { changes: replaces.length > 0 || changedKeys(olds, news, ["sourceTokenEnv", "destinationTokenEnv", "tlsVerify"]).length > 0, replaces, deleteBeforeReplace: false };
    },
    create: async (inputs: ImageCopyInputs) => ({ id: `${inputs.repository}@${inputs.source.slice(inputs.source.lastIndexOf("@") + 1)}`, outs: await copy(inputs) }),
    read: async (id, props) => ({ id, props }),
    update: async (_id, olds: ImageCopyOutputs, news: ImageCopyInputs) => ({ outs: { ...news, image: olds.image, digest: olds.digest } }),
    delete: async () => undefined,
});

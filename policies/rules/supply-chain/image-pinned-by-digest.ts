/**
 * Rule 11: production runs an image pinned by digest, so what was reviewed is what runs.
 *
 * A stack rule: an image this stack builds is unknown during preview (its digest exists only after the build),
 * and what proves it pinned then is that the machines depend on the stack's own docker image build, whose
 * `repoDigest` is `repo@sha256:...` by construction.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { appEnvOf } from "../../lib/env";
import { isObject, isUnknown, Plain } from "../../lib/known";
import { configSet, dependsOnAny, ofType, show, stackNodes, StackNode, UNPROVEN } from "../../lib/rule";
import { DOCKER, FLY } from "../../lib/types";

/** `repo@sha256:<64 hex>`. */
export const PINNED = /@sha256:[a-f0-9]{64}$/;

const FIX = `build it in the stack (app.image.context) or pin the prebuilt image: ${configSet("app.image.ref", "<registry>/<repo>@sha256:<digest>")}`;

export const imagePinnedByDigest: StackValidationPolicy = {
    name: "image-pinned-by-digest",
    description: "The app's image must be pinned by digest (repo@sha256:...), never a mutable tag.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const nodes = stackNodes(args);
        const builtHere = (n: StackNode) => dependsOnAny(n, nodes, (d) => d.type === DOCKER.image || d.type === DOCKER.remoteImage);

        const judge = (holder: StackNode, path: string, image: Plain) => {
            if (isUnknown(image)) {
                if (!builtHere(holder)) reportViolation(`${path} ${UNPROVEN}, and it does not come from an image this stack builds. Fix: ${FIX}`, holder.urn);
            } else if (typeof image !== "string" || !PINNED.test(image)) {
                reportViolation(`${path} is ${show(image ?? "unset")}, a mutable reference: a re-push changes what runs without a deploy. Fix: ${FIX}`, holder.urn);
            }
        };

        for (const group of ofType(nodes, FLY.machineGroup)) {
            const config = group.props.config;
            judge(group, "config.image", isUnknown(config) ? config : isObject(config) ? config.image : undefined);
        }
        for (const container of ofType(nodes, DOCKER.container)) {
            if (appEnvOf(container.type, container.props)) judge(container, "image", container.props.image);
        }
    },
};

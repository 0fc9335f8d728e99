/**
 * What the emulator refuses because Fly does not know it: an organization that does not exist, an image its registry
 * does not hold, a region that is not one of Fly's (the one list, providers/fly/regions.json).
 */
import { FLY_REGIONS } from "../../../providers/fly/regions";
import { fail, type Reply, type RouteContext } from "./types";

/** 404 unless `slug` is an organization of the options. */
export function unknownOrganization(ctx: RouteContext, slug: string): Reply | undefined {
    return ctx.options.organizations.includes(slug) ? undefined : fail(404, `organization ${JSON.stringify(slug)} not found (or the token cannot see it)`);
}

/** 422 unless the registry holds `image`. */
export function unknownImage(ctx: RouteContext, image: string): Reply | undefined {
    const held = ctx.options.images.some((pattern) => (typeof pattern === "string" ? pattern === image : pattern.test(image)));
    return held ? undefined : fail(422, `failed to resolve image ${JSON.stringify(image)}: manifest unknown (is it pushed to a registry Fly can pull from?)`);
}

/** 422 unless `region` is one of Fly's. */
export function unknownRegion(region: string): Reply | undefined {
    return FLY_REGIONS.has(region) ? undefined : fail(422, `region ${JSON.stringify(region)} not found; see \`fly platform regions\``);
}

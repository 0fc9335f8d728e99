/**
 * Fly's region codes: the one list the config, the providers and the test emulator check a region against. The list
 * lives in regions.json with the date it was checked and its sources, inside the provider package (so its build
 * carries it) and imported by config/schema.ts.
 */
import regionList from "./regions.json";

/** Every region code of the list (`ams`, `iad`, `fra`, ...). */
export const FLY_REGIONS: ReadonlySet<string> = new Set(Object.keys(regionList.regions));

/** When the list was last compared with Fly's (`YYYY-MM-DD`). */
export const FLY_REGIONS_CHECKED: string = regionList.checked;

/** Where the list lives, for messages that tell a reader where to look. */
export const FLY_REGIONS_FILE = "providers/fly/regions.json";

const FORM = /^[a-z]{3}$/;

/**
 * Why `code` is not a Fly region, or `undefined` when it is one. A malformed code is reported as such (once), a
 * well-formed one that Fly's list lacks names the list, its file and its date.
 */
export function flyRegionProblem(code: unknown): string | undefined {
    if (typeof code !== "string" || !FORM.test(code)) return "must be a three-letter Fly region code such as ams, iad or fra";
    if (!FLY_REGIONS.has(code)) return `is not a Fly region (known: ${[...FLY_REGIONS].join(", ")}; from ${FLY_REGIONS_FILE}, checked ${FLY_REGIONS_CHECKED})`;
    return undefined;
}

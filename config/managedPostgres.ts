/** Where Fly Managed Postgres runs, from `flyManagedPostgresRegions.json` (with its date and sources). */
import flyManagedPostgres from "./flyManagedPostgresRegions.json";

/** Regions where Fly Managed Postgres runs a cluster: a subset of Fly's regions. */
export const FLY_MANAGED_POSTGRES_REGIONS: ReadonlySet<string> = new Set(flyManagedPostgres.regions);

/** When the list was last compared with Fly's. */
export const FLY_MANAGED_POSTGRES_CHECKED: string = flyManagedPostgres.checked;

/** The region a Fly database runs in: `database.region`, or else the app's primary region (the first of `app.regions`). */
export function databaseRegion<T>(database: { readonly region?: T }, appRegions: readonly T[]): T | undefined {
    return database.region ?? appRegions[0];
}

/**
 * `fly:PostgresDatabase`: a database in a Managed Postgres cluster. Fly's API can create, list and delete one (the
 * delete drops everything in it) but not rename or move it, so a change of `name` or `clusterId` is refused at
 * preview with the fix, never carried out as a replacement: deleting a database is never a side effect of an update.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DataEnvelope, PostgresDatabase as FlyPostgresDatabase } from "./api";
import { flyRequest } from "./client";
import { createOnce } from "./exactlyOnce";
import { type CheckFailure, changedKeys, label, splitId, unwrap, isKnown } from "./providerInputs";
import { kindProvider } from "./kindProvider";
import { clusterPath, DATABASE_NAME, refusalError, refusals } from "./postgresApi";

export interface PostgresDatabaseInputs {
    clusterId: string;
    name: string;
}

const FIXED = ["clusterId", "name"] as const;

function fixFor(olds: Partial<PostgresDatabaseInputs>, property: string, from: unknown, to: unknown): string {
    const who = `${label("PostgresDatabase", String(olds.name))}: ${property} cannot change from ${JSON.stringify(from)} to ${JSON.stringify(to)}`;
    if (property === "name") {
        return (
            `${who}: Fly's API cannot rename a database, and replacing it would drop its data. Set name back to ${JSON.stringify(from)}; to use a ` +
            "new database, add a second PostgresDatabase, copy the data into it (pg_dump/pg_restore through `fly mpg proxy`), then remove the old one."
        );
    }
    return (
        `${who}: a database cannot move to another cluster, and replacing it would drop its data. Set clusterId back; to move it with ` +
        "its cluster, follow docs/runbooks/change-database.md#move-to-a-new-cluster."
    );
}

async function listDatabases(clusterId: string, name: string): Promise<FlyPostgresDatabase[] | undefined> {
    return unwrap(
        await flyRequest<DataEnvelope<FlyPostgresDatabase[]> | undefined>({ method: "GET", path: clusterPath(clusterId, "databases"), resource: label("PostgresDatabase", name), allowNotFound: true }),
    );
}

export function checkPostgresDatabase(olds: Partial<PostgresDatabaseInputs> | undefined, news: Partial<PostgresDatabaseInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (isKnown(news.clusterId) && (typeof news.clusterId !== "string" || !news.clusterId)) failures.push({ property: "clusterId", reason: "fly:PostgresDatabase clusterId is required" });
    if (isKnown(news.name) && (typeof news.name !== "string" || !DATABASE_NAME.test(news.name))) {
        failures.push({
            property: "name",
            reason: `fly:PostgresDatabase name ${JSON.stringify(news.name)} must be letters, digits, - and _, start and end with a letter or digit, and be at most 63 characters`,
        });
    }
    return [...failures, ...refusals(olds, news, FIXED, (_p, a, b) => a === b, (p, from, to) => fixFor(olds ?? {}, p, from, to))];
}

/** Never a replacement: a change shows as an update, which `update` refuses (check already has). */
export function diffPostgresDatabase(olds: PostgresDatabaseInputs, news: PostgresDatabaseInputs): pulumi.dynamic.DiffResult {
    return { changes: changedKeys<PostgresDatabaseInputs>(olds, news, FIXED).length > 0, replaces: [] };
}

export async function createPostgresDatabase(inputs: PostgresDatabaseInputs): Promise<pulumi.dynamic.CreateResult<PostgresDatabaseInputs>> {
    const find = async (): Promise<FlyPostgresDatabase | undefined> => (await listDatabases(inputs.clusterId, inputs.name))?.find((d) => d.name === inputs.name);
    const post = async (): Promise<FlyPostgresDatabase | undefined> =>
        unwrap(
            await flyRequest<DataEnvelope<FlyPostgresDatabase>>({
                method: "POST",
                path: clusterPath(inputs.clusterId, "databases"),
                body: { name: inputs.name },
                resource: label("PostgresDatabase", inputs.name),
                retry: "never",
            }),
        );
    if (!(await find())) await createOnce(post, find);
    return { id: `${inputs.clusterId}/${inputs.name}`, outs: { clusterId: inputs.clusterId, name: inputs.name } };
}

export async function readPostgresDatabase(id: string): Promise<pulumi.dynamic.ReadResult> {
    const [clusterId, name] = splitId("PostgresDatabase", id, "<cluster id>/<database>");
    const found = (await listDatabases(clusterId, name))?.some((d) => d.name === name);
    if (!found) return { id: "", props: undefined };
    return { id, props: { clusterId, name }, inputs: { clusterId, name } };
}

export async function updatePostgresDatabase(olds: PostgresDatabaseInputs, news: PostgresDatabaseInputs): Promise<pulumi.dynamic.UpdateResult<PostgresDatabaseInputs>> {
    const refused = refusals(olds, news, FIXED, (_p, a, b) => a === b, (p, from, to) => fixFor(olds, p, from, to));
    if (refused.length > 0) throw refusalError(refused);
    return { outs: news };
}

export async function deletePostgresDatabase(id: string): Promise<void> {
    const [clusterId, name] = splitId("PostgresDatabase", id, "<cluster id>/<database>");
    await flyRequest<unknown>({ method: "DELETE", path: clusterPath(clusterId, "databases", name), resource: label("PostgresDatabase", name), allowNotFound: true });
}

/** The PostgresDatabase provider (the host loads it from the built package: hostEntry.ts). */
export const postgresDatabaseProvider = kindProvider({ check: checkPostgresDatabase, diff: diffPostgresDatabase, create: createPostgresDatabase, read: readPostgresDatabase, update: (_id, olds, news) => updatePostgresDatabase(olds, news), delete: deletePostgresDatabase });

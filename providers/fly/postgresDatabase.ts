/**
 * `fly:PostgresDatabase`: a database in a Managed Postgres cluster. Any change replaces it (deleting a database is
 * never a side effect of another resource's update; protect it where its data matters).
 */
import * as pulumi from "@pulumi/pulumi";
import type { DataEnvelope, PostgresDatabase as FlyPostgresDatabase } from "./api";
import { flyRequest, seg } from "./client";
import { type CheckFailure, changedKeys, createOnce, label, splitId, unwrap } from "./common";
import { flyType, withFlyProvider } from "./registration";

/** Arguments of {@link PostgresDatabase}. */
export interface PostgresDatabaseArgs {
    /** The cluster (`ManagedPostgres.clusterId`). */
    readonly clusterId: pulumi.Input<string>;
    /** Database name (lowercase letters, digits, underscores). */
    readonly name: pulumi.Input<string>;
}

export interface PostgresDatabaseInputs {
    clusterId: string;
    name: string;
}

const PG_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function listDatabases(clusterId: string, name: string): Promise<FlyPostgresDatabase[] | undefined> {
    return unwrap(
        await flyRequest<DataEnvelope<FlyPostgresDatabase[]> | undefined>({
            method: "GET",
            path: `/v1/postgres/${seg(clusterId)}/databases`,
            resource: label("PostgresDatabase", name),
            allowNotFound: true,
        }),
    );
}

export function checkPostgresDatabase(news: Partial<PostgresDatabaseInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (typeof news.clusterId !== "string" || !news.clusterId) failures.push({ property: "clusterId", reason: "fly:PostgresDatabase clusterId is required" });
    if (typeof news.name !== "string" || !PG_NAME.test(news.name)) failures.push({ property: "name", reason: `fly:PostgresDatabase name ${JSON.stringify(news.name)} must be lowercase letters, digits and underscores` });
    return failures;
}

export function diffPostgresDatabase(olds: PostgresDatabaseInputs, news: PostgresDatabaseInputs): pulumi.dynamic.DiffResult {
    const replaces = changedKeys<PostgresDatabaseInputs>(olds, news, ["clusterId", "name"]);
    return { changes: replaces.length > 0, replaces };
}

export async function createPostgresDatabase(inputs: PostgresDatabaseInputs): Promise<pulumi.dynamic.CreateResult<PostgresDatabaseInputs>> {
    const find = async (): Promise<FlyPostgresDatabase | undefined> => (await listDatabases(inputs.clusterId, inputs.name))?.find((d) => d.name === inputs.name);
    if (!(await find())) {
        await createOnce(
            async () =>
                unwrap(
                    await flyRequest<DataEnvelope<FlyPostgresDatabase>>({
                        method: "POST",
                        path: `/v1/postgres/${seg(inputs.clusterId)}/databases`,
                        body: { name: inputs.name },
                        resource: label("PostgresDatabase", inputs.name),
                        retry: "never",
                    }),
                ),
            find,
        );
    }
    return { id: `${inputs.clusterId}/${inputs.name}`, outs: { clusterId: inputs.clusterId, name: inputs.name } };
}

export async function readPostgresDatabase(id: string): Promise<pulumi.dynamic.ReadResult> {
    const [clusterId, name] = splitId("PostgresDatabase", id, "<cluster id>/<database>");
    const found = (await listDatabases(clusterId, name))?.some((d) => d.name === name);
    if (!found) return { id: "", props: undefined };
    return { id, props: { clusterId, name }, inputs: { clusterId, name } };
}

export async function deletePostgresDatabase(id: string): Promise<void> {
    const [clusterId, name] = splitId("PostgresDatabase", id, "<cluster id>/<database>");
    await flyRequest<unknown>({ method: "DELETE", path: `/v1/postgres/${seg(clusterId)}/databases/${seg(name)}`, resource: label("PostgresDatabase", name), allowNotFound: true });
}

/** The PostgresDatabase provider (the plugin loads it from the built package: registration.ts). */
export const postgresDatabaseProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds, news) {
        return { inputs: news, failures: checkPostgresDatabase(news) };
    },
    async diff(_id, olds, news) {
        return diffPostgresDatabase(olds, news);
    },
    async create(inputs) {
        return createPostgresDatabase(inputs);
    },
    async read(id) {
        return readPostgresDatabase(id);
    },
    async delete(id) {
        await deletePostgresDatabase(id);
    },
};

/** A database in a Managed Postgres cluster. The id is `<cluster id>/<name>`. */
export class PostgresDatabase extends pulumi.CustomResource {
    declare public readonly clusterId: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;

    constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyType("PostgresDatabase"), name, withFlyProvider("PostgresDatabase", { ...args }), opts);
    }
}

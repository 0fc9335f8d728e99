/**
 * `fly:App`: a Fly app. App names are global across Fly, so the name is also the resource id.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CreateAppRequest, FlyApp } from "./api";
import { flyRequest, seg } from "./client";
import { createOnce } from "./exactlyOnce";
import { kindProvider } from "./kindProvider";
import { APP_NAME, type CheckFailure, changedKeys, label } from "./providerInputs";

/** Inputs once resolved. */
export interface AppInputs {
    name: string;
    orgSlug: string;
    network?: string;
}

/** Provider state. */
export interface AppOutputs extends AppInputs {
    appId: string;
}

const REPLACE_ON = ["name", "orgSlug", "network"] as const;

async function getApp(name: string): Promise<FlyApp | undefined> {
    return flyRequest<FlyApp | undefined>({ method: "GET", path: `/v1/apps/${seg(name)}`, resource: label("App", name), allowNotFound: true });
}

function outputsOf(inputs: AppInputs, app: FlyApp): AppOutputs {
    // Fly's `status` (pending, deployed, suspended) follows the machines; kept in state it would read as drift on
    // every refresh, so the state holds only what this resource configures.
    return { ...inputs, appId: app.id ?? app.name };
}

function ownedElsewhere(inputs: AppInputs, app: FlyApp): Error | undefined {
    const org = app.organization?.slug;
    if (!org || org === inputs.orgSlug) return undefined;
    return new Error(
        `${label("App", inputs.name)}: an app with this name already exists in organization "${org}", not "${inputs.orgSlug}". ` +
            "App names are global across Fly: choose another name, or set orgSlug to the organization that owns it.",
    );
}

export function checkApp(news: Partial<AppInputs>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (typeof news.name !== "string" || !APP_NAME.test(news.name)) {
        failures.push({ property: "name", reason: `fly:App name ${JSON.stringify(news.name)} must be 3-63 lowercase letters, digits or dashes, starting and ending with a letter or digit` });
    }
    if (typeof news.orgSlug !== "string" || news.orgSlug.trim() === "") failures.push({ property: "orgSlug", reason: "fly:App orgSlug is required, e.g. \"personal\"" });
    return failures;
}

export function diffApp(olds: AppOutputs, news: AppInputs): pulumi.dynamic.DiffResult {
    const replaces = changedKeys<AppInputs>({ ...olds, network: olds.network || undefined }, { ...news, network: news.network || undefined }, REPLACE_ON);
    // Names are global: a replacement that keeps the name must delete the old app first.
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && olds.name === news.name };
}

export async function createApp(inputs: AppInputs): Promise<pulumi.dynamic.CreateResult<AppOutputs>> {
    const resource = label("App", inputs.name);
    const find = async (): Promise<FlyApp | undefined> => {
        const app = await getApp(inputs.name);
        const problem = app && ownedElsewhere(inputs, app);
        if (problem) throw problem;
        return app;
    };
    // A previous run whose answer was lost may have created it already: adopt it rather than fail on name_taken.
    let app = await find();
    if (!app) {
        const body: CreateAppRequest = { name: inputs.name, org_slug: inputs.orgSlug, ...(inputs.network ? { network: inputs.network } : {}) };
        app = await createOnce(
            async () => {
                await flyRequest<unknown>({ method: "POST", path: "/v1/apps", body, resource, retry: "never" });
                return (await getApp(inputs.name)) ?? { name: inputs.name };
            },
            find,
        );
    }
    return { id: inputs.name, outs: outputsOf(inputs, app) };
}

export async function readApp(id: string, props?: AppOutputs): Promise<pulumi.dynamic.ReadResult> {
    const app = await getApp(id);
    if (!app) return { id: "", props: undefined };
    const inputs: AppInputs = {
        name: app.name,
        orgSlug: app.organization?.slug ?? props?.orgSlug ?? "",
        ...(app.network || props?.network ? { network: app.network || props?.network } : {}),
    };
    return { id, props: outputsOf(inputs, app), inputs };
}

export async function deleteApp(id: string): Promise<void> {
    await flyRequest<unknown>({ method: "DELETE", path: `/v1/apps/${seg(id)}`, resource: label("App", id), allowNotFound: true });
}

/** The App provider (the plugin loads it from the built package: registration.ts). */
export const appProvider = kindProvider({ check: (_olds, news) => checkApp(news), diff: diffApp, create: createApp, read: readApp, delete: deleteApp });

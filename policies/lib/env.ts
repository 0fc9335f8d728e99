/**
 * The app's environment as the rules see it: Fly `MachineGroup.config.env` (a map) or a docker `Container.envs`
 * (`KEY=value` strings). A value, or a whole entry, may be unknown during preview; an unknown docker entry hides
 * its key too, which is why `opaque` is counted.
 */
import { isObject, isUnknown, Plain, PlainObject, UNKNOWN, Unknown } from "./known";
import { DOCKER, FLY } from "./types";

/** One workload's environment variables. */
export interface EnvView {
    /** Where the variables live, for messages (`config.env`, `envs`). */
    readonly path: string;
    /** Known keys with their value (`UNKNOWN` when the value is not known yet). */
    readonly vars: ReadonlyMap<string, string | Unknown>;
    /** Entries whose key cannot be read (the whole entry is unknown), or the whole map is unknown (`Infinity`). */
    readonly opaque: number;
}

/** Variables of the app contract; a container carrying any of them runs the app rather than a side service. */
const APP_CONTRACT = ["ENVIRONMENT", "DEBUG", "LOG_LEVEL", "CORS_ORIGINS", "ALLOWED_HOSTS", "PORT", "SENTRY_ENVIRONMENT"];

/** The environment of a Fly machine group or docker container; `undefined` for other resources. */
export function envOf(type: string, props: PlainObject): EnvView | undefined {
    if (type === FLY.machineGroup) {
        const config = props.config;
        if (isUnknown(config)) return { path: "config", vars: new Map(), opaque: Infinity };
        const env = isObject(config) ? config.env : undefined;
        if (isUnknown(env)) return { path: "config.env", vars: new Map(), opaque: Infinity };
        const vars = new Map<string, string | Unknown>();
        if (isObject(env)) for (const [key, value] of Object.entries(env)) vars.set(key, toText(value));
        return { path: "config.env", vars, opaque: 0 };
    }
    if (type === DOCKER.container) {
        const envs = props.envs;
        if (isUnknown(envs)) return { path: "envs", vars: new Map(), opaque: Infinity };
        const vars = new Map<string, string | Unknown>();
        let opaque = 0;
        for (const entry of Array.isArray(envs) ? envs : []) {
            if (typeof entry !== "string") {
                opaque++;
                continue;
            }
            const separator = entry.indexOf("=");
            if (separator <= 0) continue;
            vars.set(entry.slice(0, separator), entry.slice(separator + 1));
        }
        return { path: "envs", vars, opaque };
    }
    return undefined;
}

function toText(value: Plain): string | Unknown {
    if (isUnknown(value)) return UNKNOWN;
    return value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * Whether the workload runs the app (and so must satisfy the app env contract): every Fly machine group does; a
 * container does when it carries an app-contract variable or hides entries that might be one.
 */
export function runsApp(type: string, env: EnvView): boolean {
    if (type === FLY.machineGroup) return true;
    return env.opaque > 0 || APP_CONTRACT.some((key) => env.vars.has(key));
}

/** The app's environment when the resource runs the app, else `undefined`. */
export function appEnvOf(type: string, props: PlainObject): EnvView | undefined {
    const env = envOf(type, props);
    return env && runsApp(type, env) ? env : undefined;
}

/** Reads one variable: its value, `UNKNOWN` when it is (or may be) there but unknown, `undefined` when absent. */
export function readVar(env: EnvView, key: string): string | Unknown | undefined {
    if (env.vars.has(key)) return env.vars.get(key);
    return env.opaque > 0 ? UNKNOWN : undefined;
}

/** A comma-separated env list (`CORS_ORIGINS`, `ALLOWED_HOSTS`), trimmed, empty items dropped. */
export function splitList(value: string): string[] {
    return value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
}

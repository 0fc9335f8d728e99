/**
 * How the CLI finds and starts the one provider plugin the offline engine runs for real, `pulumi-nodejs` (the
 * dynamic-provider host), so the engine starts it the same way and the time it takes is the time a user waits.
 *
 * As the CLI's plugin lookup does it: an entry of Pulumi.yaml's `plugins.providers` with the package's name wins
 * (when it and the request both name a version, only the same version). Its path, relative to the project
 * directory, must be a folder, and the executable in it is `pulumi-resource-<name>` (`.cmd` on Windows). Without
 * one, the CLI runs the `pulumi-resource-pulumi-nodejs` it ships, a shell script that asks a first node where the
 * project's `@pulumi/pulumi/cmd/dynamic-provider` is and runs that in a second one; the engine does the same two
 * steps. Either way the plugin runs in the project directory with the engine's address as its argument, and sees
 * the runtime options as `PULUMI_RUNTIME_<OPTION>` and the project's name as `PULUMI_NODEJS_PROJECT`/`PULUMI_PROJECT`.
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { ProjectFile } from "../program";

const PACKAGE = "pulumi-nodejs";

/** What to run, and where it came from. */
export interface PluginLaunch {
    readonly command: string;
    readonly args: readonly string[];
    /** `project`: the folder Pulumi.yaml names; `bundled`: the CLI's own script. */
    readonly source: "project" | "bundled";
}

/** The plugin file the CLI would run from a project plugin folder. */
export function pluginExecutable(folder: string, name: string, platform: NodeJS.Platform = process.platform): string {
    return join(folder, `pulumi-resource-${name}${platform === "win32" ? ".cmd" : ""}`);
}

/** How the CLI would start the `pulumi-nodejs` plugin of the project in `root`. */
export async function dynamicProviderLaunch(root: string, project: ProjectFile, engineAddress: string, requestedVersion?: string): Promise<PluginLaunch> {
    const entry = project.providerPlugins.find((p) => p.name === PACKAGE && !(p.version && requestedVersion && p.version !== requestedVersion));
    if (entry) {
        const folder = isAbsolute(entry.path) ? entry.path : join(root, entry.path);
        const where = `Pulumi.yaml: plugins.providers entry "${PACKAGE}"`;
        const stat = statSync(folder, { throwIfNoEntry: false });
        if (!stat) throw new Error(`${where}: no folder at path '${folder}'`);
        if (!stat.isDirectory()) throw new Error(`${where}: '${folder}' is not a directory (path names the plugin's folder)`);
        const executable = pluginExecutable(folder, PACKAGE);
        const file = statSync(executable, { throwIfNoEntry: false });
        if (!file?.isFile()) throw new Error(`${where}: the folder '${folder}' has no plugin file ${executable}`);
        if (process.platform !== "win32" && (file.mode & 0o111) === 0) throw new Error(`${where}: ${executable} is not executable (chmod +x it, and commit the mode)`);
        return { command: executable, args: [engineAddress], source: "project" };
    }
    const resolved = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))"], { cwd: root }, (error, stdout) =>
            error ? reject(new Error(`the CLI's pulumi-resource-${PACKAGE} cannot find @pulumi/pulumi/cmd/dynamic-provider from ${root}: run \`npm ci\` there`)) : resolve(stdout.trim()),
        ),
    );
    return { command: process.execPath, args: [resolved, engineAddress], source: "bundled" };
}

/** The environment the CLI adds for a provider plugin: runtime options and the project's name. */
export function pluginEnv(project: ProjectFile, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const options = Object.fromEntries(Object.entries(project.runtime.options).map(([key, value]) => [`PULUMI_RUNTIME_${key.toUpperCase()}`, String(value)]));
    return { ...base, ...options, PULUMI_NODEJS_PROJECT: project.name, PULUMI_PROJECT: project.name };
}

/**
 * Where every command runs: the project root (the folder of Pulumi.yaml), whatever folder it was started from.
 * Pulumi resolves `plugins.providers` paths in Pulumi.yaml (the dynamic-provider host in startup/plugins) from the
 * working directory for some commands (`pulumi import`, `pulumi policy ...`), so running from a subfolder would
 * fail there; running every command from the root makes them all resolve the same way.
 */
import { relative, resolve } from "node:path";

/** The project root: two levels above this file (delivery/cli/). */
export const ROOT = resolve(__dirname, "..", "..");

/**
 * The folder the user started the command in. `npm run` changes to the package root before it runs a script and
 * keeps the original folder in INIT_CWD.
 */
export function startedIn(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
    return resolve(env.INIT_CWD || cwd);
}

/** A note for a command started outside the project root, or undefined when it was started there. */
export function elsewhereNote(started: string, root = ROOT): string | undefined {
    if (resolve(started) === root) return undefined;
    const where = relative(root, started);
    const inside = where !== "" && !where.startsWith("..");
    return `note: started in ${inside ? `${where}/ inside the project` : started}; every pulumi command runs from the project root ${root}, so Pulumi.yaml and its plugin paths resolve from there`;
}

/**
 * The Pulumi CLI these commands run: the release the `pulumi` npm devDependency pins, never whatever `pulumi` comes
 * first on PATH (a runner image's CLI, a Homebrew one). That package keeps each release at
 * `$PULUMI_HOME/versions/<version>/bin/pulumi` (its `lib/cache.js`, the layout the Automation API's
 * `PulumiCommand.install` uses too) and installs it there on first use (`lib/resolve.js`). The version is passed
 * explicitly, so `PULUMI_VERSION` in the environment cannot switch it.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { CommandExit, EXIT } from "./exitCodes";

/** The pinned CLI, checked to report the pinned version. */
export interface PinnedCli {
    /** The version `node_modules/pulumi/package.json` pins. */
    readonly version: string;
    /** Absolute path of the binary. */
    readonly bin: string;
    /** The Automation API's handle on the same binary. */
    readonly command: PulumiCommand;
}

interface PulumiNpmPackage {
    readonly version: string;
    resolve(opts: { version: string }): Promise<string>;
}

function pulumiNpmPackage(root: string): PulumiNpmPackage {
    const load = createRequire(join(root, "package.json"));
    const { version } = load("pulumi/package.json") as { version: string };
    const { resolve } = load("pulumi/lib/resolve.js") as { resolve(opts: { version: string }): Promise<string> };
    return { version, resolve };
}

/**
 * Finds (installing on first use, as `npx pulumi` would) the pinned CLI and checks that it reports the pinned
 * version. Throws `CommandExit` (preflight) with the fix when it cannot.
 */
export async function pinnedCli(root: string): Promise<PinnedCli> {
    let pkg: PulumiNpmPackage;
    try {
        pkg = pulumiNpmPackage(root);
    } catch {
        throw new CommandExit(EXIT.preflight, "stack: the pulumi npm package is not installed (node_modules/pulumi).\n      fix: npm ci   (the package fetches the pinned CLI on first use)");
    }
    let bin: string;
    try {
        bin = await pkg.resolve({ version: pkg.version });
    } catch (err) {
        throw new CommandExit(EXIT.preflight, `stack: could not install the pinned Pulumi CLI v${pkg.version}: ${(err as Error).message}\n      fix: check the network to get.pulumi.com, then run again`);
    }
    const { PulumiCommand } = await import("@pulumi/pulumi/automation");
    let command: PulumiCommand;
    try {
        // `root` is the install root (<root>/bin/pulumi); `get` runs `pulumi version` and parses it.
        command = await PulumiCommand.get({ root: dirname(dirname(bin)) });
    } catch (err) {
        throw new CommandExit(EXIT.preflight, `stack: the pinned Pulumi CLI at ${bin} does not run: ${(err as Error).message.split("\n")[0]}\n      fix: rm -rf ${dirname(dirname(bin))}, then run again to reinstall it`);
    }
    const reported = command.version?.version;
    if (reported !== pkg.version) {
        throw new CommandExit(EXIT.preflight, `stack: the Pulumi CLI at ${bin} reports v${reported ?? "?"}, but node_modules/pulumi pins v${pkg.version}.\n      fix: rm -rf ${dirname(dirname(bin))}, then run again to reinstall the pinned release`);
    }
    return { version: pkg.version, bin, command };
}

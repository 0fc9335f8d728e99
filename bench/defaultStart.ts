/**
 * The same project set up the way Pulumi starts a TypeScript project by default, for the start-up bench to compare
 * against: Pulumi.yaml with `main: index.ts` and `typescript: true` (cmd/run compiles and type-checks through ts-node)
 * and no `plugins` entry (the CLI's bundled dynamic-provider plugin, nothing deferred); the policy pack's
 * `main: index.ts` (run-policy-pack's ts-node). Every other file is a link to the project's own, so both ways run the
 * same program, pack, stack files and node_modules.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** Links every entry of `from` into `to` except those in `skip`. */
function mirror(from: string, to: string, skip: readonly string[]): void {
    for (const entry of readdirSync(from)) if (!skip.includes(entry)) symlinkSync(join(from, entry), join(to, entry));
}

/** Builds the default-way copy of the project at `root` in a temporary folder; `remove` deletes it. */
export function defaultWayProject(root: string): { root: string; policyPack: string; remove: () => void } {
    const dir = mkdtempSync(join(tmpdir(), "default-start-"));
    mirror(root, dir, ["Pulumi.yaml", "package.json", "policies", "node_modules", ".git"]);
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8"));
    delete project.plugins;
    project.main = "index.ts";
    project.runtime = { name: "nodejs", options: { typescript: true } };
    writeFileSync(join(dir, "Pulumi.yaml"), stringify(project));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(root, "package.json"), "utf8")), main: "index.ts" }));

    const pack = join(dir, "policies");
    mkdirSync(pack);
    mirror(join(root, "policies"), pack, ["package.json"]);
    writeFileSync(join(pack, "package.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(root, "policies", "package.json"), "utf8")), main: "index.ts" }));
    return { root: dir, policyPack: pack, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

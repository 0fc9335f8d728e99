/**
 * The repository stands alone: no tracked file refers to a folder beside the clone (the shared folder) or to an absolute
 * path of a particular machine (a workspace, a home or temporary directory, this checkout's own path). Lockfiles are
 * skipped (they name registry URLs only), and so is the little the allowlist below names, each with its reason.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");

/** A reference that ties the project to one machine. The patterns are built from parts so this file passes itself. */
export interface Reference {
    file: string;
    line: number;
    text: string;
    what: string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// An absolute path starts at a slash that does not continue a relative one (`src/tmp/` is fine).
const absolute = (segment: string): RegExp => new RegExp(`(?<![\\w.~$-])/${segment}/`);

const FORBIDDEN: { pattern: RegExp; what: string }[] = [
    { pattern: new RegExp(`(?:\\.\\./)+${"shar" + "ed"}\\b`), what: "a folder beside the clone (the shared folder)" },
    ...["work", "root", "home", "tmp", "Users", "mnt", "var/folders", "private/var"].map((segment) => ({
        pattern: absolute(segment),
        what: `an absolute machine path (/${segment}/...)`,
    })),
    { pattern: /(?<![\w])[A-Za-z]:\\\\?(?:Users|home|work)\\/i, what: "an absolute Windows path" },
    // This machine's own paths, whatever they are where the suite runs (a clone elsewhere, a CI runner).
    ...[ROOT, homedir(), tmpdir()]
        .filter((path) => path.length > 1 && path !== "/")
        .map((path) => ({ pattern: new RegExp(`(?<![\\w.~$-])${escape(path)}(?![\\w.-])`), what: `a path of this machine (${basename(path) || path})` })),
];

/** Exceptions, each for a reason; a match is allowed when the file matches and the line contains `text`. */
const ALLOWED: { file: RegExp; text?: string; why: string }[] = [
    { file: /(^|\/)package-lock\.json$/, why: "lockfiles are written by npm" },
    { file: /(^|\/)\.gitignore$/, why: "gitignore patterns are relative to the repository (a leading slash is its root)" },
    {
        file: /^(contracts\/fly\/machines-openapi\.json|providers\/fly\/generated\/machines\.ts)$/,
        text: "to check the health of the container (e.g. [",
        why: "Fly's own example of a command run inside a container, in its spec and the types generated from it",
    },
    {
        file: /^contracts\/.*\.md$/,
        text: "copied from",
        why: "a provenance note may say where a copy came from; nothing reads that place",
    },
];

/** Every forbidden reference in `text` (the content of `file`, a path relative to the repository). */
export function forbiddenReferences(file: string, text: string): Reference[] {
    const found: Reference[] = [];
    const rules = ALLOWED.filter((a) => a.file.test(file));
    if (rules.some((a) => a.text === undefined)) return found;
    text.split("\n").forEach((line, i) => {
        const hit = FORBIDDEN.find(({ pattern }) => pattern.test(line));
        if (!hit || rules.some((a) => a.text !== undefined && line.includes(a.text))) return;
        found.push({ file, line: i + 1, text: line.trim().slice(0, 160), what: hit.what });
    });
    return found;
}

function trackedFiles(): string[] {
    return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
}

describe("the repository stands alone", () => {
    it("has no tracked file that refers to a folder beside the clone or to an absolute path of a machine", () => {
        const files = trackedFiles();
        assert.ok(files.length > 100, `git ls-files listed only ${files.length} files: is this a clone?`);
        const found = files.flatMap((file) => {
            let text: string;
            try {
                text = readFileSync(join(ROOT, file), "utf8");
            } catch {
                return []; // Listed but deleted in the work tree: nothing to read.
            }
            return text.includes("\0") ? [] : forbiddenReferences(file, text);
        });
        assert.deepEqual(
            found.map((r) => `${r.file}:${r.line}: ${r.what}: ${r.text}`),
            [],
            "refer to files inside the repository by a path relative to it (e.g. join(__dirname, ...)), and copy what you need into contracts/",
        );
    });

    it("catches each kind of reference, and lets the allowed ones pass", () => {
        const bad = [
            `const spec = readFileSync("../${"shared"}/contracts/fly.json");`,
            `const spec = "/${"work"}/shared/fly/openapi.json";`,
            `cd /${"root"}/project && npm test`,
            `export PATH=/${"home"}/dev/bin:$PATH`,
            `writeFileSync("/${"tmp"}/out.json", text)`,
            `open("/${"Users"}/dev/notes.md")`,
            `C:\\${"Users"}\\dev\\project`,
            `const here = "${ROOT}/index.ts";`,
        ];
        for (const line of bad) assert.equal(forbiddenReferences("src/example.ts", line).length > 0, true, line);
        const fine = [
            'join(__dirname, "..", "contracts", "fly", "machines-openapi.json")',
            "node_modules/.cache/tmp/x and src/home/page.tsx",
            "https://fly.io/docs/work/ and ~/.pulumi/credentials.json",
            `const dir = mkdtempSync(join(tmpdir(), "x-"));`,
        ];
        for (const line of fine) assert.deepEqual(forbiddenReferences("src/example.ts", line), [], line);
        assert.deepEqual(forbiddenReferences(".gitignore", `/${"tmp"}/`), []);
        assert.deepEqual(forbiddenReferences("contracts/fly/machines-openapi.json", `"The command to run to check the health of the container (e.g. [\\"cat\\", \\"/${"tmp"}/healthy\\"])"`), []);
        assert.equal(forbiddenReferences("contracts/fly/machines-openapi.json", `"/${"tmp"}/other"`).length, 1, "the allowance is for Fly's example only");
        assert.equal(forbiddenReferences("contracts/fly/README.md", `read from /${"work"}/shared/fly`).length, 1, "a note must not point at a machine path");
    });
});

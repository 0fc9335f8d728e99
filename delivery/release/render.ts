/** `npm run releases -- <stack>`: the stack's release records as a table, newest first. */
import { shortDigest, type StackReleases } from "./records";

/** One line per release: digest, commit, deployed, healthy since, and what became of it. */
export function renderReleases(stack: string, records: StackReleases): string {
    const rows = records.releases.map((r, i) => {
        const state = r.rolledBack
            ? `rolled back${r.rolledBackAt ? ` at ${r.rolledBackAt}` : ""}`
            : i === 0 && r.digest === records.release.digest
              ? "running"
              : "";
        const note = r.rollbackOf ? `rollback of ${shortDigest(r.rollbackOf)}` : "";
        return [r.digest, r.commit.slice(0, 12), r.deployedAt, r.healthyAt ?? "never healthy", [state, note].filter(Boolean).join(", ")];
    });
    const header = ["digest", "commit", "deployed", "healthy since", ""];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
    const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd();
    return [`releases of "${stack}", newest first (roll back to one with: npm run rollback -- ${stack} --to <digest>):`, `  ${line(header)}`, ...rows.map((row) => `  ${line(row)}`)].join("\n");
}

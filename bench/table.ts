/** Rows as a plain-text table: the first column left-aligned, the figures right-aligned under their headers. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
    const cells = rows.map((r) => r.map(String));
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
    const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

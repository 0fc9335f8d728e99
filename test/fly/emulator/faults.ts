/**
 * Fault injection for the emulator: per route (method + path pattern), for the next N calls or until removed.
 */
import { fail, type FaultSpec, type Reply } from "./types";

interface Installed {
    spec: FaultSpec;
    regex: RegExp;
    remaining: number;
}

function patternToRegex(path: string | RegExp): RegExp {
    if (path instanceof RegExp) return path;
    const source = path
        .split("/")
        .map((part) => {
            if (part === "**") return ".*";
            if (part === "*" || part.startsWith(":")) return "[^/]+";
            return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        })
        .join("/");
    return new RegExp(`^${source}/?$`);
}

export class Faults {
    private readonly installed: Installed[] = [];
    /** How many times each fault kind has fired. */
    readonly fired: Record<string, number> = {};

    /** Installs a fault; returns a function that removes it. */
    add(spec: FaultSpec): () => void {
        const entry: Installed = { spec, regex: patternToRegex(spec.path), remaining: spec.times ?? Infinity };
        this.installed.push(entry);
        return () => {
            const index = this.installed.indexOf(entry);
            if (index >= 0) this.installed.splice(index, 1);
        };
    }

    /** Removes every fault. */
    clear(): void {
        this.installed.length = 0;
    }

    /** The first installed fault matching this call, consuming one of its uses. */
    take(method: string, path: string): FaultSpec | undefined {
        const entry = this.installed.find((f) => (!f.spec.method || f.spec.method.toUpperCase() === method) && f.regex.test(path) && f.remaining > 0);
        if (!entry) return undefined;
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.installed.splice(this.installed.indexOf(entry), 1);
        this.fired[entry.spec.kind] = (this.fired[entry.spec.kind] ?? 0) + 1;
        return entry.spec;
    }

    /** The answer a fault sends (for kinds that answer). */
    answer(spec: FaultSpec): Reply {
        switch (spec.kind) {
            case "429":
                return { ...fail(429, "rate limit exceeded"), headers: { "retry-after": String(spec.retryAfterSeconds ?? 1) } };
            case "insufficient_capacity":
                return fail(412, "insufficient_capacity: no capacity for this request in the requested region; try again later or choose another region", "insufficient_capacity");
            default:
                return fail(500, "internal server error");
        }
    }
}

/**
 * GitHub Actions expressions (`if:` conditions), evaluated as the runner does, so tests can say which jobs an event
 * runs instead of only matching condition text: literals, context paths (`github.event.label.name`, `a['b']`, the
 * object filter `labels.*.name`), `! == != < <= > >= && ||`, parentheses, and the functions `contains`,
 * `startsWith`, `endsWith`, `fromJSON`, `toJSON`, `success`, `always`, `cancelled`, `failure`. Semantics from
 * GitHub's "Evaluate expressions in workflows and actions": string comparison ignores case, `==` between different
 * types compares numbers, `&&`/`||` return an operand, a job's `if` without a status function means
 * `success() && (...)`.
 */
import { needsOf, type Workflow } from "./workflows";

type Value = unknown;
type Token = { kind: "num" | "str" | "id" | "op" | "punct"; text: string; value?: Value };

function tokenize(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < source.length) {
        const c = source[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        if (c === "'") {
            let text = "";
            i++;
            for (;;) {
                if (i >= source.length) throw new Error(`unterminated string in ${source}`);
                if (source[i] === "'" && source[i + 1] === "'") {
                    text += "'";
                    i += 2;
                } else if (source[i] === "'") {
                    i++;
                    break;
                } else text += source[i++];
            }
            tokens.push({ kind: "str", text, value: text });
            continue;
        }
        const two = source.slice(i, i + 2);
        if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) {
            tokens.push({ kind: "op", text: two });
            i += 2;
            continue;
        }
        if ("!<>".includes(c)) {
            tokens.push({ kind: "op", text: c });
            i++;
            continue;
        }
        if ("()[],.*".includes(c)) {
            tokens.push({ kind: "punct", text: c });
            i++;
            continue;
        }
        const num = /^(?:0x[0-9a-fA-F]+|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/.exec(source.slice(i));
        if (num && !(tokens.at(-1)?.text === ".")) {
            tokens.push({ kind: "num", text: num[0], value: Number(num[0]) });
            i += num[0].length;
            continue;
        }
        const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i));
        if (id) {
            tokens.push({ kind: "id", text: id[0] });
            i += id[0].length;
            continue;
        }
        throw new Error(`unexpected ${JSON.stringify(c)} at ${i} in ${source}`);
    }
    return tokens;
}

/** What an expression can read, and how the status functions answer. */
export interface ExpressionContext {
    readonly contexts: Record<string, Value>;
    /** Results of the jobs this one needs (`success`, `failure`, `cancelled`, `skipped`). */
    readonly needResults?: readonly string[];
}

const truthy = (v: Value) => !(v === false || v === 0 || v === "" || v === null || v === undefined || Number.isNaN(v));

function toNumber(v: Value): number {
    if (v === null || v === undefined) return v === null ? 0 : Number.NaN;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
    return Number.NaN;
}

function looseEqual(a: Value, b: Value): boolean {
    if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
    if (typeof a === typeof b && (typeof a !== "object" || a === null || b === null)) return a === b;
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) return a === b;
    return toNumber(a) === toNumber(b);
}

const asString = (v: Value) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

const STATUS = ["success", "always", "cancelled", "failure"];

/** Evaluates one expression (with or without its `${{ }}`). */
export function evaluate(expression: string, ctx: ExpressionContext): Value {
    const source = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
    const tokens = tokenize(source);
    let pos = 0;
    const peek = () => tokens[pos];
    const take = (text?: string) => {
        const t = tokens[pos];
        if (!t || (text !== undefined && t.text !== text)) throw new Error(`expected ${text ?? "a token"} at token ${pos} in ${source}`);
        pos++;
        return t;
    };
    const results = ctx.needResults ?? [];
    const call = (name: string, args: Value[]): Value => {
        switch (name.toLowerCase()) {
            case "contains": {
                const [search, item] = args;
                if (Array.isArray(search)) return search.some((e) => looseEqual(e, item));
                return asString(search).toLowerCase().includes(asString(item).toLowerCase());
            }
            case "startswith":
                return asString(args[0]).toLowerCase().startsWith(asString(args[1]).toLowerCase());
            case "endswith":
                return asString(args[0]).toLowerCase().endsWith(asString(args[1]).toLowerCase());
            case "fromjson":
                return JSON.parse(asString(args[0]));
            case "tojson":
                return JSON.stringify(args[0], null, 2);
            case "success":
                return results.every((r) => r === "success");
            case "always":
                return true;
            case "cancelled":
                return false;
            case "failure":
                return results.some((r) => r === "failure");
            default:
                throw new Error(`function ${name} is not supported by this evaluator`);
        }
    };
    const member = (base: Value, key: string): Value => {
        if (base === null || base === undefined || typeof base !== "object") return null;
        const entry = Object.entries(base as Record<string, Value>).find(([k]) => k.toLowerCase() === key.toLowerCase());
        return entry === undefined ? null : entry[1];
    };
    const postfix = (value: Value): Value => {
        for (;;) {
            const t = peek();
            if (t?.text === ".") {
                take(".");
                const next = take();
                if (next.text === "*") value = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : [];
                else value = Array.isArray(value) && tokens[pos - 3]?.text === "*" ? value.map((v) => member(v, next.text)) : member(value, next.text);
            } else if (t?.text === "[") {
                take("[");
                const key = or();
                take("]");
                value = Array.isArray(value) && typeof key === "number" ? (value[key] ?? null) : member(value, asString(key));
            } else return value;
        }
    };
    const primary = (): Value => {
        const t = take();
        if (t.kind === "str" || t.kind === "num") return t.value;
        if (t.text === "(") {
            const v = or();
            take(")");
            return postfix(v);
        }
        if (t.kind === "id") {
            const word = t.text;
            if (word === "true") return true;
            if (word === "false") return false;
            if (word === "null") return null;
            if (peek()?.text === "(") {
                take("(");
                const args: Value[] = [];
                while (peek()?.text !== ")") {
                    args.push(or());
                    if (peek()?.text === ",") take(",");
                }
                take(")");
                return postfix(call(word, args));
            }
            if (!Object.hasOwn(ctx.contexts, word)) throw new Error(`unknown context ${word} in ${source}`);
            return postfix(ctx.contexts[word]);
        }
        throw new Error(`unexpected ${t.text} in ${source}`);
    };
    const unary = (): Value => {
        if (peek()?.text === "!") {
            take("!");
            return !truthy(unary());
        }
        return primary();
    };
    const comparison = (): Value => {
        let left = unary();
        while (peek()?.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(peek()!.text)) {
            const op = take().text;
            const right = unary();
            if (op === "==") left = looseEqual(left, right);
            else if (op === "!=") left = !looseEqual(left, right);
            else {
                const [a, b] = typeof left === "string" && typeof right === "string" ? [left.toLowerCase(), right.toLowerCase()] : [toNumber(left), toNumber(right)];
                left = op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
            }
        }
        return left;
    };
    // `a && b` is b when a is truthy, else a; `a || b` is a when a is truthy, else b.
    const logical = (next: () => Value, op: "&&" | "||") => (): Value => {
        let left = next();
        while (peek()?.text === op) {
            take(op);
            const right = next();
            left = truthy(left) === (op === "&&") ? right : left;
        }
        return left;
    };
    const and = logical(comparison, "&&");
    const or = logical(and, "||");
    const value = or();
    if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos].text} in ${source}`);
    return value;
}

/** Whether a job's `if:` holds; without a status function GitHub reads it as `success() && (if)`. */
export function jobCondition(condition: string | undefined, ctx: ExpressionContext): boolean {
    const text = (condition ?? "").trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1").trim();
    const statusCall = new RegExp(`\\b(${STATUS.join("|")})\\s*\\(`, "i").test(text);
    const implicit = (ctx.needResults ?? []).every((r) => r === "success");
    if (text === "") return implicit;
    return (statusCall || implicit) && truthy(evaluate(text, ctx));
}

/** An event as the `github` context carries it (`event_name`, `event`, `actor`, `repository`). */
export interface EventContext {
    readonly event_name: string;
    readonly event: Record<string, unknown>;
    readonly actor: string;
    readonly repository: string;
}

/** What a job that runs ends with, and the outputs it sets (by job id); jobs not listed succeed without outputs. */
export type JobOutcomes = Record<string, { readonly result?: "success" | "failure"; readonly outputs?: Record<string, string> }>;

/**
 * The jobs of `wf` that run for `event`, walking `needs` as the runner does: a job whose condition is false, or
 * whose needs did not all succeed (without a status function in its `if`), is skipped. Workflow triggers are the
 * caller's to check (`wf.on`).
 */
export function jobsThatRun(wf: Workflow, github: EventContext, outcomes: JobOutcomes = {}): string[] {
    const result = new Map<string, string>();
    const outputs: Record<string, { result: string; outputs: Record<string, string> }> = {};
    const visit = (id: string): string => {
        const known = result.get(id);
        if (known !== undefined) return known;
        const job = wf.jobs[id];
        const needs = needsOf(job);
        const needResults = needs.map(visit);
        const ctx: ExpressionContext = {
            contexts: {
                github: { ...github, server_url: "https://github.com", run_id: "1" },
                needs: Object.fromEntries(needs.map((n) => [n, outputs[n] ?? { result: result.get(n), outputs: {} }])),
                inputs: {},
                vars: {},
                env: {},
            },
            needResults,
        };
        const runs = jobCondition(job.if, ctx);
        const outcome = outcomes[id];
        const r = runs ? (outcome?.result ?? "success") : "skipped";
        result.set(id, r);
        outputs[id] = { result: r, outputs: runs ? (outcome?.outputs ?? {}) : {} };
        return r;
    };
    return Object.keys(wf.jobs).filter((id) => visit(id) !== "skipped");
}

/** A text with `${{ }}` parts (a concurrency group, an env value), each replaced by its value as a string. */
export function interpolate(text: string, ctx: ExpressionContext): string {
    return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asString(evaluate(expression, ctx)));
}

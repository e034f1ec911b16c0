import type { FaultRule } from "./types";

const KINDS: ReadonlySet<string> = new Set(["status", "slow", "drop", "status-after-processing", "odd-valid-until", "repeat-cursor"]);

/** What `odd-valid-until` answers when its rule names no `value`: the rule's dice pick one per request. */
export const ODD_VALID_UNTIL_VALUES: readonly (string | null)[] = [null, "", "not-a-date"];

/** A rule that fired for one request, with a second die (0..1) for kinds that pick a variant. */
export interface PickedFault {
    rule: FaultRule;
    roll: number;
}

/** mulberry32: tiny, seedable PRNG so a fault run repeats exactly under the same seed. */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface CompiledRule {
    rule: FaultRule;
    method: string | undefined;
    path: RegExp;
    fired: number;
}

/** Checks a rule and says what is wrong with it, so bad CLI input fails loudly at start. */
export function validateFaultRule(rule: FaultRule): void {
    const text = JSON.stringify(rule);
    if (typeof rule.path !== "string") throw new Error(`fault rule needs a "path" regex: ${text}`);
    new RegExp(rule.path);
    if (!KINDS.has(rule.kind)) throw new Error(`fault kind must be one of ${[...KINDS].join(", ")}: ${text}`);
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
        throw new Error(`fault probability must be within 0..1: ${text}`);
    }
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
        throw new Error(`fault status must be an HTTP status: ${text}`);
    }
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
        throw new Error(`fault times must be a whole number: ${text}`);
    }
    if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) throw new Error(`fault delayMs must be >= 0: ${text}`);
    if (rule.gateway !== undefined) {
        if (typeof rule.gateway !== "boolean") throw new Error(`fault gateway must be true or false: ${text}`);
        if (rule.kind !== "status" && rule.kind !== "status-after-processing") {
            throw new Error(`fault gateway is only for status and status-after-processing: ${text}`);
        }
    }
    if (rule.value !== undefined) {
        if (rule.kind !== "odd-valid-until") throw new Error(`fault value is only for odd-valid-until: ${text}`);
        if (rule.value !== null && typeof rule.value !== "string") throw new Error(`fault value must be null or a string: ${text}`);
    }
}

/** FNV-1a over `text`: a 32-bit key for one request's dice. */
function fnv1a(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return h;
}

/**
 * Picks, per request, the first fault rule that matches and wins its dice roll. Each roll depends
 * only on the seed, the rule, the request's method and path, and how many requests with that method
 * and path came before it: concurrent callers (the engine runs resources in parallel) interleave
 * differently on a fast and a slow machine, and a seed must still mean the same faults on the same
 * requests. Requests with one method and path come from one caller in turn, so their order holds.
 */
export class FaultInjector {
    private rules: CompiledRule[] = [];
    private seed = 0;
    private readonly seen = new Map<string, number>();

    constructor(rules: FaultRule[] = [], seed = 0) {
        this.configure(rules, seed);
    }

    /** Replaces the rules and restarts the dice and the `times` counters. */
    configure(rules: FaultRule[], seed = 0): void {
        rules.forEach(validateFaultRule);
        this.rules = rules.map((rule) => ({
            rule: { ...rule },
            method: rule.method === undefined || rule.method === "*" ? undefined : rule.method.toUpperCase(),
            path: new RegExp(rule.path),
            fired: 0,
        }));
        this.seed = seed;
        this.seen.clear();
    }

    /** The fault to apply to this request, if any; counts it as fired. */
    pick(method: string, path: string): PickedFault | undefined {
        const key = `${method.toUpperCase()} ${path}`;
        const nth = this.seen.get(key) ?? 0;
        this.seen.set(key, nth + 1);
        for (const [index, compiled] of this.rules.entries()) {
            const { rule } = compiled;
            if (compiled.method !== undefined && compiled.method !== method.toUpperCase()) continue;
            if (!compiled.path.test(path)) continue;
            if (rule.times !== undefined && compiled.fired >= rule.times) continue;
            const probability = rule.probability ?? 1;
            if (probability < 1 && mulberry32(fnv1a(`${this.seed}|${index}|${key}|${nth}`))() >= probability) continue;
            compiled.fired += 1;
            // Its own stream, so adding a variant never shifts which requests fault under a seed.
            return { rule, roll: mulberry32(fnv1a(`${this.seed}|${index}|${key}|${nth}|variant`))() };
        }
        return undefined;
    }
}

/**
 * Parses the CLI fault syntax `METHOD:PATH:KIND[:VALUE[:PROBABILITY[:TIMES]]]`, or a JSON FaultRule.
 * METHOD may be `*` or empty for any; PATH may itself contain colons; VALUE is the status for
 * status kinds, the delay in ms for `slow`, empty for `drop` and `repeat-cursor`, and for
 * `odd-valid-until` the odd value: `null`, `""` (the empty string), any other text as it is, or
 * empty for the dice.
 */
export function parseFaultSpec(spec: string): FaultRule {
    if (spec.trim().startsWith("{")) {
        const rule = JSON.parse(spec) as FaultRule;
        validateFaultRule(rule);
        return rule;
    }
    const parts = spec.split(":");
    let kindAt = -1;
    for (let i = parts.length - 1; i >= 2; i--) {
        if (KINDS.has(parts[i])) {
            kindAt = i;
            break;
        }
    }
    if (kindAt < 0) throw new Error(`fault spec "${spec}": expected METHOD:PATH:KIND[:VALUE[:PROBABILITY[:TIMES]]]`);
    const [value, probability, times] = parts.slice(kindAt + 1);
    const rule: FaultRule = { path: parts.slice(1, kindAt).join(":"), kind: parts[kindAt] as FaultRule["kind"] };
    if (parts[0] !== "" && parts[0] !== "*") rule.method = parts[0].toUpperCase();
    const number = (text: string, what: string): number => {
        const n = Number(text);
        if (!Number.isFinite(n)) throw new Error(`fault spec "${spec}": ${what} "${text}" is not a number`);
        return n;
    };
    if (value !== undefined && value !== "") {
        if (rule.kind === "slow") rule.delayMs = number(value, "delay");
        else if (rule.kind === "odd-valid-until") rule.value = value === "null" ? null : value === '""' ? "" : value;
        else if (rule.kind !== "drop" && rule.kind !== "repeat-cursor") rule.status = number(value, "status");
    }
    if (probability !== undefined && probability !== "") rule.probability = number(probability, "probability");
    if (times !== undefined && times !== "") rule.times = number(times, "times");
    validateFaultRule(rule);
    return rule;
}

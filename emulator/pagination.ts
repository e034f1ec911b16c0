import { ApiError, queryError } from "./errors";

/** Checkpoint pagination defaults shared by every `from`/`take` listing. */
export const DEFAULT_TAKE = 50;
/** The largest `take` (and `per_page`) the API accepts. */
export const MAX_TAKE = 100;

/** Reads an integer query parameter within [min, max], answering like the API's query validator. */
export function parseInteger(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
        throw queryError("Expected type integer but found type string", name);
    }
    if (value < min) throw queryError(`Value ${value} is less than minimum ${min}`, name);
    if (value > max) throw queryError(`Value ${value} is greater than maximum ${max}`, name);
    return value;
}

/** One page of a checkpoint listing; `next` is present only while more items remain. */
export interface CheckpointPage<T> {
    items: T[];
    next?: string;
    /** A cursor that answers page one again (what a `repeat-cursor` fault sends back on page one). */
    pageOne: string;
}

function encode(text: string): string {
    return Buffer.from(`v1:${text}`, "utf8").toString("base64url");
}

function decode(cursor: string): string {
    const text = Buffer.from(cursor, "base64url").toString("utf8");
    // The prefix makes random strings (and cursors of other APIs) fail instead of paging oddly.
    if (!text.startsWith("v1:")) throw new ApiError(400, "Invalid value for from", "invalid_query_string");
    return text.slice(3);
}

/**
 * Pages a list by position. The cursor is opaque to callers (base64url of a versioned offset);
 * an unknown or malformed one is a 400.
 */
export function pageByOffset<T>(query: URLSearchParams, all: readonly T[]): CheckpointPage<T> {
    const take = parseInteger(query, "take", DEFAULT_TAKE, 1, MAX_TAKE);
    const from = query.get("from");
    let start = 0;
    if (from !== null && from !== "") {
        const text = decode(from);
        start = /^\d+$/.test(text) ? Number(text) : Number.NaN;
        if (!Number.isSafeInteger(start)) throw new ApiError(400, "Invalid value for from", "invalid_query_string");
    }
    const page: CheckpointPage<T> = { items: all.slice(start, start + take), pageOne: encode("0") };
    if (start + take < all.length) page.next = encode(String(start + take));
    return page;
}

/**
 * Pages a list sorted by `key`: the cursor names the last key returned, so items added or removed
 * between two calls neither repeat nor get skipped.
 */
export function pageByKey<T>(query: URLSearchParams, sorted: readonly T[], key: (item: T) => string): CheckpointPage<T> {
    const take = parseInteger(query, "take", DEFAULT_TAKE, 1, MAX_TAKE);
    const from = query.get("from");
    const after = from === null || from === "" ? undefined : decode(from);
    const rest = after === undefined ? sorted : sorted.filter((item) => key(item) > after);
    // Every key sorts after "", so that cursor answers page one.
    const page: CheckpointPage<T> = { items: rest.slice(0, take), pageOne: encode("") };
    if (rest.length > take) page.next = encode(key(page.items[page.items.length - 1]));
    return page;
}

/**
 * Following a listing's pages to the end, with an end guaranteed: a server (or a gateway, or a bug)
 * that hands back a cursor it gave before, pages that bring nothing new, or more pages than its
 * first page announced would otherwise keep `preview`, `up` and `export` paging for ever.
 */
import { Auth0NoResponseError } from "./errors";

/** What we use of the SDK's page: its items, its raw answer (with `next`), and the way on. */
export interface Paged<T> {
    readonly data: T[];
    readonly response: unknown;
    hasNextPage(): boolean;
    getNextPage(): Promise<Paged<T>>;
}

/**
 * Pages of a listing whose first page announces no total: 100,000 pages of 100 is beyond any
 * tenant's connections or a directory's selected groups, and still ends a runaway listing.
 */
export const MAX_LISTING_PAGES = 100_000;

function field(response: unknown, key: string): unknown {
    return typeof response === "object" && response !== null ? Reflect.get(response, key) : undefined;
}

/**
 * The most pages a listing may take: twice what its first page announces (`total` over `limit`,
 * when it gives both), so objects added while it pages still fit; else `MAX_LISTING_PAGES`.
 */
export function pageBound(firstResponse: unknown): number {
    const total = field(firstResponse, "total");
    const limit = field(firstResponse, "limit");
    if (typeof total !== "number" || typeof limit !== "number" || !Number.isSafeInteger(total) || !(limit >= 1)) {
        return MAX_LISTING_PAGES;
    }
    return 2 * Math.max(1, Math.ceil(total / limit)) + 1;
}

/**
 * Why the listing must stop before asking for page `page` (1-based) with `cursor`, or undefined
 * to go on. `cursors` holds the cursors followed so far; `fresh` is how many items the page that
 * gave this cursor brought that no earlier page had.
 */
export function stopReason(page: number, bound: number, cursor: unknown, cursors: ReadonlySet<string>, fresh: number): string | undefined {
    if (page > bound) return `the listing did not end within ${bound} pages, more than its first page announced`;
    if (typeof cursor !== "string") return `page ${page - 1} gave a cursor that is not a string`;
    if (cursors.has(cursor)) return `page ${page - 1} gave a cursor an earlier page had given: the listing would repeat for ever`;
    if (fresh === 0) return `page ${page - 1} brought nothing new yet gave a cursor: the listing would not end`;
    return undefined;
}

/**
 * True when `page` ends the listing although it may carry a cursor: it holds no item. Under
 * checkpoint pagination (`from` + `take`) a page's `next` points just past the last item it
 * returned, and the API gives `next` only while more items remain; a page that returned nothing
 * moved past nothing, so its cursor can only ask the same question again (an empty page comes
 * back when the items that remained were removed between two calls). So the listing ends there,
 * complete, neither failing nor following the cursor.
 */
export function endsListing(page: Paged<unknown>): boolean {
    return page.data.length === 0;
}

/**
 * Every item of a listing, from its first page on. Fails with an `Auth0NoResponseError` naming
 * `path` (no usable answer: nothing was written) when the listing would not end.
 */
export async function allPages<T>(path: string, first: Paged<T>): Promise<T[]> {
    const out: T[] = [...first.data];
    const seen = new Set(first.data.map((item) => JSON.stringify(item)));
    const bound = pageBound(first.response);
    const cursors = new Set<string>();
    let page = first;
    let fresh = first.data.length;
    for (let n = 2; page.hasNextPage() && !endsListing(page); n++) {
        const cursor = field(page.response, "next");
        const reason = stopReason(n, bound, cursor, cursors, fresh);
        if (reason !== undefined) throw new Auth0NoResponseError({ method: "GET", path, reason });
        cursors.add(String(cursor));
        page = await page.getNextPage();
        fresh = 0;
        for (const item of page.data) {
            const key = JSON.stringify(item);
            if (seen.has(key)) continue;
            seen.add(key);
            fresh += 1;
        }
        out.push(...page.data);
    }
    return out;
}

/**
 * Whether a batch of live reads is answered by a tenant-wide listing or by one GET per object: by
 * what each costs (the tenant's connection count, asked once a minute), by how many objects the
 * stream of back-to-back batches has already read one by one, and never by a listing that lately
 * took too long to answer anything. It decides cost, never what is compared.
 */
import type { Auth0Api } from "../../management-api/client";
import { LISTING_PAGE_SIZE } from "../../management-api/types";
import { type LiveKind, type LiveReadState, liveNow, noCounts, state } from "./live-read-state";

/**
 * Below this many distinct objects a batch is always answered by single GETs, without asking the
 * tenant's size: knowing it costs one request and a listing at least one more, so only a batch of
 * four or more can save two. Small stacks (one connection: three settings) never pay for either.
 */
export const MIN_BATCH_FOR_LISTING = 4;

/**
 * A batch asked for within this long after the process's previous batch (of any kind) was
 * answered continues a stream: the engine diffing a stack one resource after another, each diff
 * asking as soon as the previous one is done, however slowly the rate limit lets answers come.
 */
export const STREAM_GAP_MS = 250;

/** How long the tenant's connection count steers the choice; it decides cost, never what is compared. */
const TOTAL_TTL_MS = 60_000;

/** Requests a listing of `total` objects costs. */
export function listingPages(total: number): number {
    return Math.max(1, Math.ceil(total / LISTING_PAGE_SIZE));
}

/** The tenant's connection count, asked once per client and minute; undefined when it cannot be had. */
function connectionTotal(api: Auth0Api): Promise<number | undefined> {
    const totals = state().totals;
    const hit = totals.get(api);
    if (hit !== undefined && liveNow() - hit.at < TOTAL_TTL_MS) return hit.value;
    // Without a count nothing is listed; the single GETs then say what is wrong, resource by resource.
    const value = api.countConnections().catch(() => undefined);
    totals.set(api, { at: liveNow(), value });
    return value;
}

function slowListings(): NonNullable<LiveReadState["slow"]> {
    const s = state();
    s.slow ??= { connection: new Map(), scimConfig: new Map(), directory: new Map(), scimTokens: new Map() };
    return s.slow;
}

/** Notes that a listing of `kind` took REUSE_MS or more: it is not asked for again within the minute. */
export function markSlowListing(kind: LiveKind, api: Auth0Api): void {
    slowListings()[kind].set(api, liveNow());
}

/** True when a listing of `kind` took REUSE_MS or more within the last minute: it would be too old to answer anything. */
export function listsTooSlowly(kind: LiveKind, api: Auth0Api): boolean {
    const at = slowListings()[kind].get(api);
    return at !== undefined && liveNow() - at < TOTAL_TTL_MS;
}

/**
 * True when listing is cheaper than `distinct` single GETs. Every SCIM or directory configuration
 * belongs to a connection, so the connection count bounds the pages of all three listings.
 */
export async function listingIsCheaper(api: Auth0Api, distinct: number): Promise<boolean> {
    if (distinct < MIN_BATCH_FOR_LISTING) return false;
    const total = await connectionTotal(api);
    return total !== undefined && listingPages(total) < distinct;
}

/**
 * The objects of `kind` the stream this batch continues has read one by one, this batch included;
 * only this batch's own size when it starts a stream.
 */
export function streamSeen(kind: LiveKind, api: Auth0Api, openedAt: number, size: number): number {
    const streams = state().streams;
    let stream = streams.get(api);
    if (stream === undefined || openedAt - stream.answeredAt > STREAM_GAP_MS) {
        stream = { answeredAt: openedAt, single: noCounts() };
        streams.set(api, stream);
    }
    return stream.single[kind] + size;
}

/**
 * True when a stream that has read `seen` objects of a kind one by one should list instead: it has
 * read at least twice the listing's pages that way, so a listing costs at most half again of what
 * the stream has already spent, and a stack that stops soon after never pays much for it.
 */
export async function streamShouldList(api: Auth0Api, seen: number): Promise<boolean> {
    if (seen < MIN_BATCH_FOR_LISTING) return false;
    const total = await connectionTotal(api);
    return total !== undefined && 2 * listingPages(total) <= seen;
}

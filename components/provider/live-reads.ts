/**
 * The live state that diff() and read() compare with, read in batches. All resources of a stack
 * are served by one dynamic-provider process, and some callers ask for many at once: the engine's
 * Read() in a refresh (up to --parallel at a time), Diff() with PULUMI_PARALLEL_DIFF=true, and a
 * library caller's Promise.all. A request waits a few ms for others of its kind, and the batch is
 * then answered by one tenant-wide listing when that costs fewer requests than one GET per object,
 * else by those GETs. The engine's default Diff() asks one resource at a time: once such requests
 * come back to back (a stream) and the stream has read twice as many objects of a kind one by one
 * as a listing has pages, the next one is answered by a listing. A listing
 * serves later requests of its kind for `REUSE_MS` after it was asked for (the same age as the
 * read→diff hand-off), never an object we have written since, and never beyond that age: not even
 * the batch that asked for it, when paging took that long.
 *
 * Writes do not come here: they read the one connection right before they write.
 */
import type { Auth0Api } from "../../management-api/client";
import { byId, isConnection, isDirectoryConfig, isScimConfig } from "./listed-items";
import {
    type Connection,
    type DirectoryProvisioningConfig,
    LISTING_PAGE_SIZE,
    type ScimConfig,
    type ScimTokenInfo,
} from "../../management-api/types";

/** What each kind of live read answers; `undefined` is "there is none". */
export interface LiveValues {
    connection: Connection;
    scimConfig: ScimConfig | undefined;
    directory: DirectoryProvisioningConfig | undefined;
    scimTokens: ScimTokenInfo[];
}

/** A kind of live read. */
export type LiveKind = keyof LiveValues;

/**
 * A request waits until no other of its kind has arrived for this long. Requests asked together
 * arrive within a millisecond or two of each other (a refresh's Read() calls come in bursts); a
 * caller that asks one at a time (the engine's default Diff()) pays this once per request, so it
 * stays small.
 */
export const QUIET_MS = 2;

/** ...and never longer than this after the first of the batch, so a steady stream still gets answers. */
export const MAX_WAIT_MS = 20;

/**
 * Below this many distinct objects a batch is always answered by single GETs, without asking the
 * tenant's size: knowing it costs one request and a listing at least one more, so only a batch of
 * four or more can save two. Small stacks (one connection: three settings) never pay for either.
 */
export const MIN_BATCH_FOR_LISTING = 4;

/** How long a listing answers later requests of its kind: no older than the read→diff hand-off. */
export const REUSE_MS = 5000;

/**
 * A batch asked for within this long after the process's previous batch (of any kind) was
 * answered continues a stream: the engine diffing a stack one resource after another, each diff
 * asking as soon as the previous one is done, however slowly the rate limit lets answers come.
 */
export const STREAM_GAP_MS = 250;

/** How long the tenant's connection count steers the choice; it decides cost, never what is compared. */
const TOTAL_TTL_MS = 60_000;

// Read at each call, so it is whatever Date.now is then.
const wallClock = (): number => Date.now();
let clock: () => number = wallClock;

/** Now, by the clock every window here and the read→diff hand-off are measured with: Date.now unless a test sets one. */
export function liveNow(): number {
    return clock();
}

/**
 * Measures the windows by `next` instead of the wall clock, so a test decides when one closes and a
 * loaded machine cannot close it early; `undefined` brings the wall clock back.
 */
export function setLiveReadClock(next: (() => number) | undefined): void {
    clock = next ?? wallClock;
}

interface Waiter<T> {
    resolve(value: T): void;
    reject(reason: unknown): void;
}

interface Batch<T> {
    readonly api: Auth0Api;
    readonly openedAt: number;
    /** Waiters per object id (the connection id). */
    readonly waiters: Map<string, Waiter<T>[]>;
    timer?: NodeJS.Timeout;
}

type Batches = { [K in LiveKind]: Map<Auth0Api, Batch<LiveValues[K]>> };

/** A listing that still answers requests: when it was asked for, and what it held. */
interface Kept<T> {
    readonly at: number;
    readonly values: Map<string, T>;
}

/** A run of back-to-back batches of one client. */
interface Stream {
    answeredAt: number;
    readonly single: Record<LiveKind, number>;
}

type KeptListings = { [K in LiveKind]: Map<Auth0Api, Kept<Exclude<LiveValues[K], undefined>>> };

interface LiveReadState {
    /** The batch of each kind still gathering requests, per client (tenant and credentials). */
    readonly open: Batches;
    /** The last listing of each kind, per client, while it may answer requests. */
    readonly kept: KeptListings;
    /** When we last wrote each connection: listings asked for before that do not answer for it. */
    readonly written: Map<string, number>;
    /** Per client: when its last batch was answered, and the objects of each kind read one by one since its stream began. */
    readonly streams: Map<Auth0Api, Stream>;
    /**
     * When a listing of each kind, per client, last took too long to answer anything. Optional: an
     * earlier version loaded in the same process may have made this state without it.
     */
    slow?: { [K in LiveKind]: Map<Auth0Api, number> };
    /** The tenant's connection count, per client, with when it was asked. */
    readonly totals: Map<Auth0Api, { readonly at: number; readonly value: Promise<number | undefined> }>;
    /** How batches were answered, for tests and benchmarks. */
    readonly stats: LiveReadStats;
}

/** How batches were answered since the last reset. */
export interface LiveReadStats {
    /** Batches answered by a tenant-wide listing, per kind. */
    listed: Record<LiveKind, number>;
    /** Batches answered by single GETs, per kind. */
    single: Record<LiveKind, number>;
    /** Requests answered by a listing fetched earlier, per kind. */
    reused: Record<LiveKind, number>;
}

const KEY = "__auth0ConnectionSyncLiveReadsV1";

function noCounts(): Record<LiveKind, number> {
    return { connection: 0, scimConfig: 0, directory: 0, scimTokens: 0 };
}

// Its own key on globalThis (the engine may load our code more than once per process), apart from
// the providers' state so that a copy of an earlier version, which knows nothing of it, cannot shape it.
function state(): LiveReadState {
    const holder = globalThis as typeof globalThis & { [KEY]?: LiveReadState };
    holder[KEY] ??= {
        open: { connection: new Map(), scimConfig: new Map(), directory: new Map(), scimTokens: new Map() },
        kept: { connection: new Map(), scimConfig: new Map(), directory: new Map(), scimTokens: new Map() },
        streams: new Map(),
        written: new Map(),
        totals: new Map(),
        stats: { listed: noCounts(), single: noCounts(), reused: noCounts() },
    };
    return holder[KEY];
}

/** Forgets open batches (they still answer their waiters), kept listings, the tenant's size and the counters. */
export function resetLiveReads(): void {
    const s = state();
    for (const open of Object.values(s.open)) open.clear();
    for (const kept of Object.values(s.kept)) kept.clear();
    s.slow = undefined;
    s.streams.clear();
    s.written.clear();
    s.totals.clear();
    s.stats.listed = noCounts();
    s.stats.single = noCounts();
    s.stats.reused = noCounts();
}

/** A copy of how batches were answered since the last reset. */
export function liveReadStats(): LiveReadStats {
    const { listed, single, reused } = state().stats;
    return { listed: { ...listed }, single: { ...single }, reused: { ...reused } };
}

/**
 * Marks the connection as written now: after we write it (or its SCIM or directory configuration,
 * or its tokens), no listing asked for before this moment may say what it holds, including one
 * still being fetched while the write ran; only a new read may.
 */
export function forgetListed(connectionId: string): void {
    state().written.set(connectionId, liveNow());
}

/** How one kind is read: one object, and (where the API has one) the tenant-wide listing. */
interface KindSpec<T> {
    single(api: Auth0Api, id: string): Promise<T>;
    /**
     * Every object of the kind, by connection id. Only what it holds is taken from it: an object
     * it lacks is read on its own, so "absent" is always the single GET's answer (a listing that
     * pages while the tenant changes may miss an object; a 404 keeps its exact message).
     */
    list?(api: Auth0Api): Promise<ReadonlyMap<string, Exclude<T, undefined>>>;
}

const SPECS: { [K in LiveKind]: KindSpec<LiveValues[K]> } = {
    connection: {
        single: (api, id) => api.getConnection(id),
        list: async (api) => byId(await api.listConnections(), isConnection, (c) => c.id),
    },
    scimConfig: {
        single: (api, id) => api.getScimConfig(id),
        list: async (api) => byId(await api.listScimConfigs(), isScimConfig, (c) => c.connection_id),
    },
    directory: {
        single: (api, id) => api.getDirectoryProvisioning(id),
        list: async (api) => byId(await api.listDirectoryProvisionings(), isDirectoryConfig, (c) => c.connection_id),
    },
    // There is no tenant-wide token listing: the batch still reads each connection's tokens once.
    scimTokens: {
        single: (api, id) => api.listScimTokens(id),
    },
};

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

/** True when a listing of `kind` took REUSE_MS or more within the last minute: it would be too old to answer anything. */
function listsTooSlowly(kind: LiveKind, api: Auth0Api): boolean {
    const at = slowListings()[kind].get(api);
    return at !== undefined && liveNow() - at < TOTAL_TTL_MS;
}

/**
 * True when listing is cheaper than `distinct` single GETs. Every SCIM or directory configuration
 * belongs to a connection, so the connection count bounds the pages of all three listings.
 */
async function listingIsCheaper(api: Auth0Api, distinct: number): Promise<boolean> {
    if (distinct < MIN_BATCH_FOR_LISTING) return false;
    const total = await connectionTotal(api);
    return total !== undefined && listingPages(total) < distinct;
}

/**
 * The objects of `kind` the stream this batch continues has read one by one, this batch included;
 * only this batch's own size when it starts a stream.
 */
function streamSeen(kind: LiveKind, api: Auth0Api, openedAt: number, size: number): number {
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
async function streamShouldList(api: Auth0Api, seen: number): Promise<boolean> {
    if (seen < MIN_BATCH_FOR_LISTING) return false;
    const total = await connectionTotal(api);
    return total !== undefined && 2 * listingPages(total) <= seen;
}

async function answer<K extends LiveKind>(kind: K, batch: Batch<LiveValues[K]>): Promise<void> {
    const spec: KindSpec<LiveValues[K]> = SPECS[kind];
    const ids = [...batch.waiters.keys()];
    const s = state();
    let listed: ReadonlyMap<string, Exclude<LiveValues[K], undefined>> | undefined;
    const seen = streamSeen(kind, batch.api, batch.openedAt, ids.length);
    if (
        spec.list !== undefined &&
        !listsTooSlowly(kind, batch.api) &&
        ((await listingIsCheaper(batch.api, ids.length)) || (await streamShouldList(batch.api, seen)))
    ) {
        const asked = liveNow();
        // A failed listing is not the resources' failure: their own GETs answer them instead.
        listed = await spec.list(batch.api).catch(() => undefined);
        // Its age counts from before it was asked for (no page of it is older than that), also for
        // the batch that asked: one that took REUSE_MS to page answers no one, and is not asked again soon.
        if (listed !== undefined && liveNow() - asked >= REUSE_MS) {
            listed = undefined;
            slowListings()[kind].set(batch.api, liveNow());
        }
        if (listed !== undefined) s.kept[kind].set(batch.api, { at: asked, values: new Map(listed) });
    }
    s.stats[listed === undefined ? "single" : "listed"][kind] += 1;
    await Promise.all(
        ids.map(async (id) => {
            const waiters = batch.waiters.get(id) ?? [];
            try {
                const hit = listed?.get(id);
                const value: LiveValues[K] = hit !== undefined ? hit : await spec.single(batch.api, id);
                for (const w of waiters) w.resolve(value);
            } catch (err) {
                for (const w of waiters) w.reject(err);
            }
        }),
    );
    const stream = s.streams.get(batch.api);
    if (stream !== undefined) {
        stream.answeredAt = liveNow();
        stream.single[kind] = listed === undefined ? seen : 0;
    }
}

function close<K extends LiveKind>(kind: K, batch: Batch<LiveValues[K]>): void {
    const open: Batches[K] = state().open[kind];
    if (open.get(batch.api) === batch) open.delete(batch.api);
    // answer() settles every waiter itself; this only keeps a bug there from leaving one hanging.
    answer(kind, batch).catch((err: unknown) => {
        for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(err);
    });
}

/** What a fresh kept listing of `kind` holds about `id`, if it holds it. */
function fromKept<K extends LiveKind>(kind: K, api: Auth0Api, id: string): Exclude<LiveValues[K], undefined> | undefined {
    const kept: KeptListings[K] = state().kept[kind];
    const listing = kept.get(api);
    if (listing === undefined) return undefined;
    if (liveNow() - listing.at >= REUSE_MS) {
        kept.delete(api);
        return undefined;
    }
    const written = state().written.get(id);
    return written !== undefined && written >= listing.at ? undefined : listing.values.get(id);
}

/** Joins (or opens) the batch of `kind` for `api`, and waits for its answer about `id`. */
function ask<K extends LiveKind>(kind: K, api: Auth0Api, id: string): Promise<LiveValues[K]> {
    const hit = fromKept(kind, api, id);
    if (hit !== undefined) {
        state().stats.reused[kind] += 1;
        // An answer from the listing keeps the stream going: the next request comes right after it.
        const stream = state().streams.get(api);
        if (stream !== undefined) stream.answeredAt = liveNow();
        // A copy: the listing answers again, so no caller may change what it holds.
        return Promise.resolve(structuredClone(hit));
    }
    const open: Batches[K] = state().open[kind];
    let batch = open.get(api);
    if (batch === undefined) {
        batch = { api, openedAt: liveNow(), waiters: new Map() };
        open.set(api, batch);
    }
    const current = batch;
    const promise = new Promise<LiveValues[K]>((resolve, reject) => {
        const waiters = current.waiters.get(id) ?? [];
        waiters.push({ resolve, reject });
        current.waiters.set(id, waiters);
    });
    clearTimeout(current.timer);
    const left = Math.max(0, current.openedAt + MAX_WAIT_MS - liveNow());
    current.timer = setTimeout(() => close(kind, current), Math.min(QUIET_MS, left));
    return promise;
}

/** The connection as it is now (404 when it does not exist), read with the others asked at the same time. */
export function liveConnection(api: Auth0Api, connectionId: string): Promise<Connection> {
    return ask("connection", api, connectionId);
}

/** The SCIM configuration as it is now, or undefined when there is none. */
export function liveScimConfig(api: Auth0Api, connectionId: string): Promise<ScimConfig | undefined> {
    return ask("scimConfig", api, connectionId);
}

/** The directory provisioning as it is now, or undefined when there is none. */
export function liveDirectoryProvisioning(api: Auth0Api, connectionId: string): Promise<DirectoryProvisioningConfig | undefined> {
    return ask("directory", api, connectionId);
}

/** The connection's SCIM tokens as they are now: one GET per connection per batch, however many tokens ask. */
export function liveScimTokens(api: Auth0Api, connectionId: string): Promise<ScimTokenInfo[]> {
    return ask("scimTokens", api, connectionId);
}

/**
 * The live state that diff() and read() compare with, read in batches. All resources of a stack
 * are served by one dynamic-provider process, and some callers ask for many at once: the engine's
 * Read() in a refresh (up to --parallel at a time), Diff() with PULUMI_PARALLEL_DIFF=true, and a
 * library caller's Promise.all. A request waits a few ms for others of its kind, and the batch is
 * then answered by one tenant-wide listing when that costs fewer requests than one GET per object,
 * else by those GETs. Either way one object is read once per batch, and nothing is kept after the
 * batch is answered: every diff still sees the tenant as it is when it asks (the listing is fetched
 * after the request arrived, and never reused). The engine's default Diff() asks one resource at a
 * time: each is then a batch of one, read with its own GET as before.
 *
 * Writes do not come here: they read the one connection right before they write.
 */
import type { Auth0Api } from "../../management-api/client";
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

/** How long the tenant's connection count steers the choice; it decides cost, never what is compared. */
const TOTAL_TTL_MS = 60_000;

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

interface LiveReadState {
    /** The batch of each kind still gathering requests, per client (tenant and credentials). */
    readonly open: Batches;
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
        totals: new Map(),
        stats: { listed: noCounts(), single: noCounts() },
    };
    return holder[KEY];
}

/** Forgets open batches (they still answer their waiters), the tenant's size and the counters. */
export function resetLiveReads(): void {
    const s = state();
    for (const open of Object.values(s.open)) open.clear();
    s.totals.clear();
    s.stats.listed = noCounts();
    s.stats.single = noCounts();
}

/** A copy of how batches were answered since the last reset. */
export function liveReadStats(): LiveReadStats {
    const { listed, single } = state().stats;
    return { listed: { ...listed }, single: { ...single } };
}

/** True for an object the way the API answers one (not null, not an array). */
function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPairs(value: unknown, other: "scim" | "idp"): boolean {
    return Array.isArray(value) && value.every((m) => isRecord(m) && typeof m.auth0 === "string" && typeof m[other] === "string");
}

// A listed item must carry what the single GET's answer is checked for; one that does not is read
// on its own, so a malformed page can never stand in for a live object.
function isConnection(value: unknown): value is Connection {
    return (
        isRecord(value) &&
        typeof value.id === "string" &&
        typeof value.name === "string" &&
        typeof value.strategy === "string" &&
        (value.options === undefined || isRecord(value.options))
    );
}

function isScimConfig(value: unknown): value is ScimConfig {
    return (
        isRecord(value) &&
        typeof value.connection_id === "string" &&
        typeof value.strategy === "string" &&
        typeof value.user_id_attribute === "string" &&
        isPairs(value.mapping, "scim")
    );
}

function isDirectoryConfig(value: unknown): value is DirectoryProvisioningConfig {
    return (
        isRecord(value) &&
        typeof value.connection_id === "string" &&
        typeof value.strategy === "string" &&
        typeof value.synchronize_automatically === "boolean" &&
        isPairs(value.mapping, "idp")
    );
}

function byId<T>(items: readonly unknown[], valid: (item: unknown) => item is T, id: (item: T) => string): Map<string, T> {
    const out = new Map<string, T>();
    for (const item of items) if (valid(item)) out.set(id(item), item);
    return out;
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
    if (hit !== undefined && Date.now() - hit.at < TOTAL_TTL_MS) return hit.value;
    // Without a count nothing is listed; the single GETs then say what is wrong, resource by resource.
    const value = api.countConnections().catch(() => undefined);
    totals.set(api, { at: Date.now(), value });
    return value;
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

async function answer<K extends LiveKind>(kind: K, batch: Batch<LiveValues[K]>): Promise<void> {
    const spec: KindSpec<LiveValues[K]> = SPECS[kind];
    const ids = [...batch.waiters.keys()];
    let listed: ReadonlyMap<string, Exclude<LiveValues[K], undefined>> | undefined;
    if (spec.list !== undefined && (await listingIsCheaper(batch.api, ids.length))) {
        // A failed listing is not the resources' failure: their own GETs answer them instead.
        listed = await spec.list(batch.api).catch(() => undefined);
    }
    state().stats[listed === undefined ? "single" : "listed"][kind] += 1;
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
}

function close<K extends LiveKind>(kind: K, batch: Batch<LiveValues[K]>): void {
    const open: Batches[K] = state().open[kind];
    if (open.get(batch.api) === batch) open.delete(batch.api);
    // answer() settles every waiter itself; this only keeps a bug there from leaving one hanging.
    answer(kind, batch).catch((err: unknown) => {
        for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(err);
    });
}

/** Joins (or opens) the batch of `kind` for `api`, and waits for its answer about `id`. */
function ask<K extends LiveKind>(kind: K, api: Auth0Api, id: string): Promise<LiveValues[K]> {
    const open: Batches[K] = state().open[kind];
    let batch = open.get(api);
    if (batch === undefined) {
        batch = { api, openedAt: Date.now(), waiters: new Map() };
        open.set(api, batch);
    }
    const current = batch;
    const promise = new Promise<LiveValues[K]>((resolve, reject) => {
        const waiters = current.waiters.get(id) ?? [];
        waiters.push({ resolve, reject });
        current.waiters.set(id, waiters);
    });
    clearTimeout(current.timer);
    const left = Math.max(0, current.openedAt + MAX_WAIT_MS - Date.now());
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

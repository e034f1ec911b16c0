/**
 * What the live reads keep in this process: the clock their windows are measured with, the batches
 * still gathering requests, the listings that may still answer, when each connection was last
 * written, the streams of back-to-back batches, and counters.
 */
import type { Auth0Api } from "../../management-api/client";
import type { Connection, DirectoryProvisioningConfig, ScimConfig, ScimTokenInfo } from "../../management-api/types";

/** What each kind of live read answers; `undefined` is "there is none". */
export interface LiveValues {
    connection: Connection;
    scimConfig: ScimConfig | undefined;
    directory: DirectoryProvisioningConfig | undefined;
    scimTokens: ScimTokenInfo[];
}

/** A kind of live read. */
export type LiveKind = keyof LiveValues;

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

/** A caller waiting for a batch's answer. */
export interface Waiter<T> {
    resolve(value: T): void;
    reject(reason: unknown): void;
}

/** Requests of one kind gathered for one client, answered together. */
export interface Batch<T> {
    readonly api: Auth0Api;
    readonly openedAt: number;
    /** Waiters per object id (the connection id). */
    readonly waiters: Map<string, Waiter<T>[]>;
    timer?: NodeJS.Timeout;
}

/** The open batch of each kind, per client. */
export type Batches = { [K in LiveKind]: Map<Auth0Api, Batch<LiveValues[K]>> };

/** A listing that still answers requests: when it was asked for, and what it held. */
export interface Kept<T> {
    readonly at: number;
    readonly values: Map<string, T>;
}

/** A run of back-to-back batches of one client. */
export interface Stream {
    answeredAt: number;
    readonly single: Record<LiveKind, number>;
}

/** The kept listing of each kind, per client. */
export type KeptListings = { [K in LiveKind]: Map<Auth0Api, Kept<Exclude<LiveValues[K], undefined>>> };

/** Everything the live reads keep in this process. */
export interface LiveReadState {
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

/** Zero for every kind. */
export function noCounts(): Record<LiveKind, number> {
    return { connection: 0, scimConfig: 0, directory: 0, scimTokens: 0 };
}

// Its own key on globalThis (the engine may load our code more than once per process), apart from
// the providers' state so that a copy of an earlier version, which knows nothing of it, cannot shape it.
/** The live reads' state in this process, created on first use. */
export function state(): LiveReadState {
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

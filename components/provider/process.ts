/**
 * What the providers share across resources in one process, as typed fields on `globalThis` (the
 * engine may load our code more than once per process): the API's default mappings, fetched once
 * per tenant and strategy, and the hand-offs from a refresh's read() to the diff that follows it.
 */
import { resetClientState } from "../../management-api/state";
import { liveNow, resetLiveReads } from "./live-reads";
import type {
    Connection,
    DirectoryMappingItem,
    DirectoryProvisioningConfig,
    ScimConfig,
    ScimMappingItem,
    ScimTokenInfo,
} from "../../management-api/types";

/** A value read() fetched, with when it did. */
export interface HandOff<T> {
    readonly at: number;
    readonly value: T;
}

/** Hand-off slots of one kind, by `host|connection[|token]`. */
export type HandOffs<T> = Map<string, HandOff<T>>;

/** The providers' process-wide state. */
export interface ProviderProcessState {
    /** Pending or settled default SCIM mappings, by `host|strategy`. */
    scimDefaults: Map<string, Promise<ScimMappingItem[]>>;
    /** Pending or settled default directory mappings, by `host|strategy`. */
    directoryDefaults: Map<string, Promise<DirectoryMappingItem[]>>;
    /** Per `host|connection`, the tail of the token creations queued there (one at a time). */
    tokenCreations: Map<string, Promise<unknown>>;
    /** What read() fetched, per kind, for the diff right after it. */
    handOffs: {
        connections: HandOffs<Connection>;
        scimConfigs: HandOffs<ScimConfig>;
        scimTokens: HandOffs<ScimTokenInfo[]>;
        directory: HandOffs<DirectoryProvisioningConfig>;
    };
}

const KEY = "__auth0ConnectionSyncProviderState";

/** The providers' shared state, created on first use. */
export function providerState(): ProviderProcessState {
    const holder = globalThis as typeof globalThis & { [KEY]?: ProviderProcessState };
    holder[KEY] ??= {
        scimDefaults: new Map(),
        directoryDefaults: new Map(),
        tokenCreations: new Map(),
        handOffs: { connections: new Map(), scimConfigs: new Map(), scimTokens: new Map(), directory: new Map() },
    };
    return holder[KEY];
}

/** Forgets caches, hand-offs, open read batches, clients, pacing and counters (tests, benchmarks). */
export function resetProcessState(): void {
    const s = providerState();
    s.scimDefaults.clear();
    s.directoryDefaults.clear();
    s.tokenCreations.clear();
    for (const slots of Object.values(s.handOffs)) slots.clear();
    resetLiveReads();
    resetClientState();
}

/**
 * Caches the pending request, not its value, so the many diffs of one run that ask at once share
 * one GET. A failed request is forgotten so the next caller tries again.
 */
export function cachedRequest<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const pending = load();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
    return pending;
}

/** How long what read() fetched may stand in for the diff's own read. */
const HANDOFF_MS = 5_000;

/**
 * In a refresh the engine calls read() and at once diff() on the same resource; read leaves what
 * it fetched here so the diff need not ask again (refresh's requests halve).
 */
export function handOff<T>(slots: HandOffs<T>, key: string, value: T): void {
    slots.set(key, { at: liveNow(), value });
}

/**
 * What read() just fetched, taken at most once and only while fresh, so an ordinary diff always
 * reads live. Writes never use it: they read right before they write.
 */
export function takeHandOff<T>(slots: HandOffs<T>, key: string): T | undefined {
    const slot = slots.get(key);
    slots.delete(key);
    return slot !== undefined && liveNow() - slot.at <= HANDOFF_MS ? slot.value : undefined;
}

/** Runs `work` after every earlier job queued under `key` has settled: one at a time per key. */
export function oneAtATime<T>(queues: Map<string, Promise<unknown>>, key: string, work: () => Promise<T>): Promise<T> {
    const before = queues.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const tail = mine.catch(() => undefined);
    queues.set(key, tail);
    // Forget the queue once it drains, so the map does not grow with every connection ever seen.
    void tail.then(() => {
        if (queues.get(key) === tail) queues.delete(key);
    });
    return mine;
}

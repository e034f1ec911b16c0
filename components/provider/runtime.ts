/**
 * Process-wide state of the provider. The Pulumi dynamic-provider host deserializes one copy of
 * our code per resource, so module-level variables are not shared between resources; anything
 * that must be shared (credentials from `configure()`, the rate-limit pacer, SDK clients with their
 * cached access tokens, request counters) lives on `globalThis` under one well-known key and is
 * created lazily at run time, never captured in a closure.
 */
import type { PacerState } from "./pacer";

/** Credentials and endpoint settings, as read from stack config or the environment. */
export interface ProviderSettings {
    readonly domain?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly apiToken?: string;
    /** Per-request timeout in ms. */
    readonly timeoutMs?: number;
}

/** Request counters for tests and benchmarks. */
export interface RequestStats {
    /** Management API attempts (retries included); the token endpoint is counted apart. */
    requests: number;
    tokenRequests: number;
    reads: number;
    writes: number;
    retries: number;
    rateLimited: number;
    failures: number;
    byStatus: Record<string, number>;
}

/** Everything the provider shares across resources in one process. */
export interface ProcessState {
    settings?: ProviderSettings;
    pacers: Map<string, PacerState>;
    /** Per tenant, the tail of the FIFO of requests waiting for the bucket. */
    queues: Map<string, Promise<void>>;
    /** Open reservations: id -> requests still to send on it. */
    reservations: Map<string, number>;
    clients: Map<string, unknown>;
    cache: Map<string, unknown>;
    stats: RequestStats;
}

const KEY = "__auth0ConnectionSyncProcessState";

/** Fresh, zeroed request counters. */
export function emptyStats(): RequestStats {
    return { requests: 0, tokenRequests: 0, reads: 0, writes: 0, retries: 0, rateLimited: 0, failures: 0, byStatus: {} };
}

/** The shared state of this process, created on first use. */
export function processState(): ProcessState {
    const holder = globalThis as unknown as Record<string, ProcessState | undefined>;
    let state = holder[KEY];
    if (state === undefined) {
        state = {
            pacers: new Map(),
            queues: new Map(),
            reservations: new Map(),
            clients: new Map(),
            cache: new Map(),
            stats: emptyStats(),
        };
        holder[KEY] = state;
    }
    return state;
}

/** A snapshot of the request counters since the last reset. */
export function getRequestStats(): RequestStats {
    const s = processState().stats;
    return { ...s, byStatus: { ...s.byStatus } };
}

/** Zeroes the request counters and forgets pacing, clients and caches (tests, benchmarks). */
export function resetProcessState(): void {
    const state = processState();
    state.stats = emptyStats();
    state.pacers.clear();
    state.queues.clear();
    state.reservations.clear();
    state.clients.clear();
    state.cache.clear();
}

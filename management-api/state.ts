/**
 * Process-wide state of the Management API client. The engine's dynamic-provider host can load our
 * code more than once in one process (state written by earlier versions carries its own copy), so
 * module-level variables are not shared between resources; what must be shared (credentials from
 * `configure()`, the rate-limit pacer, SDK clients with their cached access tokens, request
 * counters) lives on `globalThis` under one well-known key, created lazily, never captured in a
 * closure.
 */
import type { Auth0Api } from "./api";
import type { PacerState } from "./pacer";

/** Credentials and endpoint settings, as read from stack config or the environment. */
export interface ProviderSettings {
    readonly domain?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly apiToken?: string;
    /** Per-request timeout in ms. */
    readonly timeoutMs?: number;
    /** The longest wait after a 429 before failing, in ms. */
    readonly maxRateLimitWaitMs?: number;
    /** Extra CA certificate (PEM) to trust, e.g. a local emulator's; never needed for a real tenant. */
    readonly caCertificate?: string;
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
    /** Writes that waited for the rate-limit bucket before going out: each widens a read-modify-write's window. */
    writesWaited: number;
    byStatus: Record<string, number>;
}

/** Everything the client shares across resources in one process. */
export interface ClientProcessState {
    settings?: ProviderSettings;
    /** Why the stack's settings could not be taken (configure() failed): no fallback to the environment then. */
    settingsError?: Error;
    /** Per tenant host, the local estimate of its rate-limit bucket. */
    pacers: Map<string, PacerState>;
    /** Per tenant host, the tail of the FIFO of requests waiting for the bucket. */
    queues: Map<string, Promise<void>>;
    /** Open reservations: id -> requests still to send on it. */
    reservations: Map<string, number>;
    /** Per tenant host, requests waiting ahead of the queue (bucket-queue.ts). */
    aheadWaiting: Map<string, number>;
    /** SDK-backed clients by tenant and credential hash, so access tokens are fetched once. */
    clients: Map<string, Auth0Api>;
    stats: RequestStats;
}

const KEY = "__auth0ConnectionSyncClientState";

/** Fresh, zeroed request counters. */
export function emptyStats(): RequestStats {
    return { requests: 0, tokenRequests: 0, reads: 0, writes: 0, retries: 0, rateLimited: 0, failures: 0, writesWaited: 0, byStatus: {} };
}

/** The shared state of this process, created on first use. */
export function processState(): ClientProcessState {
    const holder = globalThis as typeof globalThis & { [KEY]?: ClientProcessState };
    holder[KEY] ??= {
        pacers: new Map(),
        queues: new Map(),
        reservations: new Map(),
        aheadWaiting: new Map(),
        clients: new Map(),
        stats: emptyStats(),
    };
    return holder[KEY];
}

/** A snapshot of the request counters since the last reset. */
export function getRequestStats(): RequestStats {
    const s = processState().stats;
    return { ...s, byStatus: { ...s.byStatus } };
}

/** Zeroes the request counters and forgets pacing and clients (tests, benchmarks). */
export function resetClientState(): void {
    const state = processState();
    state.stats = emptyStats();
    state.pacers.clear();
    state.queues.clear();
    state.reservations.clear();
    state.aheadWaiting.clear();
    state.clients.clear();
}

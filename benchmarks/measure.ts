/**
 * What one measured operation produced, and the floors it is judged against. Request counts come
 * from the emulator's journal, the only witness that sees every request whoever sent it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RateLimit } from "../emulator";
import type { WireEntry } from "./emulator-host";
import type { Declared } from "./seed";

/** The operations, in the order they run. */
export const OPS = ["create", "preview", "up", "change", "refresh"] as const;

/** One of `OPS`. */
export type OpName = (typeof OPS)[number];

/** How each operation is named in the report. */
export const OP_LABELS: Record<OpName, string> = {
    create: "create all",
    preview: "no-op preview",
    up: "no-op up",
    change: "up, k changed",
    refresh: "refresh",
};

/** The two rate limits of the issue. */
export const LIMITS = { free: { rate: 2, burst: 2 }, enterprise: { rate: 16, burst: 50 } } as const satisfies Record<string, RateLimit>;

/**
 * The limit of set-up that is not measured (a create above --create-max): fast, yet paced, since a
 * few thousand requests at once overwhelm the emulator on a busy machine (dropped sockets).
 */
export const SET_UP_LIMIT: RateLimit = { rate: 200, burst: 200 };

/** `free` or `enterprise`. */
export type LimitName = keyof typeof LIMITS;

/** `direct`: providers called by the benchmark; `engine`: a real Pulumi run through the Automation API. */
export type RunMode = "direct" | "engine";

/** Requests in one operation, by kind; 429 answers are counted apart from the reads and writes they delayed. */
export interface JournalCounts {
    /** Management API GETs that were answered (not 429). */
    readonly reads: number;
    /** Management API POST/PATCH/DELETE that were answered (not 429). */
    readonly writes: number;
    /** `/oauth/token` requests. */
    readonly tokenRequests: number;
    /** Management API requests answered 429. */
    readonly rateLimited: number;
    /** GETs of a default mapping (per-strategy constants). */
    readonly defaultMappingReads: number;
    /** GETs of a tenant-wide listing: list pages, and the count of connections that decides whether to list. */
    readonly listReads: number;
    /** First and last Management API request (ms since epoch); undefined when there was none. */
    readonly firstAt?: number;
    readonly lastAt?: number;
    /** The second Management API request: until the first answer the pacer sends nothing else. */
    readonly secondAt?: number;
    /** Answered requests per `METHOD route` with ids replaced, for finding where reads go. */
    readonly byRoute: Record<string, number>;
}

/** The route of a path with its ids blanked: `/api/v2/connections/:id/scim-configuration`. */
export function routeOf(path: string): string {
    return path.replace(/\/connections\/[^/]+/, "/connections/:id").replace(/\/tokens\/[^/]+$/, "/tokens/:token");
}

/** The tenant-wide listings (the count of connections is a GET of the first). */
const LISTINGS = ["/api/v2/connections", "/api/v2/connections-scim-configurations", "/api/v2/connections-directory-provisionings"];

/** Counts one operation's journal. */
export function countJournal(journal: readonly WireEntry[]): JournalCounts {
    let reads = 0;
    let writes = 0;
    let tokenRequests = 0;
    let rateLimited = 0;
    let defaultMappingReads = 0;
    let listReads = 0;
    let firstAt: number | undefined;
    let lastAt: number | undefined;
    let secondAt: number | undefined;
    const byRoute: Record<string, number> = {};
    for (const e of journal) {
        if (!e.path.startsWith("/api/v2")) {
            if (e.path === "/oauth/token") tokenRequests += 1;
            continue;
        }
        if (firstAt !== undefined && secondAt === undefined) secondAt = e.at;
        firstAt = Math.min(firstAt ?? e.at, e.at);
        lastAt = Math.max(lastAt ?? e.at, e.at);
        if (e.status === 429) {
            rateLimited += 1;
            continue;
        }
        if (e.method === "GET") reads += 1;
        else writes += 1;
        if (e.method === "GET" && e.path.endsWith("/default-mapping")) defaultMappingReads += 1;
        if (e.method === "GET" && LISTINGS.includes(e.path)) listReads += 1;
        const key = `${e.method} ${routeOf(e.path)}`;
        byRoute[key] = (byRoute[key] ?? 0) + 1;
    }
    return { reads, writes, tokenRequests, rateLimited, defaultMappingReads, listReads, firstAt, lastAt, secondAt, byRoute };
}

/**
 * The shortest time a token bucket allows for `requests`: the first `burst` go at once, the rest
 * one per refill interval. 429 answers spend no token, so they are not part of it.
 */
export function floorSeconds(requests: number, limit: RateLimit): number {
    return Math.max(0, requests - limit.burst) / limit.rate;
}

/** One row of the report. */
export interface OpResult {
    readonly size: number;
    readonly resources: number;
    readonly limitName: LimitName;
    readonly mode: RunMode;
    readonly op: OpName;
    /** What each connection declares. */
    readonly declared: Declared;
    readonly k: number;
    readonly counts: JournalCounts;
    /** The fewest reads the operation can make (floors.ts). */
    readonly readFloor: number;
    readonly writeFloor: number;
    /** Failures surfaced to a resource: rejected provider calls, or failed engine steps. */
    readonly failures: number;
    readonly failureSamples: string[];
    readonly wallMs: number;
    /** CPU of the process that ran the providers (µs): this one for direct runs, the engine's provider process otherwise. */
    readonly providerCpuUs?: number;
    /** Engine runs: CPU of this process (Automation API, inline program, gRPC), µs. */
    readonly programCpuUs?: number;
    /** Engine runs: CPU of the `pulumi` CLI process, sampled from /proc, µs. */
    readonly cliCpuUs?: number;
    /** Direct runs: the pacer's refill-rate estimate (requests/s) at the end and at its highest. */
    readonly pacerRate?: { readonly final: number; readonly max: number };
    /** Direct runs: what the transport counted (retries after 429 included). */
    readonly transport?: {
        readonly requests: number;
        readonly rateLimited: number;
        readonly retries: number;
        readonly tokenRequests: number;
    };
    /** What the engine or the direct driver reported doing, e.g. `same 275`. */
    readonly steps: string;
    /** Engine runs: the state file at rest after the operation (characters) and its resources. */
    readonly state?: { readonly chars: number; readonly resources: number };
    /** Engine runs: the same operation on the engine floor program (engine-floor.ts), in the same run. */
    readonly engineFloor?: { readonly wallMs: number; readonly stateChars: number; readonly resources: number; readonly steps: string };
    /** Empty when the tenant ended in the expected state; otherwise what was wrong. */
    readonly check: string;
}

/** API span: first to last Management API request, the part of the wall time the rate limit governs. */
export function apiSpanMs(c: JournalCounts): number {
    return c.firstAt === undefined || c.lastAt === undefined ? 0 : c.lastAt - c.firstAt;
}

/** Writes one operation's journal as CSV (ms since its first request, method, route, status), to see where time goes. */
export function saveTimeline(dir: string, name: string, journal: readonly WireEntry[]): void {
    mkdirSync(dir, { recursive: true });
    const t0 = journal[0]?.at ?? 0;
    const lines = journal.map((e) => `${e.at - t0},${e.method},${routeOf(e.path)},${e.status}`);
    writeFileSync(path.join(dir, `${name}.csv`), ["ms,method,route,status", ...lines].join("\n") + "\n");
}

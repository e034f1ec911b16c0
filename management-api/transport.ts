/**
 * The `fetch` we hand to the official SDK. It is the one place that touches the wire, so it owns:
 * https (plain http only to a loopback emulator given as `http://`), no redirects, pacing from
 * rate-limit headers, a per-request timeout, retries that are safe for the method, and request
 * counting.
 *
 * Why retries live here and the SDK's are off (`maxRetries: 0`): the SDK retries every method on
 * 5xx, POST included, so a gateway error after the server created a SCIM token would mint a second
 * token (tests/client/sdk-retries.test.ts shows it). Here a POST is retried on 429, which Auth0
 * answers before doing any work, and otherwise only where a repeat is refused as a conflict.
 */
import {
    newPacerState,
    observeNoResponse,
    observeResponse,
    parseRateLimitHeaders,
    planReserve,
    refundReserved,
    reservationBacked,
    sendReserved,
    type PacerState,
} from "./pacer";
import { Agent, fetch as undiciFetch } from "undici";
import { RedirectRefusedError, TransportError } from "./errors";
import { processState } from "./state";

/** Knobs of the transport; defaults suit a real tenant. */
export interface TransportOptions {
    /** Per-attempt timeout in ms. */
    readonly timeoutMs: number;
    /** Attempts after a 429 before giving up. */
    readonly rateLimitRetries?: number;
    /** Attempts after a 5xx, timeout or dropped connection, for idempotent methods only. */
    readonly errorRetries?: number;
    /** First backoff after an error, doubled each time. */
    readonly backoffMs?: number;
    /** `http` only for a loopback emulator; everything else is https. */
    readonly scheme?: "https" | "http";
    /** An extra CA (PEM) to trust, e.g. a local emulator's (real tenants need none). */
    readonly caCertificate?: string;
}

const IDEMPOTENT = ["GET", "HEAD", "PUT", "PATCH", "DELETE"];
/**
 * POSTs whose repetition cannot change the outcome: creating a SCIM configuration or directory
 * provisioning a second time is refused (400 / 409) and the provider then adopts what exists.
 * Token and synchronization POSTs are not here: a repeat would mint a second token or sync.
 */
const CREATE_OR_CONFLICT = /^\/api\/v2\/connections\/[^/]+\/(scim-configuration|directory-provisioning)$/;
const RETRYABLE_STATUS = [500, 502, 503, 504];
const MAX_WAIT_MS = 60_000;

/** True for 127.0.0.0/8, localhost and ::1: the only hosts we talk plain http to. */
export function isLoopbackHost(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Turns the SDK's `https://` URL into the one we really call: plain http only to a loopback host when asked. */
export function resolveWireUrl(raw: string, scheme: "https" | "http" = "https"): URL {
    const url = new URL(raw);
    if (scheme === "http" && isLoopbackHost(url.hostname)) {
        url.protocol = "http:";
    } else if (url.protocol !== "https:") {
        throw new Error(`refusing plain ${url.protocol}// to ${url.hostname}: only loopback emulators may use http`);
    }
    return url;
}

/** What we put on the wire: the SDK only ever sends string bodies (JSON, or a form for the token). */
interface WireRequest {
    readonly method: string;
    readonly headers: Headers;
    readonly body?: string;
    readonly signal: AbortSignal;
}

/** One HTTP exchange on the wire; a redirect comes back as the 3xx answer, never followed. */
type Send = (url: URL, req: WireRequest) => Promise<Response>;

/** The fetch to use: the platform's, or one that also trusts the given CA. */
function fetchFor(caCertificate: string | undefined): Send {
    if (caCertificate === undefined) return (url, req) => fetch(url, { ...req, redirect: "manual" });
    const dispatcher = new Agent({ connect: { ca: caCertificate } });
    return (url, req) => undiciFetch(url, { ...req, headers: Object.fromEntries(req.headers), redirect: "manual", dispatcher });
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function retryAfterSeconds(res: Response): number | undefined {
    const v = res.headers.get("retry-after");
    const n = v === null ? NaN : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** ms to wait after a 429: retry-after, else until the bucket resets, else one second. */
export function rateLimitWaitMs(retryAfter: number | undefined, resetSeconds: number | undefined, now: number): number {
    if (retryAfter !== undefined) {
        return Math.min(MAX_WAIT_MS, retryAfter * 1000);
    }
    if (resetSeconds !== undefined && resetSeconds * 1000 > now) {
        return Math.min(MAX_WAIT_MS, resetSeconds * 1000 - now);
    }
    return 1000;
}

function pacerFor(host: string): PacerState {
    const pacers = processState().pacers;
    let state = pacers.get(host);
    if (state === undefined) {
        state = newPacerState(Date.now());
        pacers.set(host, state);
    }
    return state;
}

/**
 * Waits for `count` tokens in strict arrival order. Without the queue, single requests would take
 * every token as it refills and a GET+PATCH pair, which needs two at once, could starve.
 */
async function acquire(host: string, count: number, aheadOfQueue = false): Promise<number> {
    const state = pacerFor(host);
    const queues = processState().queues;
    const ahead = aheadOfQueue ? Promise.resolve() : (queues.get(host) ?? Promise.resolve());
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    if (!aheadOfQueue)
        queues.set(
            host,
            ahead.then(() => mine),
        );
    await ahead;
    try {
        for (let wait = planReserve(state, Date.now(), count); wait > 0; wait = planReserve(state, Date.now(), count)) {
            await sleep(wait);
        }
        // Read right after the synchronous grant: nothing can run in between.
        return state.lastGranted;
    } finally {
        done();
    }
}

async function paced(host: string): Promise<void> {
    await acquire(host, 1);
    sendReserved(pacerFor(host));
}

/**
 * Paces the rest of a reservation the bucket could not back (made before the bucket size was
 * known, or the server reported fewer tokens than estimated) ahead of the queue: its GET has
 * been answered, and every ms it waits is a ms in which a dashboard edit can be overwritten.
 */
async function pacedAheadOfQueue(host: string): Promise<void> {
    const state = pacerFor(host);
    for (let wait = planReserve(state, Date.now(), 1); wait > 0; wait = planReserve(state, Date.now(), 1)) {
        await sleep(wait);
    }
    sendReserved(state);
}

/** Header carrying a reservation id: the request spends it instead of queueing; never sent. */
export const PREPAID_HEADER = "x-auth0-sync-prepaid";

/** A reservation of back-to-back requests: send them with `headers`, then `release()`. */
export interface Reservation {
    readonly headers: Record<string, string>;
    /**
     * True when the next request can go at once. A reservation made before the bucket size was
     * known holds one request only; this takes the second now if the bucket has it.
     */
    ready(): boolean;
    /** Refunds what was not sent (e.g. no PATCH was needed). */
    release(): void;
}

/**
 * Reserves `count` back-to-back requests on the tenant's bucket. `aheadOfQueue` is for a
 * read-modify-write that already waited its turn and must read again.
 */
export async function reserve(host: string, count: number, aheadOfQueue = false): Promise<Reservation> {
    const granted = await acquire(host, count, aheadOfQueue);
    const { reservations } = processState();
    const id = `${host}#${Math.random().toString(36).slice(2)}`;
    reservations.set(id, granted);
    return {
        headers: { [PREPAID_HEADER]: id },
        ready() {
            const state = pacerFor(host);
            const left = reservations.get(id) ?? 0;
            if (left > 0) return reservationBacked(state, Date.now());
            if (!reservations.has(id) || planReserve(state, Date.now(), 1) > 0) return false;
            reservations.set(id, 1);
            return true;
        },
        release() {
            const left = reservations.get(id) ?? 0;
            reservations.delete(id);
            if (left > 0) refundReserved(pacerFor(host), left);
        },
    };
}

/** Spends one request of a reservation; false when it is used up or unknown (then queue as usual). */
function spend(host: string, id: string | null): boolean {
    const { reservations } = processState();
    const left = id === null ? 0 : (reservations.get(id) ?? 0);
    if (left <= 0) return false;
    reservations.set(id!, left - 1);
    const state = pacerFor(host);
    if (!reservationBacked(state, Date.now())) {
        // Hand the token back and queue instead of sending into an empty bucket.
        refundReserved(state, 1);
        return false;
    }
    return sendReserved(state);
}

/** Builds the fetch function for one client. */
export function createTransport(options: TransportOptions): typeof fetch {
    const rateLimitRetries = options.rateLimitRetries ?? 6;
    const errorRetries = options.errorRetries ?? 3;
    const backoffMs = options.backoffMs ?? 250;

    const send = fetchFor(options.caCertificate);
    return async function auth0Fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
        const url = resolveWireUrl(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, options.scheme);
        const method = (init?.method ?? "GET").toUpperCase();
        const isApi = url.pathname.startsWith("/api/v2");
        const stats = processState().stats;
        // Minting an access token twice is harmless, so the token endpoint counts as idempotent.
        const retrySafe = IDEMPOTENT.includes(method) || !isApi || (method === "POST" && CREATE_OR_CONFLICT.test(url.pathname));
        const headers = new Headers(init?.headers);
        let prepaid = headers.get(PREPAID_HEADER);
        headers.delete(PREPAID_HEADER);
        let rateLimited = 0;
        let errors = 0;

        for (;;) {
            if (isApi) {
                // A reservation covers the first attempt only; retries queue like everyone else.
                if (!spend(url.host, prepaid)) await (prepaid !== null ? pacedAheadOfQueue(url.host) : paced(url.host));
                prepaid = null;
                stats.requests += 1;
                stats[method === "GET" ? "reads" : "writes"] += 1;
            } else {
                stats.tokenRequests += 1;
            }
            const signals = [AbortSignal.timeout(options.timeoutMs)];
            if (init?.signal) {
                signals.push(init.signal);
            }
            let res: Response;
            const sentAt = Date.now();
            try {
                // The Management API never redirects: following one could send our credentials elsewhere.
                res = await send(url, { method, headers, body: bodyText(init?.body), signal: AbortSignal.any(signals) });
            } catch (err) {
                if (isApi) observeNoResponse(pacerFor(url.host));
                if (init?.signal?.aborted) {
                    throw err;
                }
                const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
                const what = timedOut ? `timed out after ${options.timeoutMs} ms` : `no response (${describe(err)})`;
                stats.failures += 1;
                if (retrySafe && errors < errorRetries) {
                    errors += 1;
                    stats.retries += 1;
                    await sleep(backoffMs * 2 ** (errors - 1));
                    continue;
                }
                throw new TransportError(what);
            }
            if (res.status >= 300 && res.status < 400) {
                await res.body?.cancel();
                throw new RedirectRefusedError(res.status, method, url.pathname, res.headers.get("location"));
            }
            const limits = parseRateLimitHeaders((n) => res.headers.get(n));
            if (isApi) observeResponse(pacerFor(url.host), limits, res.status, retryAfterSeconds(res), Date.now(), sentAt);
            stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;

            if (res.status === 429 && rateLimited < rateLimitRetries) {
                rateLimited += 1;
                stats.rateLimited += 1;
                stats.retries += 1;
                await res.body?.cancel();
                // The pacer now blocks everyone until the bucket refills; waiting here too keeps
                // this request from jumping the queue when the token endpoint (unpaced) is limited.
                if (!isApi) await sleep(rateLimitWaitMs(retryAfterSeconds(res), limits?.reset, Date.now()));
                continue;
            }
            if (res.status === 429) {
                stats.rateLimited += 1;
            }
            if (RETRYABLE_STATUS.includes(res.status) && retrySafe && errors < errorRetries) {
                errors += 1;
                stats.retries += 1;
                await res.body?.cancel();
                await sleep(backoffMs * 2 ** (errors - 1));
                continue;
            }
            return res;
        }
    };
}

function bodyText(body: RequestInit["body"]): string | undefined {
    if (body === undefined || body === null) return undefined;
    if (typeof body === "string") return body;
    throw new Error("the Management API client only sends text bodies");
}

function describe(err: unknown): string {
    if (err instanceof Error) {
        const cause = (err as Error & { cause?: unknown }).cause;
        const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
        return typeof code === "string" ? code : err.message;
    }
    return String(err);
}

/**
 * Client-side pacing from Auth0's rate-limit headers. The Management API is a token bucket per
 * tenant: `x-ratelimit-limit` is its size, `x-ratelimit-remaining` what is left and
 * `x-ratelimit-reset` when it is full again. We keep a local estimate of the bucket so a big stack
 * waits *before* sending instead of collecting 429s. Everything here is pure: the transport owns
 * the clock and the sleeping.
 */

/** The three headers Auth0 sends on every Management API response. */
export interface RateLimitHeaders {
    readonly limit: number;
    readonly remaining: number;
    /** UNIX time in seconds. */
    readonly reset: number;
}

/** Mutable pacing state for one tenant. */
export interface PacerState {
    /** Bucket size; undefined until the first response tells us. */
    limit?: number;
    /** Estimated whole requests we may still send now. */
    tokens: number;
    /** When `tokens` was last brought up to date (ms). */
    updatedAt: number;
    /** Estimated refill rate in requests per ms. */
    rate: number;
    /** Requests sent and not answered yet. */
    inFlight: number;
    /** No request before this time (ms), set by a 429. */
    blockedUntil: number;
    /** Tokens taken for requests not sent yet (the PATCH of a read-modify-write). */
    reserved: number;
    /** When the request behind the freshest bucket report was sent (ms). */
    reportSentAt: number;
    /** How many requests the last successful `planReserve` reserved. */
    lastGranted: number;
    /** The back-off after a 429 that said nothing of how long to wait (ms); doubles each time. */
    blindBackoffMs: number;
}

/** First and longest back-off after a 429 that carries neither `retry-after` nor rate-limit headers. */
export const BLIND_BACKOFF_MS = { first: 1000, max: 30_000 } as const;

/** What else an answer told us: the server's clock (`Date`), and a random number for jitter. */
export interface AnswerExtras {
    /** The `Date` header in ms: lets a server clock that runs ahead or behind not skew the rate. */
    readonly serverDateMs?: number;
    /** In [0, 1): spreads blind back-offs so that clients do not retry in step. */
    readonly jitter?: number;
}

/** Requests per second assumed before any header is seen: the free-tier limit, the lowest there is. */
export const ASSUMED_RATE_PER_SECOND = 2;

/** A fresh state for a tenant we have not talked to yet. */
export function newPacerState(now: number): PacerState {
    return {
        tokens: 1,
        updatedAt: now,
        rate: ASSUMED_RATE_PER_SECOND / 1000,
        inFlight: 0,
        blockedUntil: 0,
        reserved: 0,
        reportSentAt: 0,
        lastGranted: 0,
        blindBackoffMs: 0,
    };
}

function refill(state: PacerState, now: number): void {
    if (now > state.updatedAt) {
        const cap = state.limit ?? 1;
        state.tokens = Math.min(cap, state.tokens + state.rate * (now - state.updatedAt));
        state.updatedAt = now;
    }
}

/**
 * Decides whether `count` requests that must go back to back (a GET and the PATCH built from it)
 * may go now: returns 0 and reserves them when the bucket holds all of them, so the PATCH never
 * waits behind other requests and the window in which a dashboard edit can be overwritten stays
 * one round trip; otherwise the number of ms to wait before asking again. Until the first
 * response arrives only one request is in flight, because we do not know the bucket size yet.
 */
export function planReserve(state: PacerState, now: number, count: number): number {
    if (now < state.blockedUntil) {
        return state.blockedUntil - now;
    }
    refill(state, now);
    if (state.limit === undefined && state.inFlight + state.reserved > 0) {
        return 10;
    }
    // Until the bucket size is known one request at a time; a bucket smaller than the
    // reservation cannot hold it. Either way reserve what fits and let the rest queue.
    const need = Math.min(count, state.limit ?? 1);
    if (state.tokens >= need || state.limit === undefined) {
        state.tokens -= need;
        state.reserved += need;
        state.lastGranted = need;
        return 0;
    }
    return Math.max(1, Math.ceil((need - state.tokens) / state.rate));
}

/**
 * True when the bucket still backs the reserved requests. It may not: the reservation was made
 * before the bucket size was known, or the bucket holds fewer requests than the reservation.
 */
export function reservationBacked(state: PacerState, now: number): boolean {
    refill(state, now);
    return state.limit === undefined || (state.tokens >= 0 && state.reserved <= state.limit);
}

/** Sends one reserved request: false when none is left (then pace it as usual). */
export function sendReserved(state: PacerState): boolean {
    if (state.reserved <= 0) return false;
    state.reserved -= 1;
    state.inFlight += 1;
    return true;
}

/** Gives back reserved tokens that will not be used (no PATCH was needed). */
export function refundReserved(state: PacerState, count: number): void {
    const n = Math.min(count, state.reserved);
    state.reserved -= n;
    state.tokens = Math.min(state.limit ?? 1, state.tokens + n);
}

/** Parses the rate-limit headers; undefined when any is missing or malformed. */
export function parseRateLimitHeaders(get: (name: string) => string | null): RateLimitHeaders | undefined {
    const raw = [get("x-ratelimit-limit"), get("x-ratelimit-remaining"), get("x-ratelimit-reset")];
    if (raw.some((v) => v === null || v.trim() === "")) {
        return undefined;
    }
    const [limit, remaining, reset] = raw.map(Number);
    return [limit, remaining, reset].every(Number.isFinite) ? { limit, remaining, reset } : undefined;
}

/**
 * Folds one response into the state. The server's `remaining` is the truth for the moment it
 * answered, less the requests we sent since that it has not counted yet. The refill rate is
 * measured as (limit - remaining - 1) / (reset - sentAt); `reset` is rounded up to whole seconds and
 * the request left before the server counted it, so each measurement is at most the true rate and
 * the largest one seen is the best estimate.
 */
export function observeResponse(
    state: PacerState,
    headers: RateLimitHeaders | undefined,
    status: number,
    retryAfterSeconds: number | undefined,
    now: number,
    sentAt: number = now,
    extras: AnswerExtras = {},
): void {
    state.inFlight = Math.max(0, state.inFlight - 1);
    if (status === 429 && headers === undefined && retryAfterSeconds === undefined) {
        // Nothing says how long: back off, doubling, with jitter, instead of retrying at once.
        state.blindBackoffMs = Math.min(BLIND_BACKOFF_MS.max, Math.max(BLIND_BACKOFF_MS.first, state.blindBackoffMs * 2));
        const wait = state.blindBackoffMs * (0.5 + 0.5 * (extras.jitter ?? Math.random()));
        state.blockedUntil = Math.max(state.blockedUntil, now + wait);
        return;
    }
    if (status === 429 && headers === undefined && retryAfterSeconds !== undefined) {
        state.blockedUntil = Math.max(state.blockedUntil, now + retryAfterSeconds * 1000);
        return;
    }
    if (status !== 429) state.blindBackoffMs = 0;
    if (headers === undefined) {
        return;
    }
    refill(state, now);
    state.limit = headers.limit;
    // `x-ratelimit-reset` is the server's clock; read it on ours. The `Date` header is whole seconds
    // and taken before the answer left, so the offset is never underestimated: the interval below
    // never shrinks and the rate is never overestimated, whichever way the server clock is off.
    const offset = extras.serverDateMs !== undefined ? now - extras.serverDateMs : 0;
    const resetMs = headers.reset * 1000 + offset;
    // Measured from when the request left: the server answered somewhere after that, so the
    // interval is never shorter than the true one and the rate never overestimated.
    if (headers.remaining < headers.limit && resetMs > sentAt) {
        // `remaining` is rounded down, so up to one more token than it says may be left: count one
        // fewer as used. The assumed free-tier rate stays the floor (no tenant is slower).
        const measured = (headers.limit - headers.remaining - 1) / (resetMs - sentAt);
        state.rate = Math.max(state.rate, measured);
    }
    // Answers can overtake each other; an older report of `remaining` would hand out tokens
    // that later requests already spent.
    if (sentAt >= state.reportSentAt) {
        state.reportSentAt = sentAt;
        state.tokens = Math.min(headers.limit, headers.remaining - state.inFlight - state.reserved);
        state.updatedAt = now;
    }
    if (status === 429) {
        state.tokens = Math.min(state.tokens, 0);
        const waitMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : Math.max(0, resetMs - now);
        state.blockedUntil = Math.max(state.blockedUntil, now + waitMs);
        // Someone else shares the bucket, or our estimate ran ahead: be more careful from here, but
        // never slower than the slowest tenant there is, or the waits would grow without end.
        state.rate = Math.max(ASSUMED_RATE_PER_SECOND / 1000, state.rate * 0.8);
    }
}

/** Lets no one wait past `until` for the current block (a 429 asked for more than we accept). */
export function capBlock(state: PacerState, until: number): void {
    state.blockedUntil = Math.min(state.blockedUntil, until);
}

/** Marks a request that ended without a response (timeout, dropped connection). */
export function observeNoResponse(state: PacerState): void {
    state.inFlight = Math.max(0, state.inFlight - 1);
}

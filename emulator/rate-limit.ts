import type { RateLimit } from "./types";

/** What the limiter decided for one request, already in header units. */
export interface RateDecision {
    allowed: boolean;
    limit: number;
    remaining: number;
    /** UNIX seconds when the bucket is full again. */
    reset: number;
    /** Seconds until one token is available (only when refused). */
    retryAfter?: number;
}

// Shown when no limit is configured, so clients that read the headers still see sane numbers.
const UNLIMITED_LIMIT = 1000;

/** A token bucket: `burst` tokens, refilled continuously at `rate` per second. */
export class TokenBucket {
    private limit: RateLimit | undefined;
    private tokens = 0;
    private updatedAt = 0;

    constructor(limit?: RateLimit) {
        this.configure(limit);
    }

    /** Replaces the limit and starts from a full bucket. */
    configure(limit: RateLimit | undefined): void {
        if (limit !== undefined && !(limit.rate > 0 && limit.burst >= 1)) {
            throw new Error(`rate limit needs rate > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
        }
        this.limit = limit === undefined ? undefined : { rate: limit.rate, burst: Math.floor(limit.burst) };
        this.tokens = this.limit?.burst ?? 0;
        this.updatedAt = Date.now();
    }

    /** Takes one token if there is one. */
    take(now = Date.now()): RateDecision {
        return this.decide(now, true);
    }

    /** Reports the bucket without spending from it (used for requests outside /api/v2). */
    peek(now = Date.now()): RateDecision {
        return this.decide(now, false);
    }

    private decide(now: number, spend: boolean): RateDecision {
        const limit = this.limit;
        if (limit === undefined) {
            return { allowed: true, limit: UNLIMITED_LIMIT, remaining: UNLIMITED_LIMIT - 1, reset: Math.ceil(now / 1000) };
        }
        this.tokens = Math.min(limit.burst, this.tokens + ((now - this.updatedAt) / 1000) * limit.rate);
        this.updatedAt = now;
        const hasToken = this.tokens >= 1;
        if (hasToken && spend) this.tokens -= 1;
        // Peeking never refuses: only spending requests can run out.
        const allowed = hasToken || !spend;
        const untilFullMs = ((limit.burst - this.tokens) / limit.rate) * 1000;
        const decision: RateDecision = {
            allowed,
            limit: limit.burst,
            remaining: Math.floor(this.tokens),
            reset: Math.ceil((now + untilFullMs) / 1000),
        };
        if (!allowed) decision.retryAfter = Math.max(1, Math.ceil((1 - this.tokens) / limit.rate));
        return decision;
    }
}

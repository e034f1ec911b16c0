/**
 * The two ways a Management API call fails: the API answered with an error (`Auth0ApiError`), or no
 * answer arrived at all (`Auth0NoResponseError`: a timeout or a dropped connection, after which the
 * request may or may not have been processed). Providers can be loaded more than once in one
 * process (state written by earlier versions carries its own copy of this module), so both are
 * recognised by a brand property, never by `instanceof` or by comparing a name string.
 */
import { redact } from "./redact";

const API_BRAND = "__auth0ConnectionSyncApiError";
const NO_RESPONSE_BRAND = "__auth0ConnectionSyncNoResponse";

/** What the API said about one failed call. */
export interface Auth0ApiErrorDetails {
    /** HTTP status of the answer. */
    readonly status: number;
    readonly method: string;
    /** Path without host or query, e.g. `/api/v2/connections/con_x`. */
    readonly path: string;
    /** Auth0's `errorCode`, when the body had one (e.g. `insufficient_scope`). */
    readonly errorCode?: string;
    /** The API's own message. */
    readonly apiMessage: string;
    /**
     * A 429 that carried Auth0's `x-ratelimit-*` headers: Auth0's rate limiter refused the request
     * before doing any work. A 429 without them (a gateway's) may come after the work was done.
     */
    readonly fromRateLimiter?: boolean;
}

function brand(target: object, key: string): void {
    Object.defineProperty(target, key, { value: true });
}

function branded(err: unknown, key: string): boolean {
    return typeof err === "object" && err !== null && (err as Record<string, unknown>)[key] === true;
}

/** A failed Management API call: `Auth0 API PATCH /api/v2/connections/con_x failed with 400: <message>`. */
export class Auth0ApiError extends Error implements Auth0ApiErrorDetails {
    readonly status: number;
    readonly method: string;
    readonly path: string;
    readonly errorCode?: string;
    readonly apiMessage: string;
    readonly fromRateLimiter: boolean;

    constructor(details: Auth0ApiErrorDetails) {
        super(`Auth0 API ${details.method} ${details.path} failed with ${details.status}: ${details.apiMessage}`);
        this.name = "Auth0ApiError";
        this.status = details.status;
        this.method = details.method;
        this.path = details.path;
        this.errorCode = details.errorCode;
        this.apiMessage = details.apiMessage;
        this.fromRateLimiter = details.fromRateLimiter === true;
        brand(this, API_BRAND);
    }
}

/** A call that got no answer: `Auth0 API GET /api/v2/connections/con_x failed: timed out after 15000 ms`. */
export class Auth0NoResponseError extends Error {
    readonly method: string;
    readonly path: string;
    /** What went wrong on the wire, e.g. `timed out after 15000 ms` or `no response (ECONNRESET)`. */
    readonly reason: string;

    constructor(details: { method: string; path: string; reason: string }) {
        super(`Auth0 API ${details.method} ${details.path} failed: ${details.reason}`);
        this.name = "Auth0NoResponseError";
        this.method = details.method;
        this.path = details.path;
        this.reason = details.reason;
        brand(this, NO_RESPONSE_BRAND);
    }
}

/** Thrown by the transport when no response arrived; the client turns it into `Auth0NoResponseError`. */
export class TransportError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TransportError";
        brand(this, NO_RESPONSE_BRAND);
    }
}

/** The answer was a redirect, which the Management API never sends: we refuse to follow it. */
export class RedirectRefusedError extends Auth0ApiError {
    constructor(status: number, method: string, path: string, location: string | null) {
        const where = location === null ? "" : ` to ${safeOrigin(location)}`;
        super({ status, method, path, apiMessage: `refused to follow a redirect${where}: the Management API never redirects` });
    }
}

/**
 * A 429 from Auth0's rate limiter (it carried the `x-ratelimit-*` headers) that the transport gives
 * up on: thrown by the transport, as only it sees the headers. `body` is the answer's text; the
 * message is the one the client reports for any error answer.
 */
export class RateLimitedError extends Auth0ApiError {
    constructor(method: string, path: string, body: string) {
        let json: unknown;
        try {
            json = JSON.parse(body);
        } catch {
            json = undefined;
        }
        const fields = typeof json === "object" && json !== null ? new Map(Object.entries(json)) : new Map<string, unknown>();
        const text = (key: string) => {
            const v = fields.get(key);
            return typeof v === "string" && v !== "" ? v : undefined;
        };
        const apiMessage =
            text("message") ??
            text("error_description") ??
            text("error") ??
            (json === undefined && body !== "" ? body.slice(0, 200) : undefined);
        super({
            status: 429,
            method,
            path,
            errorCode: text("errorCode"),
            apiMessage: redact(apiMessage ?? "Too Many Requests"),
            fromRateLimiter: true,
        });
    }
}

/** A 429 whose wait is longer than we accept: fail now, saying what the server asked for. */
export class RateLimitWaitError extends Auth0ApiError {
    /** `fromRateLimiter`: the answer carried Auth0's `x-ratelimit-*` headers (see Auth0ApiErrorDetails). */
    constructor(method: string, path: string, askedMs: number, said: string, maxMs: number, fromRateLimiter = false) {
        super({
            status: 429,
            method,
            path,
            fromRateLimiter,
            errorCode: "too_many_requests",
            apiMessage:
                `rate limited, and the server asked us to wait ${Math.ceil(askedMs / 1000)} s (${said}), more than the ` +
                `${Math.round(maxMs / 1000)} s we wait at most (auth0-connection-sync:maxRateLimitWaitMs)`,
        });
    }
}

function safeOrigin(location: string): string {
    try {
        return new URL(location).origin;
    } catch {
        return "an unreadable location";
    }
}

/** True for an `Auth0ApiError` from any loaded copy of this module. */
export function isAuth0ApiError(err: unknown): err is Auth0ApiError {
    return branded(err, API_BRAND);
}

/** True for an `Auth0NoResponseError` (or the transport's error behind it) from any loaded copy. */
export function isNoResponse(err: unknown): err is Auth0NoResponseError | TransportError {
    return branded(err, NO_RESPONSE_BRAND);
}

/** True for a 429 from Auth0's own rate limiter (see `fromRateLimiter`): the request was refused before any work. */
export function isAuth0RateLimit(err: unknown): boolean {
    return isAuth0ApiError(err) && err.status === 429 && err.fromRateLimiter === true;
}

/** True when a failed write may still have been carried out: no answer, or a 5xx. */
export function mayHaveBeenProcessed(err: unknown): boolean {
    return isNoResponse(err) || (isAuth0ApiError(err) && err.status >= 500);
}

/** True when the error is a 404 from the API (connection or config gone). */
export function isNotFound(err: unknown): boolean {
    return isAuth0ApiError(err) && err.status === 404;
}

/** The value, or undefined when the API says 404: "already gone" is an answer for read and delete. */
export async function unlessGone<T>(p: Promise<T>): Promise<T | undefined> {
    try {
        return await p;
    } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
    }
}

/**
 * True when the API refuses a SCIM or directory call because of the connection's strategy: SCIM
 * answers 404 "This connection type does not support SCIM..." and directory provisioning 400.
 * Such a refusal writes nothing, so the provider may learn the strategy from it instead of
 * spending a connection read on every create.
 */
export function isUnsupportedStrategy(err: unknown, feature: "scim" | "directory"): boolean {
    if (!isAuth0ApiError(err) || err.errorCode === "inexistent_connection") return false;
    if (feature === "directory") return err.status === 400;
    return err.status === 404 && /does not support/i.test(err.apiMessage);
}

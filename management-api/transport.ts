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
import { paced, pacedAheadOfQueue, pacerFor, PREPAID_HEADER, spend } from "./bucket-queue";
import { unsafePaths } from "./json-fidelity";
import { capBlock, observeNoResponse, observeResponse, parseRateLimitHeaders } from "./pacer";
import { Agent, fetch as undiciFetch } from "undici";
import { Auth0NoResponseError, RateLimitedError, RateLimitWaitError, RedirectRefusedError, TransportError } from "./errors";
import { processState } from "./state";

/**
 * The tenant-wide listings whose pages go ahead of the queue (see auth0Fetch). A RegExp, not a Set:
 * providers serialized whole (earlier versions' state) copy module values, and a copied Set fails.
 */
const TENANT_LISTING = /^\/api\/v2\/(connections|connections-scim-configurations|connections-directory-provisionings)$/;

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
    /** The longest wait after a 429; a server asking for more fails the request with what it asked for. */
    readonly maxRateLimitWaitMs?: number;
}

const IDEMPOTENT = ["GET", "HEAD", "PUT", "PATCH", "DELETE"];
/**
 * POSTs whose repetition cannot change the outcome: creating a SCIM configuration or directory
 * provisioning a second time is refused (400 / 409) and the provider then adopts what exists.
 * Token and synchronization POSTs are not here: a repeat would mint a second token or sync.
 */
const CREATE_OR_CONFLICT = /^\/api\/v2\/connections\/[^/]+\/(scim-configuration|directory-provisioning)$/;
const RETRYABLE_STATUS = [500, 502, 503, 504];

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

/**
 * The fetch to use, with our own connection pool: certificates are always verified
 * (`rejectUnauthorized: true` wins over NODE_TLS_REJECT_UNAUTHORIZED=0, which would otherwise hand
 * the client secret to anyone in the middle). Trust is the platform's (NODE_EXTRA_CA_CERTS
 * included), or only the given CA when one is configured.
 */
function fetchFor(caCertificate: string | undefined): Send {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: true, ...(caCertificate !== undefined ? { ca: caCertificate } : {}) } });
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

/** Header that tells the transport to send a request once: its caller handles every failure. */
export const SINGLE_ATTEMPT_HEADER = "x-auth0-sync-single-attempt";

/** The longest wait after a 429 we accept by default; past it we fail and say what the server asked for. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** What a 429 asked for, in ms on our clock: `retry-after`, else until the bucket resets; undefined when it says nothing. */
export function askedWaitMs(res: Response, now: number): { ms: number; said: string } | undefined {
    const retryAfter = retryAfterSeconds(res);
    if (retryAfter !== undefined) return { ms: retryAfter * 1000, said: `retry-after: ${res.headers.get("retry-after")}` };
    const limits = parseRateLimitHeaders((n) => res.headers.get(n));
    if (limits === undefined) return undefined;
    const date = Date.parse(res.headers.get("date") ?? "");
    const offset = Number.isFinite(date) ? now - date : 0;
    return { ms: Math.max(0, limits.reset * 1000 + offset - now), said: `x-ratelimit-reset: ${limits.reset}` };
}

/** Header on a connection's answer listing the options that would not survive our round trip (JSON array); never on the wire. */
const UNSAFE_OPTIONS_HEADER = "x-auth0-sync-unsafe-options";

/** The options of a connection answer that would not survive a read-modify-write (see json-fidelity.ts). */
export function unsafeOptionsOf(headers: Headers): string[] {
    const raw = headers.get(UNSAFE_OPTIONS_HEADER);
    return raw === null ? [] : (JSON.parse(raw) as string[]);
}

/**
 * The answer with its body read in full (within the request's timeout), so a stalled body is a
 * timeout like any other. A connection's answer is checked for options that parsing would change.
 */
async function buffered(res: Response, path: string): Promise<Response> {
    const body = res.status === 204 || res.status === 304 ? null : await res.arrayBuffer();
    const headers = new Headers(res.headers);
    if (body !== null && res.status === 200 && CONNECTION.test(path)) {
        const text = new TextDecoder().decode(body);
        let unsafe: string[] = [];
        let json = true;
        try {
            JSON.parse(text);
        } catch {
            // Not JSON: the client reports the unreadable answer itself.
            json = false;
        }
        try {
            if (json) unsafe = unsafePaths(text);
        } catch {
            // A check that cannot finish must not let a write through.
            unsafe = ["options (the answer could not be checked)"];
        }
        if (unsafe.length > 0) headers.set(UNSAFE_OPTIONS_HEADER, JSON.stringify(unsafe));
    }
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

const CONNECTION = /^\/api\/v2\/connections\/[^/]+$/;

/** Builds the fetch function for one client. */
export function createTransport(options: TransportOptions): typeof fetch {
    const rateLimitRetries = options.rateLimitRetries ?? 6;
    const errorRetries = options.errorRetries ?? 3;
    const backoffMs = options.backoffMs ?? 250;
    const maxWaitMs = options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;

    const send = fetchFor(options.caCertificate);
    return async function auth0Fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
        const url = resolveWireUrl(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, options.scheme);
        const method = (init?.method ?? "GET").toUpperCase();
        const isApi = url.pathname.startsWith("/api/v2");
        const stats = processState().stats;
        const headers = new Headers(init?.headers);
        let prepaid = headers.get(PREPAID_HEADER);
        const singleAttempt = headers.get(SINGLE_ATTEMPT_HEADER) !== null;
        headers.delete(PREPAID_HEADER);
        headers.delete(SINGLE_ATTEMPT_HEADER);
        // Minting an access token twice is harmless, so the token endpoint counts as idempotent.
        const retrySafe =
            !singleAttempt && (IDEMPOTENT.includes(method) || !isApi || (method === "POST" && CREATE_OR_CONFLICT.test(url.pathname)));
        let rateLimited = 0;
        let errors = 0;

        // A page of a tenant-wide listing (checkpoint paging: `take`, then `from`; not a per-connection
        // listing such as selected groups, which would crowd the queue) goes ahead of the
        // queue: it stands for many single GETs, and each ms behind them ages what it holds (a
        // listing older than its 5 s bound answers no one, and every object is read one by one).
        const listingPage =
            method === "GET" && TENANT_LISTING.test(url.pathname) && (url.searchParams.has("take") || url.searchParams.has("from"));
        for (;;) {
            if (isApi) {
                // A reservation covers the first attempt only; retries queue like everyone else.
                if (!spend(url.host, prepaid)) {
                    const waited = await (prepaid !== null || listingPage ? pacedAheadOfQueue(url.host) : paced(url.host));
                    if (waited && method !== "GET") stats.writesWaited += 1;
                }
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
                if (res.status < 300 || res.status >= 400) res = await buffered(res, url.pathname);
            } catch (err) {
                if (isApi) observeNoResponse(pacerFor(url.host));
                if (init?.signal?.aborted) {
                    throw err;
                }
                const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
                const what = timedOut ? `timed out after ${options.timeoutMs} ms` : `no response (${describe(err)})`;
                stats.failures += 1;
                // A certificate we do not trust stays untrusted: asking again only delays the error.
                if (retrySafe && errors < errorRetries && !/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(what)) {
                    errors += 1;
                    stats.retries += 1;
                    await sleep(backoffMs * 2 ** (errors - 1));
                    continue;
                }
                throw new TransportError(what);
            }
            if (!isApi && res.status === 200) await requireAccessToken(res, method, url.pathname);
            if (res.status >= 300 && res.status < 400) {
                // The exchange is over: the pacer must not wait for it, or every later request hangs.
                if (isApi) observeNoResponse(pacerFor(url.host));
                await res.body?.cancel();
                throw new RedirectRefusedError(res.status, method, url.pathname, res.headers.get("location"));
            }
            const limits = parseRateLimitHeaders((n) => res.headers.get(n));
            const now = Date.now();
            const serverDateMs = Date.parse(res.headers.get("date") ?? "");
            const extras = Number.isFinite(serverDateMs) ? { serverDateMs } : {};
            if (isApi) observeResponse(pacerFor(url.host), limits, res.status, retryAfterSeconds(res), now, sentAt, extras);
            stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;

            if (res.status === 429) {
                stats.rateLimited += 1;
                const asked = askedWaitMs(res, now);
                if (asked !== undefined && asked.ms > maxWaitMs) {
                    // Nobody waits longer than the cap for this answer: the next request asks again.
                    if (isApi) capBlock(pacerFor(url.host), now + maxWaitMs);
                    throw new RateLimitWaitError(method, url.pathname, asked.ms, asked.said, maxWaitMs, limits !== undefined);
                }
                if (!singleAttempt && rateLimited < rateLimitRetries) {
                    rateLimited += 1;
                    stats.retries += 1;
                    // The pacer now blocks everyone until the bucket refills (or backs off with jitter
                    // when the answer said nothing); the token endpoint is not paced, so wait here.
                    if (!isApi) await sleep(Math.min(maxWaitMs, asked?.ms ?? 1000));
                    continue;
                }
                // Auth0's limiter answers before doing any work, and says so with its headers; the error
                // carries that, as only this answer's headers tell it from a gateway's 429.
                if (isApi && limits !== undefined) throw new RateLimitedError(method, url.pathname, await res.text());
            }
            if (RETRYABLE_STATUS.includes(res.status) && retrySafe && errors < errorRetries) {
                errors += 1;
                stats.retries += 1;
                await sleep(backoffMs * 2 ** (errors - 1));
                continue;
            }
            return res;
        }
    };
}

/** A token reply the SDK could not use would surface as a confusing error later: say what is wrong now. */
async function requireAccessToken(res: Response, method: string, path: string): Promise<void> {
    let token: unknown;
    try {
        token = (JSON.parse(await res.clone().text()) as { access_token?: unknown } | null)?.access_token;
    } catch {
        token = undefined;
    }
    if (typeof token !== "string" || token === "") {
        throw new Auth0NoResponseError({ method, path, reason: "unexpected answer: expected an access_token, got none" });
    }
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

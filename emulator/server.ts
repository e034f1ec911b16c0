import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { authenticate, oauthRoutes } from "./auth";
import { ApiError, errorBody, insufficientScope } from "./errors";
import { changeAnswer, changesAnswer } from "./answer-faults";
import { FaultInjector } from "./faults";
import { flatQuery, MAX_BODY_BYTES, readBody, sendJson, type ReadBody } from "./http-io";
import { TokenBucket, type RateDecision } from "./rate-limit";
import { matchRoute, type Route, type RouteResult, type Runtime } from "./router";
import { connectionRoutes } from "./routes/connections";
import { directoryRoutes } from "./routes/directory";
import { groupRoutes } from "./routes/groups";
import { listingRoutes } from "./routes/listings";
import { scimRoutes } from "./routes/scim";
import type { EmulatorState, FaultRule, JournalEntry, RateLimit } from "./types";

// Sub-resource routes first: they are more specific than /connections/:id.
const ROUTES: readonly Route[] = [...oauthRoutes, ...scimRoutes, ...groupRoutes, ...directoryRoutes, ...listingRoutes, ...connectionRoutes];

/** Settings the request pipeline needs beyond the state. */
export interface PipelineSettings {
    rateLimit?: RateLimit;
    faults?: FaultRule[];
    faultSeed?: number;
    tokenLifetimeSeconds: number;
    synchronizationDurationMs: number;
    /** Delay before every answer (ms), standing in for a real tenant's round trip. */
    latencyMs?: number;
}

function rateHeaders(rate: RateDecision): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {
        "x-ratelimit-limit": String(rate.limit),
        "x-ratelimit-remaining": String(rate.remaining),
        "x-ratelimit-reset": String(rate.reset),
    };
    if (rate.retryAfter !== undefined) headers["retry-after"] = String(rate.retryAfter);
    return headers;
}

function isManagementApi(pathname: string): boolean {
    return pathname === "/api/v2" || pathname.startsWith("/api/v2/");
}

/** The request pipeline: journal → rate limit → faults → route → auth → scope → handler. */
export class Pipeline {
    readonly journal: JournalEntry[] = [];
    readonly limiter: TokenBucket;
    readonly faults: FaultInjector;
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly runtime: Runtime;
    private readonly latencyMs: number;

    constructor(
        readonly state: EmulatorState,
        settings: PipelineSettings,
    ) {
        this.limiter = new TokenBucket(settings.rateLimit);
        this.faults = new FaultInjector(settings.faults ?? [], settings.faultSeed ?? 0);
        this.latencyMs = settings.latencyMs ?? 0;
        this.runtime = {
            tokenLifetimeSeconds: settings.tokenLifetimeSeconds,
            synchronizationDurationMs: settings.synchronizationDurationMs,
            schedule: (fn, ms) => this.schedule(fn, ms),
        };
    }

    /** Cancels pending synchronizations and slow-fault delays; used on close. */
    stop(): void {
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
    }

    private schedule(fn: () => void, ms: number): void {
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            fn();
        }, ms);
        this.timers.add(timer);
    }

    private delay(ms: number): Promise<void> {
        return new Promise((resolve) => this.schedule(resolve, ms));
    }

    /** Handles one HTTP request end to end; never throws. */
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = (req.method ?? "GET").toUpperCase();
        const url = new URL(req.url ?? "/", "http://emulator.invalid");
        const pathname = url.pathname;
        const entry: JournalEntry = {
            method,
            path: pathname,
            query: flatQuery(url.searchParams),
            body: undefined,
            status: 0,
            at: Date.now(),
        };
        this.journal.push(entry);
        let body: ReadBody;
        try {
            body = await readBody(req);
        } catch {
            req.socket.destroy();
            return;
        }
        entry.body = body.value;

        const rate = isManagementApi(pathname) ? this.limiter.take() : this.limiter.peek();
        const headers = rateHeaders(rate);
        const reply = (status: number, payload: unknown, from: "tenant" | "gateway" = "tenant"): void => {
            entry.status = status;
            if (status >= 400 && typeof payload === "object" && payload !== null && "message" in payload)
                entry.message = String(payload.message);
            sendJson(res, status, payload, from === "tenant" ? headers : {});
        };
        if (!rate.allowed) return reply(429, errorBody(429, "Global limit has been reached", "too_many_requests"));
        if (body.tooLarge) {
            return reply(413, errorBody(413, `Payload content length greater than maximum allowed: ${MAX_BODY_BYTES}`));
        }

        // The round trip a real tenant adds; 429s above answer at once, as an edge gateway does.
        if (this.latencyMs > 0) await this.delay(this.latencyMs);
        const picked = this.faults.pick(method, pathname);
        const fault = picked?.rule;
        // Answer-changing kinds are journalled below, only on answers they changed.
        if (picked !== undefined && !changesAnswer(picked)) entry.fault = picked.rule.kind;
        const faultStatus = fault?.status ?? 503;
        const faultReply = (): void =>
            reply(
                faultStatus,
                errorBody(faultStatus, `Injected fault (${fault?.kind ?? ""}) on ${method} ${pathname}`),
                fault?.gateway === true ? "gateway" : "tenant",
            );
        if (fault?.kind === "drop") {
            req.socket.destroy();
            return;
        }
        if (fault?.kind === "status") return faultReply();
        if (fault?.kind === "slow") await this.delay(fault.delayMs ?? 1000);

        let result = await this.dispatch(method, pathname, url.searchParams, body, req);
        // The backend already did the work; only the answer is lost, as with a failing gateway.
        if (fault?.kind === "status-after-processing") return faultReply();
        const changed = picked === undefined ? undefined : changeAnswer(picked, result, url.searchParams);
        if (changed !== undefined) {
            entry.fault = fault?.kind;
            result = changed;
        }
        reply(result.status, result.body);
    }

    private async dispatch(
        method: string,
        pathname: string,
        query: URLSearchParams,
        body: ReadBody,
        req: IncomingMessage,
    ): Promise<RouteResult> {
        const match = matchRoute(ROUTES, method, pathname);
        if (match === undefined) return { status: 404, body: errorBody(404, "Not Found") };
        const { route, params } = match;
        try {
            let scopes: ReadonlySet<string> = new Set();
            if (route.authenticated) {
                scopes = authenticate(req.headers.authorization, this.state);
                if (route.scope !== undefined && !scopes.has(route.scope)) throw insufficientScope(route.scope);
            }
            if (body.malformed) throw new ApiError(400, "Invalid request payload JSON format", "invalid_body");
            const ctx = { state: this.state, params, query, body: body.value, scopes, host: req.headers.host ?? "", runtime: this.runtime };
            return await route.handle(ctx);
        } catch (error) {
            if (error instanceof ApiError) return { status: error.status, body: error.body };
            if (process.env.AUTH0_EMULATOR_DEBUG) console.error("auth0 emulator: handler failed", error);
            return { status: 500, body: errorBody(500, "An internal server error occurred") };
        }
    }
}

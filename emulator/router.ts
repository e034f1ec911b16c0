import { insufficientScope } from "./errors";
import type { EmulatorState } from "./types";

/** Everything a route handler may look at; `state` is the live tenant. */
export interface RouteContext {
    state: EmulatorState;
    params: Record<string, string>;
    query: URLSearchParams;
    /** Parsed body; undefined when the request had none. */
    body: unknown;
    /** Scopes of the caller's token (empty on unauthenticated routes). */
    scopes: ReadonlySet<string>;
    /** The Host header, which the token endpoint needs for the audience check. */
    host: string;
    runtime: Runtime;
}

/** Emulator-wide settings and services the handlers share. */
export interface Runtime {
    tokenLifetimeSeconds: number;
    synchronizationDurationMs: number;
    /** setTimeout that the emulator cancels on close. */
    schedule(fn: () => void, ms: number): void;
}

/** A handler's answer; a body of undefined means an empty response (204). */
export interface RouteResult {
    status: number;
    body?: unknown;
    /**
     * Set by checkpoint listings only: marks the body as a page with a top-level `next`, and is a
     * cursor that answers page one again (for the `repeat-cursor` fault).
     */
    pageOne?: string;
}

/** One route: method + anchored path pattern with named groups. */
export interface Route {
    method: string;
    pattern: RegExp;
    /** Checked before the body is looked at, as Auth0 does; absent means no token needed. */
    scope?: string;
    authenticated: boolean;
    handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

/** Result of matching a request against the table. */
export type RouteMatch = { route: Route; params: Record<string, string> } | undefined;

const SEGMENT = "[^/]+";

/**
 * Turns "/api/v2/connections/:id/scim-configuration" into an anchored pattern.
 * Parameters use named groups so handlers read `params.id`.
 */
export function path(template: string): RegExp {
    const source = template
        .split("/")
        .map((part) => (part.startsWith(":") ? `(?<${part.slice(1)}>${SEGMENT})` : escapeRegExp(part)))
        .join("/");
    return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Finds the route for a request; a known path with the wrong method is a miss (Auth0 answers 404). */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
    for (const route of routes) {
        if (route.method !== method) continue;
        const match = route.pattern.exec(pathname);
        if (match === null) continue;
        const params: Record<string, string> = {};
        for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = safeDecode(value);
        return { route, params };
    }
    return undefined;
}

function safeDecode(value: string): string {
    try {
        return decodeURIComponent(value);
    } catch {
        return value;
    }
}

/** Throws the Auth0 403 unless the token carries `scope`. */
export function requireScope(ctx: RouteContext, scope: string): void {
    if (!ctx.scopes.has(scope)) throw insufficientScope(scope);
}

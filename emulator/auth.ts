import { ApiError, isPlainObject, unauthorized } from "./errors";
import { randomSecret } from "./ids";
import { path, type Route, type RouteContext, type RouteResult } from "./router";
import type { EmulatorState } from "./types";

/** Resolves the bearer token of a Management API call to its scopes, or throws the Auth0 401. */
export function authenticate(header: string | undefined, state: EmulatorState, now = Date.now()): Set<string> {
    if (header === undefined || header.trim() === "") throw unauthorized("Missing authentication");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw unauthorized("Bad HTTP authentication header format");
    const token = state.tokens.find((t) => t.token === match[1]);
    if (token === undefined) throw unauthorized("Invalid token");
    if (token.expires_at !== undefined && token.expires_at <= now) throw unauthorized("Expired token");
    return new Set(token.scopes);
}

/** OAuth endpoints answer `{error, error_description}`, not the Management API shape. */
function oauthError(status: number, error: string, description: string): ApiError {
    return new ApiError(status, description, undefined, { error, error_description: description });
}

function field(body: Record<string, unknown>, name: string): string | undefined {
    const value = body[name];
    return typeof value === "string" ? value : undefined;
}

function issueToken(ctx: RouteContext): RouteResult {
    const body = ctx.body;
    if (!isPlainObject(body)) throw oauthError(400, "invalid_request", "Missing required parameter: grant_type");
    const grantType = field(body, "grant_type");
    if (grantType === undefined) throw oauthError(400, "invalid_request", "Missing required parameter: grant_type");
    if (grantType !== "client_credentials") {
        throw oauthError(403, "unsupported_grant_type", `Unsupported grant type: ${grantType}`);
    }
    const clientId = field(body, "client_id");
    const client = ctx.state.clients.find((c) => c.client_id === clientId);
    if (client === undefined || field(body, "client_secret") !== client.client_secret) {
        throw oauthError(401, "access_denied", "Unauthorized");
    }
    const audience = field(body, "audience") ?? "";
    if (audience !== `https://${ctx.host}/api/v2/`) {
        throw oauthError(403, "access_denied", `Service not enabled within domain: ${audience}`);
    }
    // An explicit `scope` narrows the grant; it can never widen it beyond the client's scopes.
    const requested = field(body, "scope")
        ?.split(/\s+/)
        .filter((s) => s !== "");
    const scopes = requested === undefined ? [...client.scopes] : client.scopes.filter((s) => requested.includes(s));
    const now = Date.now();
    const lifetime = ctx.runtime.tokenLifetimeSeconds;
    // Pruned in place: tests may hold a reference to the live tokens array.
    const tokens = ctx.state.tokens;
    for (let i = tokens.length - 1; i >= 0; i--) {
        const expiresAt = tokens[i].expires_at;
        if (expiresAt !== undefined && expiresAt <= now) tokens.splice(i, 1);
    }
    const accessToken = randomSecret();
    ctx.state.tokens.push({ token: accessToken, scopes, expires_at: now + lifetime * 1000 });
    return {
        status: 200,
        body: { access_token: accessToken, token_type: "Bearer", expires_in: lifetime, scope: scopes.join(" ") },
    };
}

/** The client-credentials token endpoint. */
export const oauthRoutes: Route[] = [{ method: "POST", pattern: path("/oauth/token"), authenticated: false, handle: issueToken }];

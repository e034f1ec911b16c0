import { defaultScimMapping } from "../data";
import { randomBytes } from "node:crypto";
import { ApiError, isPlainObject, jsonType, notFound, payloadError } from "../errors";
import { isoNow, randomId } from "../ids";
import { path, type Route, type RouteContext, type RouteResult } from "../router";
import { makeScimConfiguration } from "../state";
import { SCIM_STRATEGIES } from "../strategies";
import type { Connection, ScimConfiguration, ScimMappingItem, ScimToken } from "../types";
import { rejectUnknownFields, requireObjectBody } from "./connection-rules";
import { findConnection } from "./connections";

/** The recorded 404 text for strategies without SCIM, docs URL and final period included. */
export const SCIM_UNSUPPORTED_MESSAGE =
    "This connection type does not support SCIM. Please see our documentation for the currently supported connection types: " +
    "https://auth0.com/docs/authenticate/protocols/scim/configure-inbound-scim.";
/** At most this many unexpired tokens per connection (documented; the refusal itself is not recorded). */
export const MAX_ACTIVE_SCIM_TOKENS = 2;
const DEFAULT_TOKEN_SCOPES = ["get:users", "post:users", "put:users", "patch:users", "delete:users"];
const MIN_TOKEN_LIFETIME_SECONDS = 900;

function scimConnection(ctx: RouteContext): Connection {
    const connection = findConnection(ctx.state, ctx.params.id);
    if (!SCIM_STRATEGIES.includes(connection.strategy)) {
        throw new ApiError(404, SCIM_UNSUPPORTED_MESSAGE);
    }
    return connection;
}

/** The server answers pairs scim-first; clients must not depend on key order, so neither do we. */
function renderMapping(mapping: ScimMappingItem[]): ScimMappingItem[] {
    return mapping.map((m) => ({ scim: m.scim, auth0: m.auth0 }));
}

function render(config: ScimConfiguration, connection: Connection): ScimConfiguration {
    return { ...config, connection_name: connection.name, mapping: renderMapping(config.mapping) };
}

function nonEmptyString(value: unknown, property: string): string {
    if (typeof value !== "string") throw payloadError(`Expected type string but found type ${jsonType(value)}`, property);
    if (value === "") throw payloadError("String is too short (0 chars), minimum 1", property);
    return value;
}

function parseMapping(value: unknown): ScimMappingItem[] {
    if (!Array.isArray(value)) throw payloadError(`Expected type array but found type ${jsonType(value)}`, "mapping");
    return value.map((item: unknown, i) => {
        if (!isPlainObject(item)) throw payloadError(`Expected type object but found type ${jsonType(item)}`, `mapping[${i}]`);
        rejectUnknownFields(item, ["auth0", "scim"]);
        return { scim: nonEmptyString(item.scim, `mapping[${i}].scim`), auth0: nonEmptyString(item.auth0, `mapping[${i}].auth0`) };
    });
}

interface ScimBody {
    user_id_attribute?: string;
    mapping?: ScimMappingItem[];
}

function parseBody(raw: unknown): ScimBody {
    const body = requireObjectBody(raw);
    rejectUnknownFields(body, ["user_id_attribute", "mapping"]);
    const parsed: ScimBody = {};
    if (body.user_id_attribute !== undefined) parsed.user_id_attribute = nonEmptyString(body.user_id_attribute, "user_id_attribute");
    if (body.mapping !== undefined) parsed.mapping = parseMapping(body.mapping);
    return parsed;
}

function existing(ctx: RouteContext): ScimConfiguration {
    const config = ctx.state.scimConfigurations[ctx.params.id];
    if (config === undefined) throw notFound();
    return config;
}

function get(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    return { status: 200, body: render(existing(ctx), connection) };
}

function create(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    const body = parseBody(ctx.body ?? {});
    if (ctx.state.scimConfigurations[connection.id] !== undefined) {
        throw new ApiError(400, "SCIM configuration already exists for this connection");
    }
    const config = makeScimConfiguration(ctx.state, connection, body);
    ctx.state.scimConfigurations[connection.id] = config;
    return { status: 201, body: render(config, connection) };
}

function update(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    const body = parseBody(ctx.body);
    if (body.user_id_attribute === undefined) throw payloadError("Missing required property: user_id_attribute");
    if (body.mapping === undefined) throw payloadError("Missing required property: mapping");
    const config = existing(ctx);
    config.user_id_attribute = body.user_id_attribute;
    config.mapping = body.mapping;
    config.updated_on = isoNow();
    return { status: 200, body: render(config, connection) };
}

function remove(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    // Idempotent on the real server: a second DELETE is still 204.
    delete ctx.state.scimConfigurations[connection.id];
    delete ctx.state.scimTokens[connection.id];
    return { status: 204 };
}

function defaultMapping(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    return { status: 200, body: { mapping: renderMapping(defaultScimMapping(connection.strategy)) } };
}

function publicToken(token: ScimToken): Omit<ScimToken, "token"> {
    const { token: _secret, ...rest } = token;
    return rest;
}

function parseLifetime(value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) {
        throw payloadError(`Expected type integer but found type ${jsonType(value)}`, "token_lifetime");
    }
    if (value < MIN_TOKEN_LIFETIME_SECONDS) {
        throw payloadError(`Value ${value} is less than minimum ${MIN_TOKEN_LIFETIME_SECONDS}`, "token_lifetime");
    }
    return value;
}

/** What a tenant's cap (a policy, a gateway) grants: min(asked, cap), and the cap when none was asked. */
function grantedLifetime(asked: number | undefined, cap: number | undefined): number | undefined {
    if (cap === undefined) return asked;
    return asked === undefined ? cap : Math.min(asked, cap);
}

function createToken(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    existing(ctx);
    const body = requireObjectBody(ctx.body ?? {});
    rejectUnknownFields(body, ["scopes", "token_lifetime"]);
    let scopes = [...DEFAULT_TOKEN_SCOPES];
    if (body.scopes !== undefined) {
        if (!Array.isArray(body.scopes)) throw payloadError(`Expected type array but found type ${jsonType(body.scopes)}`, "scopes");
        scopes = body.scopes.map((s: unknown, i) => nonEmptyString(s, `scopes[${i}]`));
    }
    const lifetime = parseLifetime(body.token_lifetime);
    const now = Date.now();
    const tokens = (ctx.state.scimTokens[connection.id] ??= []);
    // Expired tokens still list, but no longer count against the limit.
    const active = tokens.filter((t) => t.valid_until === undefined || Date.parse(t.valid_until) > now).length;
    if (active >= MAX_ACTIVE_SCIM_TOKENS) {
        throw new ApiError(409, `A connection can have at most ${MAX_ACTIVE_SCIM_TOKENS} active SCIM tokens`, "too_many_tokens");
    }
    const tokenId = randomId("tok_");
    // Shaped like the recorded ones: the token id, a dot, then 64 hex characters.
    const secret = `${tokenId}.${randomBytes(32).toString("hex")}`;
    const token: ScimToken = { token_id: tokenId, token: secret, scopes, created_at: isoNow(now) };
    const granted = grantedLifetime(lifetime, ctx.state.tokenLifetimeCapSeconds);
    if (granted !== undefined) token.valid_until = isoNow(now + granted * 1000);
    tokens.push(token);
    return { status: 201, body: token };
}

function listTokens(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    existing(ctx);
    return { status: 200, body: (ctx.state.scimTokens[connection.id] ?? []).map(publicToken) };
}

function deleteToken(ctx: RouteContext): RouteResult {
    const connection = scimConnection(ctx);
    const tokens = ctx.state.scimTokens[connection.id] ?? [];
    const index = tokens.findIndex((t) => t.token_id === ctx.params.tokenId);
    if (index < 0) throw notFound();
    tokens.splice(index, 1);
    return { status: 204 };
}

const BASE = "/api/v2/connections/:id/scim-configuration";

function route(method: string, suffix: string, scope: string, handle: Route["handle"]): Route {
    return { method, pattern: path(BASE + suffix), scope, authenticated: true, handle };
}

/** /api/v2/connections/{id}/scim-configuration and its tokens. */
export const scimRoutes: Route[] = [
    route("GET", "", "read:scim_config", get),
    route("POST", "", "create:scim_config", create),
    route("PATCH", "", "update:scim_config", update),
    route("DELETE", "", "delete:scim_config", remove),
    route("GET", "/default-mapping", "read:scim_config", defaultMapping),
    route("POST", "/tokens", "create:scim_token", createToken),
    route("GET", "/tokens", "read:scim_token", listTokens),
    route("DELETE", "/tokens/:tokenId", "delete:scim_token", deleteToken),
];

import { ApiError, connectionNotFound, jsonType, payloadError, queryError } from "../errors";
import { isoNow, randomId } from "../ids";
import { MAX_TAKE, pageByOffset, parseInteger } from "../pagination";
import { path, requireScope, type Route, type RouteContext, type RouteResult } from "../router";
import { CONNECTION_STRATEGIES } from "../strategies";
import type { Connection, EmulatorState, JsonObject } from "../types";
import { fillConnectionFields, rewriteOnCreate, rewriteOnPatch } from "./connection-defaults";
import {
    checkDirectoryGuard,
    checkFieldTypes,
    checkName,
    checkOptions,
    CREATABLE_FIELDS,
    PATCHABLE_FIELDS,
    rejectUnknownFields,
    requireObjectBody,
} from "./connection-rules";

/** Looks a connection up by id or throws the API's inexistent_connection 404. */
export function findConnection(state: EmulatorState, id: string): Connection {
    const connection = Object.hasOwn(state.connections, id) ? state.connections[id] : undefined;
    if (connection === undefined) throw connectionNotFound();
    return connection;
}

interface FieldSelection {
    fields: string[] | undefined;
    include: boolean;
}

function fieldSelection(query: URLSearchParams): FieldSelection {
    const raw = query.get("fields");
    const fields =
        raw === null || raw === ""
            ? undefined
            : raw
                  .split(",")
                  .map((f) => f.trim())
                  .filter((f) => f !== "");
    return { fields, include: parseBoolean(query, "include_fields", true) };
}

function parseBoolean(query: URLSearchParams, name: string, fallback: boolean): boolean {
    const raw = query.get(name);
    if (raw === null) return fallback;
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw queryError(`Expected type boolean but found type string`, name);
}

/** Recorded: `fields=strategy,name&include_fields=true` also answers these. */
const ALWAYS_PROJECTED = ["id", "is_domain_connection", "authentication", "connected_accounts"];

/** What a caller may see: `options` needs read:connections_options, and `fields` trims the rest. */
function render(connection: Connection, scopes: ReadonlySet<string>, selection: FieldSelection): Connection {
    const out: Connection = { ...connection };
    if (!scopes.has("read:connections_options")) delete out.options;
    const { fields, include } = selection;
    if (fields !== undefined) {
        // Recorded: these come back whether or not `fields` asked for them.
        const keep = include ? [...fields, ...ALWAYS_PROJECTED] : fields;
        for (const key of Object.keys(out)) if (keep.includes(key) !== include) delete out[key];
    }
    return out;
}

function list(ctx: RouteContext): RouteResult {
    const { query } = ctx;
    const strategies = query
        .getAll("strategy")
        .flatMap((s) => s.split(","))
        .filter((s) => s !== "");
    const name = query.get("name");
    const page = parseInteger(query, "page", 0, 0, Number.MAX_SAFE_INTEGER);
    const perPage = parseInteger(query, "per_page", 50, 0, MAX_TAKE);
    const totals = parseBoolean(query, "include_totals", false);
    const selection = fieldSelection(query);
    const matching = Object.values(ctx.state.connections).filter(
        (c) => (strategies.length === 0 || strategies.includes(c.strategy)) && (name === null || c.name === name),
    );
    if (query.has("from") || query.has("take")) return checkpointPage(ctx, matching, selection);
    const start = page * perPage;
    const connections = matching.slice(start, start + perPage).map((c) => render(c, ctx.scopes, selection));
    if (!totals) return { status: 200, body: connections };
    return { status: 200, body: { connections, start, limit: perPage, total: matching.length } };
}

/**
 * Checkpoint pagination (`from`, `take`), the mode the official SDK uses: `next` is an opaque
 * cursor present while more results remain.
 */
function checkpointPage(ctx: RouteContext, matching: Connection[], selection: FieldSelection): RouteResult {
    const page = pageByOffset(ctx.query, matching);
    const body: { connections: Connection[]; next?: string } = {
        connections: page.items.map((c) => render(c, ctx.scopes, selection)),
    };
    if (page.next !== undefined) body.next = page.next;
    return { status: 200, body, pageOne: page.pageOne };
}

function getOne(ctx: RouteContext): RouteResult {
    const connection = findConnection(ctx.state, ctx.params.id);
    return { status: 200, body: render(connection, ctx.scopes, fieldSelection(ctx.query)) };
}

function create(ctx: RouteContext): RouteResult {
    const body = requireObjectBody(ctx.body);
    rejectUnknownFields(body, CREATABLE_FIELDS);
    const name = checkName(body.name);
    if (body.strategy === undefined) throw payloadError("Missing required property: strategy");
    if (typeof body.strategy !== "string" || body.strategy === "") {
        throw payloadError(`Expected type string but found type ${jsonType(body.strategy)}`, "strategy");
    }
    if (!CONNECTION_STRATEGIES.has(body.strategy)) throw payloadError(`No enum match for: ${JSON.stringify(body.strategy)}`, "strategy");
    checkFieldTypes(body);
    const strategy = body.strategy;
    const options = structuredClone((body.options ?? {}) as JsonObject);
    checkOptions(strategy, options);
    rewriteOnCreate(strategy, options);
    if (Object.values(ctx.state.connections).some((c) => c.name === name)) {
        throw new ApiError(409, "A connection with the same name already exists", "connection_conflict");
    }
    const id = randomId("con_");
    const connection: Connection = { id, options, strategy, name };
    for (const key of PATCHABLE_FIELDS) {
        if (key !== "options" && body[key] !== undefined) connection[key] = structuredClone(body[key]);
    }
    fillConnectionFields(connection, ctx.state.tenant);
    ctx.state.connections[id] = connection;
    return { status: 201, body: connection };
}

function update(ctx: RouteContext): RouteResult {
    const connection = findConnection(ctx.state, ctx.params.id);
    const body = requireObjectBody(ctx.body);
    rejectUnknownFields(body, PATCHABLE_FIELDS);
    checkFieldTypes(body);
    let options: JsonObject | undefined;
    if (body.options !== undefined) {
        requireScope(ctx, "update:connections_options");
        // Wholesale replace: whatever the caller left out of `options` is gone afterwards.
        options = structuredClone(body.options as JsonObject);
        checkOptions(connection.strategy, options);
        rewriteOnPatch(connection.strategy, connection.options ?? {}, options);
        // Judged on what will be stored: a key the server re-adds is not being turned off.
        checkDirectoryGuard(ctx.state, connection, options);
    }
    for (const key of PATCHABLE_FIELDS) {
        if (key !== "options" && body[key] !== undefined) connection[key] = structuredClone(body[key]);
    }
    if (options !== undefined) connection.options = options;
    return { status: 200, body: connection };
}

function remove(ctx: RouteContext): RouteResult {
    const id = ctx.params.id;
    // Recorded: deleting an already deleted connection is 204 with no body.
    if (ctx.state.deletedConnectionIds.has(id)) return { status: 204 };
    // Not recorded: a never-existing id gets the same 204 (a choice, see the README).
    if (!Object.hasOwn(ctx.state.connections, id)) return { status: 204 };
    delete ctx.state.connections[id];
    delete ctx.state.scimConfigurations[id];
    delete ctx.state.scimTokens[id];
    delete ctx.state.directoryProvisionings[id];
    delete ctx.state.synchronizations[id];
    delete ctx.state.synchronizedGroups[id];
    ctx.state.deletedConnectionIds.add(id);
    return { status: 202, body: { deleted_at: isoNow() } };
}

const ONE = path("/api/v2/connections/:id");
const ALL = path("/api/v2/connections");

/** /api/v2/connections and /api/v2/connections/{id}. */
export const connectionRoutes: Route[] = [
    { method: "GET", pattern: ALL, scope: "read:connections", authenticated: true, handle: list },
    { method: "POST", pattern: ALL, scope: "create:connections", authenticated: true, handle: create },
    { method: "GET", pattern: ONE, scope: "read:connections", authenticated: true, handle: getOne },
    { method: "PATCH", pattern: ONE, scope: "update:connections", authenticated: true, handle: update },
    { method: "DELETE", pattern: ONE, scope: "delete:connections", authenticated: true, handle: remove },
];

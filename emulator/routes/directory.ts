import { defaultDirectoryMapping } from "../data";
import { ApiError, isPlainObject, jsonType, notFound, payloadError } from "../errors";
import { isoNow, randomId } from "../ids";
import { path, type Route, type RouteContext, type RouteResult } from "../router";
import { makeDirectoryProvisioning } from "../state";
import type { Connection, DirectoryMappingItem, DirectoryProvisioning, EmulatorState, Synchronization } from "../types";
import { rejectUnknownFields, requireObjectBody } from "./connection-rules";
import { findConnection } from "./connections";

const GROUP_MODES = ["all", "off", "selected"];
const RUNNING = new Set(["pending", "running"]);
/** The real service refuses a new run within 30 minutes of the last completed one. */
export const SYNC_COOLDOWN_MS = 30 * 60 * 1000;

/** Checks the tenant feature, the connection and its strategy, in the API's order; returns the connection. */
export function directoryConnection(ctx: RouteContext): Connection {
    // A tenant-wide feature flag, so it is checked before the connection is even looked at.
    if (!ctx.state.directoryProvisioningEnabled) {
        throw new ApiError(403, "Directory provisioning is not enabled for this tenant.", "feature_not_enabled");
    }
    const connection = findConnection(ctx.state, ctx.params.id);
    if (connection.strategy !== "google-apps") {
        throw new ApiError(
            400,
            `Directory provisioning is only supported for google-apps connections (this connection's strategy is ${connection.strategy}).`,
            "invalid_request",
        );
    }
    return connection;
}

/** The connection's directory provisioning config, or the plain 404. */
export function existing(state: EmulatorState, id: string): DirectoryProvisioning {
    const config = state.directoryProvisionings[id];
    if (config === undefined) throw notFound();
    return config;
}

/** A config as the API answers it (current connection name, mapping copied). */
export function render(config: DirectoryProvisioning, connection: Connection): DirectoryProvisioning {
    return { ...config, connection_name: connection.name, mapping: config.mapping.map((m) => ({ idp: m.idp, auth0: m.auth0 })) };
}

function nonEmptyString(value: unknown, property: string): string {
    if (typeof value !== "string") throw payloadError(`Expected type string but found type ${jsonType(value)}`, property);
    if (value === "") throw payloadError("String is too short (0 chars), minimum 1", property);
    return value;
}

function parseMapping(value: unknown): DirectoryMappingItem[] {
    if (!Array.isArray(value)) throw payloadError(`Expected type array but found type ${jsonType(value)}`, "mapping");
    if (value.length === 0) throw payloadError("Array is too short (0), minimum 1", "mapping");
    return value.map((item: unknown, i) => {
        if (!isPlainObject(item)) throw payloadError(`Expected type object but found type ${jsonType(item)}`, `mapping[${i}]`);
        rejectUnknownFields(item, ["auth0", "idp"]);
        return { idp: nonEmptyString(item.idp, `mapping[${i}].idp`), auth0: nonEmptyString(item.auth0, `mapping[${i}].auth0`) };
    });
}

function parseBody(raw: unknown): Partial<DirectoryProvisioning> {
    const body = requireObjectBody(raw ?? {});
    rejectUnknownFields(body, ["mapping", "synchronize_automatically", "synchronize_groups"]);
    const parsed: Partial<DirectoryProvisioning> = {};
    if (body.mapping !== undefined) parsed.mapping = parseMapping(body.mapping);
    const auto = body.synchronize_automatically;
    if (auto !== undefined) {
        if (typeof auto !== "boolean") {
            throw payloadError(`Expected type boolean but found type ${jsonType(auto)}`, "synchronize_automatically");
        }
        parsed.synchronize_automatically = auto;
    }
    const groups = body.synchronize_groups;
    if (groups !== undefined) {
        if (typeof groups !== "string" || !GROUP_MODES.includes(groups)) {
            throw payloadError(`No enum match for: ${JSON.stringify(groups)}`, "synchronize_groups");
        }
        parsed.synchronize_groups = groups;
    }
    return parsed;
}

function get(ctx: RouteContext): RouteResult {
    const connection = directoryConnection(ctx);
    return { status: 200, body: render(existing(ctx.state, connection.id), connection) };
}

function create(ctx: RouteContext): RouteResult {
    const connection = directoryConnection(ctx);
    const body = parseBody(ctx.body);
    if (ctx.state.directoryProvisionings[connection.id] !== undefined) {
        throw new ApiError(409, "A directory provisioning configuration already exists for this connection.", "conflict");
    }
    const config = makeDirectoryProvisioning(connection, body);
    ctx.state.directoryProvisionings[connection.id] = config;
    return { status: 201, body: render(config, connection) };
}

function update(ctx: RouteContext): RouteResult {
    const connection = directoryConnection(ctx);
    const body = parseBody(ctx.body);
    const config = existing(ctx.state, connection.id);
    if (body.mapping !== undefined) config.mapping = body.mapping;
    if (body.synchronize_automatically !== undefined) config.synchronize_automatically = body.synchronize_automatically;
    if (body.synchronize_groups !== undefined) config.synchronize_groups = body.synchronize_groups;
    config.updated_at = isoNow();
    return { status: 200, body: render(config, connection) };
}

function remove(ctx: RouteContext): RouteResult {
    const connection = directoryConnection(ctx);
    existing(ctx.state, connection.id);
    delete ctx.state.directoryProvisionings[connection.id];
    delete ctx.state.synchronizations[connection.id];
    // The group selection belongs to the config: a new config starts with none.
    delete ctx.state.synchronizedGroups[connection.id];
    return { status: 204 };
}

function defaultMapping(ctx: RouteContext): RouteResult {
    directoryConnection(ctx);
    return { status: 200, body: { mapping: defaultDirectoryMapping() } };
}

function synchronize(ctx: RouteContext): RouteResult {
    const connection = directoryConnection(ctx);
    existing(ctx.state, connection.id);
    const runs = (ctx.state.synchronizations[connection.id] ??= []);
    if (runs.some((r) => RUNNING.has(r.status))) {
        throw new ApiError(409, "A synchronization is already in progress for this connection.", "conflict");
    }
    const now = Date.now();
    if (now - lastCompletion(runs) < SYNC_COOLDOWN_MS) {
        throw new ApiError(
            400,
            "The last synchronization completed less than 30 minutes ago. Please try again later.",
            "too_many_synchronizations",
        );
    }
    const run = { synchronization_id: randomId("dsync_"), status: "pending", created_at: isoNow(now) };
    runs.push(run);
    ctx.runtime.schedule(() => finish(ctx.state, connection.id, run.synchronization_id), ctx.runtime.synchronizationDurationMs);
    return { status: 201, body: { connection_id: connection.id, synchronization_id: run.synchronization_id, status: run.status } };
}

/**
 * When the last completed run finished (-Infinity if none): the cooldown counts from completion,
 * not from the request. Seeded runs without `completed_at` count from `created_at`.
 */
function lastCompletion(runs: readonly Synchronization[]): number {
    const times = runs
        .filter((r) => r.status === "completed")
        .map((r) => Date.parse(r.completed_at ?? r.created_at))
        .filter((t) => !Number.isNaN(t));
    return Math.max(-Infinity, ...times);
}

/** Ends a run; looks everything up again because tests may have rewritten the state meanwhile. */
function finish(state: EmulatorState, connectionId: string, synchronizationId: string): void {
    const run = state.synchronizations[connectionId]?.find((r) => r.synchronization_id === synchronizationId);
    if (run === undefined || !RUNNING.has(run.status)) return;
    const finishedAt = isoNow();
    run.status = "completed";
    run.completed_at = finishedAt;
    const config = state.directoryProvisionings[connectionId];
    if (config === undefined) return;
    config.last_synchronization_at = finishedAt;
    config.last_synchronization_status = "completed";
    delete config.last_synchronization_error;
}

const BASE = "/api/v2/connections/:id/directory-provisioning";

function route(method: string, suffix: string, scope: string, handle: Route["handle"]): Route {
    return { method, pattern: path(BASE + suffix), scope, authenticated: true, handle };
}

/** /api/v2/connections/{id}/directory-provisioning and its synchronizations. */
export const directoryRoutes: Route[] = [
    route("GET", "", "read:directory_provisionings", get),
    route("POST", "", "create:directory_provisionings", create),
    route("PATCH", "", "update:directory_provisionings", update),
    route("DELETE", "", "delete:directory_provisionings", remove),
    route("GET", "/default-mapping", "read:directory_provisionings", defaultMapping),
    route("POST", "/synchronizations", "create:directory_provisionings", synchronize),
];

import { ApiError, invalidBody, isPlainObject, jsonType, payloadError } from "../errors";
import { compareIds, isEmail, sortGroups } from "../groups";
import { MAX_TAKE, pageByKey } from "../pagination";
import { path, type Route, type RouteContext, type RouteResult } from "../router";
import type { Connection, DirectoryGroup } from "../types";
import { rejectUnknownFields, requireObjectBody } from "./connection-rules";
import { directoryConnection, existing } from "./directory";

/** Selected groups need the Admin SDK groups API turned on for the connection. */
function groupsConnection(ctx: RouteContext): Connection {
    const connection = directoryConnection(ctx);
    existing(ctx.state, connection.id);
    if (connection.options?.api_enable_groups !== true) {
        throw new ApiError(400, "Synchronized groups need the connection option api_enable_groups set to true.", "invalid_request");
    }
    return connection;
}

function parseGroup(raw: unknown, i: number): DirectoryGroup {
    const where = `groups[${i}]`;
    if (!isPlainObject(raw)) throw payloadError(`Expected type object but found type ${jsonType(raw)}`, where);
    // Recorded: PUT and POST take the group's metadata as well, and GET echoes it as sent.
    rejectUnknownFields(raw, ["id", "name", "email", "direct_members_count"]);
    if (typeof raw.id !== "string") throw payloadError(`Expected type string but found type ${jsonType(raw.id)}`, `${where}.id`);
    if (raw.id === "") throw payloadError("String is too short (0 chars), minimum 1", `${where}.id`);
    const group: DirectoryGroup = { id: raw.id };
    for (const key of ["name", "email"] as const) {
        const value = raw[key];
        if (value === undefined) continue;
        if (typeof value !== "string") throw payloadError(`Expected type string but found type ${jsonType(value)}`, `${where}.${key}`);
        group[key] = value;
    }
    const count = raw.direct_members_count;
    if (count !== undefined) {
        if (typeof count !== "number" || !Number.isInteger(count)) {
            throw payloadError(`Expected type integer but found type ${jsonType(count)}`, `${where}.direct_members_count`);
        }
        if (count < 0) throw payloadError(`Value ${count} is less than minimum 0`, `${where}.direct_members_count`);
        group.direct_members_count = count;
    }
    if (group.email !== undefined && !isEmail(group.email)) {
        // The recorded wording, with the property's description after its path.
        throw invalidBody(
            `Payload validation error: 'Object didn't pass validation for format email: ${group.email}' on property ` +
                `${where}.email (Google Workspace Directory group email).`,
        );
    }
    return group;
}

/** `{groups: [...]}`: at most 100 items, no id twice, every email an address. */
function parseGroups(raw: unknown): DirectoryGroup[] {
    const body = requireObjectBody(raw);
    rejectUnknownFields(body, ["groups"]);
    if (body.groups === undefined) throw payloadError("Missing required property: groups");
    if (!Array.isArray(body.groups)) throw payloadError(`Expected type array but found type ${jsonType(body.groups)}`, "groups");
    if (body.groups.length > MAX_TAKE) {
        throw payloadError(`Array is too long (${body.groups.length}), maximum ${MAX_TAKE}`, "groups");
    }
    const groups = body.groups.map(parseGroup);
    const seen = new Set<string>();
    for (const group of groups) {
        if (seen.has(group.id)) throw payloadError(`Array items are not unique (duplicate id ${group.id})`, "groups");
        seen.add(group.id);
    }
    return groups;
}

function matches(group: DirectoryGroup, needle: string): boolean {
    return [group.id, group.name, group.email].some((v) => v?.toLowerCase().includes(needle) === true);
}

function list(ctx: RouteContext): RouteResult {
    const connection = groupsConnection(ctx);
    const needle = ctx.query.get("q")?.toLowerCase() ?? "";
    const selected = ctx.state.synchronizedGroups[connection.id] ?? [];
    const filtered = sortGroups(selected.filter((g) => needle === "" || matches(g, needle)));
    const page = pageByKey(ctx.query, filtered, (g) => g.id);
    const body: { groups: DirectoryGroup[]; next?: string } = { groups: page.items };
    if (page.next !== undefined) body.next = page.next;
    return { status: 200, body, pageOne: page.pageOne };
}

function replace(ctx: RouteContext): RouteResult {
    const connection = groupsConnection(ctx);
    ctx.state.synchronizedGroups[connection.id] = sortGroups(parseGroups(ctx.body));
    return { status: 204 };
}

function add(ctx: RouteContext): RouteResult {
    const connection = groupsConnection(ctx);
    const incoming = parseGroups(ctx.body);
    const current = ctx.state.synchronizedGroups[connection.id] ?? [];
    // Re-adding a selected group is a no-op: the stored entry stays as it was.
    const known = new Set(current.map((g) => g.id));
    const merged = [...current, ...incoming.filter((g) => !known.has(g.id))];
    ctx.state.synchronizedGroups[connection.id] = merged.sort((a, b) => compareIds(a.id, b.id));
    return { status: 204 };
}

function remove(ctx: RouteContext): RouteResult {
    const connection = groupsConnection(ctx);
    const gone = new Set(parseGroups(ctx.body).map((g) => g.id));
    const current = ctx.state.synchronizedGroups[connection.id] ?? [];
    ctx.state.synchronizedGroups[connection.id] = current.filter((g) => !gone.has(g.id));
    return { status: 204 };
}

const GROUPS = path("/api/v2/connections/:id/directory-provisioning/synchronized-groups");

function route(method: string, scope: string, handle: Route["handle"]): Route {
    return { method, pattern: GROUPS, scope, authenticated: true, handle };
}

/** /api/v2/connections/{id}/directory-provisioning/synchronized-groups. */
export const groupRoutes: Route[] = [
    route("GET", "read:directory_provisionings", list),
    route("PUT", "update:directory_provisionings", replace),
    route("POST", "update:directory_provisionings", add),
    route("DELETE", "update:directory_provisionings", remove),
];

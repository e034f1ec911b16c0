/**
 * Selected groups of directory provisioning (`synchronizeGroups: selected`): the declared list is
 * the desired set, compared by group id in any order. A configuration we just created gets it with
 * one PUT; an existing one gets only the difference (POST the added, DELETE the removed), in
 * batches the API accepts, and nothing when it matches. The listing walks every page. All of it
 * goes through the paced client. The connection must have `options.api_enable_groups: true`, an
 * option we do not own: without it we fail before writing anything, naming it.
 */
import type { Auth0Api } from "../../management-api/client";
import { isAuth0ApiError } from "../../management-api/errors";
import { SYNCHRONIZED_GROUPS_BATCH, type SynchronizedGroup } from "../../management-api/types";
import { requireOptions } from "./live";

/** A declared Google Workspace group: `id` is what counts; `name` and `email` are sent when it is added. */
export interface GroupRef {
    readonly id: string;
    readonly name?: string;
    readonly email?: string;
}

/** True when both lists select the same group ids, whatever their order; undefined (not managed) equals only undefined. */
export function sameGroupIds(a: readonly GroupRef[] | undefined, b: readonly GroupRef[] | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    const ids = new Set(a.map((g) => g.id));
    const other = new Set(b.map((g) => g.id));
    return ids.size === other.size && [...ids].every((id) => other.has(id));
}

/** What to send to bring the live selection to the declared one: groups to add (declared order) and ids to remove. */
export function groupDelta(live: readonly GroupRef[], desired: readonly GroupRef[]): { add: GroupRef[]; remove: string[] } {
    const liveIds = new Set(live.map((g) => g.id));
    const wanted = new Set(desired.map((g) => g.id));
    return {
        add: desired.filter((g) => !liveIds.has(g.id)),
        remove: live.filter((g) => !wanted.has(g.id)).map((g) => g.id),
    };
}

/** A group as the API accepts it: only `id`, `name` and `email`, and only those given. */
export function groupPayload(g: GroupRef): GroupRef {
    return { id: g.id, ...(g.name !== undefined ? { name: g.name } : {}), ...(g.email !== undefined ? { email: g.email } : {}) };
}

/** `items` in consecutive batches of at most `size` (none for an empty list). */
export function batches<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}

/**
 * The live selection as `groups` inputs after a refresh, so the preview reads live → desired by
 * group id: a declared group that is live keeps its declared entry (no noise from the server's
 * names), in declared order; groups selected elsewhere follow, as the API lists them.
 */
export function groupsAsDeclared(live: readonly GroupRef[], declared: readonly GroupRef[]): GroupRef[] {
    const liveIds = new Set(live.map((g) => g.id));
    const declaredIds = new Set(declared.map((g) => g.id));
    return [...declared.filter((g) => liveIds.has(g.id)), ...live.filter((g) => !declaredIds.has(g.id)).map(groupPayload)];
}

/**
 * Fails unless the connection has `options.api_enable_groups: true`, naming the option and the
 * connection. We do not own that option, so we never turn it on: that is the administrator's call.
 */
export async function requireGroupsEnabled(api: Auth0Api, connectionId: string): Promise<void> {
    const conn = await api.getConnection(connectionId);
    const value = requireOptions(conn).api_enable_groups;
    if (value === true) return;
    const now = value === undefined ? "it is unset" : `it is ${JSON.stringify(value)}`;
    throw new Error(
        `directoryProvisioning.groups on connection "${conn.name}" (${conn.id}) requires options.api_enable_groups: true, and ${now}. ` +
            "This project does not own that option: turn it on for the connection (in the dashboard, or a PATCH of its options), " +
            "or remove groups. Nothing was written.",
    );
}

/**
 * Every live selected group. The API answers 400 when `api_enable_groups` is off; that 400 is
 * turned into our message (one connection read, on this failure path only).
 */
export async function liveGroups(api: Auth0Api, connectionId: string): Promise<SynchronizedGroup[]> {
    try {
        return await api.listSynchronizedGroups(connectionId);
    } catch (err) {
        if (isAuth0ApiError(err) && err.status === 400) await requireGroupsEnabled(api, connectionId);
        throw err;
    }
}

/** A configuration we just created: the selection becomes the declared one, with one PUT (and a POST per further 100). */
export async function writeGroups(api: Auth0Api, connectionId: string, desired: readonly GroupRef[]): Promise<void> {
    const [first = [], ...rest] = batches(desired.map(groupPayload), SYNCHRONIZED_GROUPS_BATCH);
    await api.replaceSynchronizedGroups(connectionId, first);
    for (const batch of rest) await api.addSynchronizedGroups(connectionId, batch);
}

/**
 * An existing configuration: reads the selection and sends only the difference, nothing when it
 * matches. Adds go first, so a failure among the removals still leaves every declared group selected.
 */
export async function convergeGroups(api: Auth0Api, connectionId: string, desired: readonly GroupRef[]): Promise<void> {
    const { add, remove } = groupDelta(await liveGroups(api, connectionId), desired);
    for (const batch of batches(add.map(groupPayload), SYNCHRONIZED_GROUPS_BATCH)) await api.addSynchronizedGroups(connectionId, batch);
    for (const batch of batches(remove, SYNCHRONIZED_GROUPS_BATCH)) await api.removeSynchronizedGroups(connectionId, batch);
}

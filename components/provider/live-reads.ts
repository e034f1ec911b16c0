/**
 * The live state that diff() and read() compare with, read in batches. All resources of a stack
 * are served by one dynamic-provider process, and some callers ask for many at once: the engine's
 * Read() in a refresh (up to --parallel at a time), Diff() with PULUMI_PARALLEL_DIFF=true, and a
 * library caller's Promise.all. A request waits a few ms for others of its kind, and the batch is
 * then answered by one tenant-wide listing when that costs fewer requests than one GET per object,
 * else by those GETs. The engine's default Diff() asks one resource at a time: once such requests
 * come back to back (a stream) and the stream has read twice as many objects of a kind one by one
 * as a listing has pages, the next one is answered by a listing. A listing
 * serves later requests of its kind for `REUSE_MS` after it was asked for (the same age as the
 * read→diff hand-off), never an object we have written since, and never beyond that age: not even
 * the batch that asked for it, when paging took that long.
 *
 * Writes do not come here: they read the one connection right before they write.
 */
import type { Auth0Api } from "../../management-api/client";
import type { Connection, DirectoryProvisioningConfig, ScimConfig, ScimTokenInfo } from "../../management-api/types";
import { byId, isConnection, isDirectoryConfig, isScimConfig } from "./listed-items";
import { type Batch, type Batches, type KeptListings, type LiveKind, type LiveValues, liveNow, state } from "./live-read-state";
import { listingIsCheaper, listsTooSlowly, markSlowListing, streamSeen, streamShouldList } from "./listing-choice";

export {
    forgetListed,
    type LiveKind,
    type LiveReadStats,
    type LiveValues,
    liveNow,
    liveReadStats,
    resetLiveReads,
    setLiveReadClock,
} from "./live-read-state";
export { listingPages, MIN_BATCH_FOR_LISTING, STREAM_GAP_MS } from "./listing-choice";

/**
 * A request waits until no other of its kind has arrived for this long. Requests asked together
 * arrive within a millisecond or two of each other (a refresh's Read() calls come in bursts); a
 * caller that asks one at a time (the engine's default Diff()) pays this once per request, so it
 * stays small.
 */
export const QUIET_MS = 2;

/** ...and never longer than this after the first of the batch, so a steady stream still gets answers. */
export const MAX_WAIT_MS = 20;

/** How long a listing answers later requests of its kind: no older than the read→diff hand-off. */
export const REUSE_MS = 5000;

/** How one kind is read: one object, and (where the API has one) the tenant-wide listing. */
interface KindSpec<T> {
    single(api: Auth0Api, id: string): Promise<T>;
    /**
     * Every object of the kind, by connection id. Only what it holds is taken from it: an object
     * it lacks is read on its own, so "absent" is always the single GET's answer (a listing that
     * pages while the tenant changes may miss an object; a 404 keeps its exact message).
     */
    list?(api: Auth0Api): Promise<ReadonlyMap<string, Exclude<T, undefined>>>;
}

const SPECS: { [K in LiveKind]: KindSpec<LiveValues[K]> } = {
    connection: {
        single: (api, id) => api.getConnection(id),
        list: async (api) => byId(await api.listConnections(), isConnection, (c) => c.id),
    },
    scimConfig: {
        single: (api, id) => api.getScimConfig(id),
        list: async (api) => byId(await api.listScimConfigs(), isScimConfig, (c) => c.connection_id),
    },
    directory: {
        single: (api, id) => api.getDirectoryProvisioning(id),
        list: async (api) => byId(await api.listDirectoryProvisionings(), isDirectoryConfig, (c) => c.connection_id),
    },
    // There is no tenant-wide token listing: the batch still reads each connection's tokens once.
    scimTokens: {
        single: (api, id) => api.listScimTokens(id),
    },
};

async function answer<K extends LiveKind>(kind: K, batch: Batch<LiveValues[K]>): Promise<void> {
    const spec: KindSpec<LiveValues[K]> = SPECS[kind];
    const ids = [...batch.waiters.keys()];
    const s = state();
    let listed: ReadonlyMap<string, Exclude<LiveValues[K], undefined>> | undefined;
    const seen = streamSeen(kind, batch.api, batch.openedAt, ids.length);
    if (
        spec.list !== undefined &&
        !listsTooSlowly(kind, batch.api) &&
        ((await listingIsCheaper(batch.api, ids.length)) || (await streamShouldList(batch.api, seen)))
    ) {
        const asked = liveNow();
        // A failed listing is not the resources' failure: their own GETs answer them instead.
        listed = await spec.list(batch.api).catch(() => undefined);
        // Its age counts from before it was asked for (no page of it is older than that), also for
        // the batch that asked: one that took REUSE_MS to page answers no one, and is not asked again soon.
        if (listed !== undefined && liveNow() - asked >= REUSE_MS) {
            listed = undefined;
            markSlowListing(kind, batch.api);
        }
        if (listed !== undefined) s.kept[kind].set(batch.api, { at: asked, values: new Map(listed) });
    }
    s.stats[listed === undefined ? "single" : "listed"][kind] += 1;
    await Promise.all(
        ids.map(async (id) => {
            const waiters = batch.waiters.get(id) ?? [];
            try {
                const hit = listed?.get(id);
                const value: LiveValues[K] = hit !== undefined ? hit : await spec.single(batch.api, id);
                for (const w of waiters) w.resolve(value);
            } catch (err) {
                for (const w of waiters) w.reject(err);
            }
        }),
    );
    const stream = s.streams.get(batch.api);
    if (stream !== undefined) {
        stream.answeredAt = liveNow();
        stream.single[kind] = listed === undefined ? seen : 0;
    }
}

function close<K extends LiveKind>(kind: K, batch: Batch<LiveValues[K]>): void {
    const open: Batches[K] = state().open[kind];
    if (open.get(batch.api) === batch) open.delete(batch.api);
    // answer() settles every waiter itself; this only keeps a bug there from leaving one hanging.
    answer(kind, batch).catch((err: unknown) => {
        for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(err);
    });
}

/** What a fresh kept listing of `kind` holds about `id`, if it holds it. */
function fromKept<K extends LiveKind>(kind: K, api: Auth0Api, id: string): Exclude<LiveValues[K], undefined> | undefined {
    const kept: KeptListings[K] = state().kept[kind];
    const listing = kept.get(api);
    if (listing === undefined) return undefined;
    if (liveNow() - listing.at >= REUSE_MS) {
        kept.delete(api);
        return undefined;
    }
    const written = state().written.get(id);
    return written !== undefined && written >= listing.at ? undefined : listing.values.get(id);
}

/** Joins (or opens) the batch of `kind` for `api`, and waits for its answer about `id`. */
function ask<K extends LiveKind>(kind: K, api: Auth0Api, id: string): Promise<LiveValues[K]> {
    const hit = fromKept(kind, api, id);
    if (hit !== undefined) {
        state().stats.reused[kind] += 1;
        // An answer from the listing keeps the stream going: the next request comes right after it.
        const stream = state().streams.get(api);
        if (stream !== undefined) stream.answeredAt = liveNow();
        // A copy: the listing answers again, so no caller may change what it holds.
        return Promise.resolve(structuredClone(hit));
    }
    const open: Batches[K] = state().open[kind];
    let batch = open.get(api);
    if (batch === undefined) {
        batch = { api, openedAt: liveNow(), waiters: new Map() };
        open.set(api, batch);
    }
    const current = batch;
    const promise = new Promise<LiveValues[K]>((resolve, reject) => {
        const waiters = current.waiters.get(id) ?? [];
        waiters.push({ resolve, reject });
        current.waiters.set(id, waiters);
    });
    clearTimeout(current.timer);
    const left = Math.max(0, current.openedAt + MAX_WAIT_MS - liveNow());
    current.timer = setTimeout(() => close(kind, current), Math.min(QUIET_MS, left));
    return promise;
}

/** The connection as it is now (404 when it does not exist), read with the others asked at the same time. */
export function liveConnection(api: Auth0Api, connectionId: string): Promise<Connection> {
    return ask("connection", api, connectionId);
}

/** The SCIM configuration as it is now, or undefined when there is none. */
export function liveScimConfig(api: Auth0Api, connectionId: string): Promise<ScimConfig | undefined> {
    return ask("scimConfig", api, connectionId);
}

/** The directory provisioning as it is now, or undefined when there is none. */
export function liveDirectoryProvisioning(api: Auth0Api, connectionId: string): Promise<DirectoryProvisioningConfig | undefined> {
    return ask("directory", api, connectionId);
}

/** The connection's SCIM tokens as they are now: one GET per connection per batch, however many tokens ask. */
export function liveScimTokens(api: Auth0Api, connectionId: string): Promise<ScimTokenInfo[]> {
    return ask("scimTokens", api, connectionId);
}

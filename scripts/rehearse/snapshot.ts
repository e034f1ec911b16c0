/**
 * Takes a secret-free snapshot of a tenant for a rehearsal, through a read-only view of the
 * product's client: every connection of the tenant as listed (paged), and in full (options
 * redacted, see redact.ts) the ones the stack declares, by name or id, with their SCIM
 * configuration, token metadata (never a value), directory provisioning and selected groups. It
 * also measures the round trip of single read requests, for the estimate of the real run. The
 * format is a plain JSON document (README, "Rehearse"); the emulator has its own reader of it.
 */
import { performance } from "node:perf_hooks";
import type { Auth0Api } from "../../management-api/client";
import { isAuth0ApiError } from "../../management-api/errors";
import { DIRECTORY_STRATEGIES, PASSWORDLESS_STRATEGIES, SCIM_STRATEGIES, type Connection } from "../../management-api/types";
import { z } from "zod";
import { type Json, redact } from "./redact";

/** The `format` of a snapshot document (the emulator checks it). */
export const SNAPSHOT_FORMAT = "auth0-tenant-snapshot";

/** The only reads a snapshot makes: a view without any write method, so none can be reached. */
export type ReadOnlyApi = Pick<
    Auth0Api,
    | "host"
    | "listConnections"
    | "countConnections"
    | "getScimConfig"
    | "listScimTokens"
    | "getDirectoryProvisioning"
    | "listSynchronizedGroups"
>;

/** Copies only the read methods of `api`: the write methods are not in the object at all. */
export function readOnly(api: Auth0Api): ReadOnlyApi {
    return {
        host: api.host,
        listConnections: (q) => api.listConnections(q),
        countConnections: () => api.countConnections(),
        getScimConfig: (id) => api.getScimConfig(id),
        listScimTokens: (id) => api.listScimTokens(id),
        getDirectoryProvisioning: (id) => api.getDirectoryProvisioning(id),
        listSynchronizedGroups: (id) => api.listSynchronizedGroups(id),
    };
}

/** A snapshot document. */
export interface Snapshot {
    readonly format: typeof SNAPSHOT_FORMAT;
    readonly version: 1;
    /** The tenant's host (not a credential). */
    readonly tenant: string;
    readonly stack: string;
    readonly taken_at: string;
    /**
     * Round trip of a single read request on the real tenant (ms): the fastest of the timed reads,
     * since the others may include the client's own wait for the rate limit. And how many were timed.
     */
    readonly read_round_trip_ms: number;
    readonly timed_reads: number;
    readonly directory_provisioning_enabled?: boolean;
    /** Every connection: declared ones in full, the others `{id, name, strategy, listed_only: true}`. */
    readonly connections: Json[];
    readonly scim_configurations: Record<string, Json>;
    readonly scim_tokens: Record<string, Json[]>;
    readonly directory_provisionings: Record<string, Json>;
    readonly synchronized_groups: Record<string, Json[]>;
    /** Paths of the values replaced by placeholders (which values, never what they were). */
    readonly placeholders: string[];
    /**
     * The stack's state when the snapshot was taken, every secret replaced (state.ts,
     * secretFreeState): `--from` rehearses on it with no access to the stack's backend.
     */
    state?: Json;
    /** How many values of `state` were replaced. */
    state_placeholders?: number;
}

/** The declared keys (names or ids) that name a connection of `listed`, with it. */
export function declaredConnections(keys: readonly string[], listed: readonly Connection[]): Connection[] {
    const found = new Map<string, Connection>();
    for (const key of keys) {
        const c = listed.find((x) => x.id === key) ?? listed.find((x) => x.name === key);
        if (c !== undefined) found.set(c.id, c);
    }
    return [...found.values()];
}

function isFeatureOff(err: unknown): boolean {
    return isAuth0ApiError(err) && err.status === 403 && err.errorCode === "feature_not_enabled";
}

/** A token's metadata: exactly these fields, so a value can never ride along. */
function tokenMetadata(t: {
    token_id: string;
    scopes: readonly string[];
    created_at?: string;
    valid_until?: string;
    last_used_at?: string;
}): Json {
    const out: { [key: string]: Json } = { token_id: t.token_id, scopes: [...t.scopes] };
    for (const key of ["created_at", "valid_until", "last_used_at"] as const) {
        const v = t[key];
        if (v !== undefined) out[key] = v;
    }
    return out;
}

/**
 * Reads the snapshot. `keys` are the stack's declared connection keys. Any read that fails (a
 * missing scope, say) fails the snapshot: a twin missing what the tenant has would rehearse
 * something else.
 */
export async function takeSnapshot(api: ReadOnlyApi, stack: string, keys: readonly string[]): Promise<Snapshot> {
    const samples: number[] = [];
    const timed = async <T>(read: () => Promise<T>): Promise<T> => {
        const start = performance.now();
        const value = await read();
        samples.push(performance.now() - start);
        return value;
    };
    // The first request signs in and opens the connection: not a round trip of the tenant's, so untimed.
    const total = await api.countConnections();
    const listed = await api.listConnections();
    const declared = declaredConnections(keys, listed);
    // The API hides options without read:connections_options: a twin without them would rehearse another tenant.
    const hidden = declared.filter((c) => c.options === undefined && !PASSWORDLESS_STRATEGIES.some((x) => x === c.strategy));
    if (hidden.length > 0) {
        throw new Error(
            `the tenant answered without the options of ${hidden.map((c) => c.name).join(", ")}: the credentials lack ` +
                "the read:connections_options scope, which the snapshot needs",
        );
    }
    const placeholders: string[] = [];
    const clean = (value: unknown, at: string): Json => {
        const r = redact(value, at);
        placeholders.push(...r.replaced);
        return r.value;
    };
    const snap: Pick<Snapshot, "scim_configurations" | "scim_tokens" | "directory_provisionings" | "synchronized_groups"> = {
        scim_configurations: {},
        scim_tokens: {},
        directory_provisionings: {},
        synchronized_groups: {},
    };
    let directoryEnabled: boolean | undefined;
    for (const c of declared) {
        if (SCIM_STRATEGIES.some((x) => x === c.strategy)) {
            const scim = await timed(() => api.getScimConfig(c.id));
            if (scim !== undefined) {
                snap.scim_configurations[c.id] = clean(scim, `scim_configurations[${c.name}]`);
                snap.scim_tokens[c.id] = (await timed(() => api.listScimTokens(c.id))).map(tokenMetadata);
            }
        }
        if (DIRECTORY_STRATEGIES.some((x) => x === c.strategy)) {
            try {
                const dir = await timed(() => api.getDirectoryProvisioning(c.id));
                directoryEnabled = true;
                if (dir !== undefined) {
                    snap.directory_provisionings[c.id] = clean(dir, `directory_provisionings[${c.name}]`);
                    if (dir.synchronize_groups === "selected") {
                        const groups = await timed(() => api.listSynchronizedGroups(c.id));
                        snap.synchronized_groups[c.id] = groups.map((g, i) => clean(g, `synchronized_groups[${c.name}][${i}]`));
                    }
                }
            } catch (err) {
                // The tenant has the feature off: the twin must refuse the same way.
                if (!isFeatureOff(err)) throw err;
                directoryEnabled = false;
            }
        }
    }
    // Too few reads to measure (a stack of profile sync only): time a few one-request counts.
    while (samples.length < 3) await timed(() => api.countConnections());
    const full = new Set(declared.map((c) => c.id));
    const connections = listed.map((c) =>
        full.has(c.id) ? clean(c, `connections[${c.name}]`) : { id: c.id, name: c.name, strategy: c.strategy, listed_only: true },
    );
    if (connections.length !== total) {
        throw new Error(`the tenant counted ${total} connections but listed ${connections.length}: it changed while read, run again`);
    }
    return {
        format: SNAPSHOT_FORMAT,
        version: 1,
        tenant: api.host,
        stack,
        taken_at: new Date().toISOString(),
        read_round_trip_ms: Math.round(Math.min(...samples) * 10) / 10,
        timed_reads: samples.length,
        ...(directoryEnabled !== undefined ? { directory_provisioning_enabled: directoryEnabled } : {}),
        connections,
        ...snap,
        placeholders,
    };
}

const jsonValue: z.ZodType<Json> = z.lazy(() =>
    z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

/** What the product side reads of a snapshot document; the emulator checks the rest. */
const snapshotSchema = z.object({
    format: z.literal(SNAPSHOT_FORMAT),
    version: z.literal(1),
    tenant: z.string().min(1),
    stack: z.string(),
    taken_at: z.string(),
    read_round_trip_ms: z.number().min(0),
    timed_reads: z.number().int().min(0),
    directory_provisioning_enabled: z.boolean().optional(),
    connections: z.array(jsonValue),
    scim_configurations: z.record(z.string(), jsonValue),
    scim_tokens: z.record(z.string(), z.array(jsonValue)),
    directory_provisionings: z.record(z.string(), jsonValue),
    synchronized_groups: z.record(z.string(), z.array(jsonValue)),
    placeholders: z.array(z.string()),
    state: jsonValue.optional(),
    state_placeholders: z.number().optional(),
});

/** Reads a snapshot file written by `--snapshot`; names the first problem when it is not one. */
export function parseSnapshot(text: string, file: string): Snapshot {
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
            `${file} is not a tenant snapshot written by npm run rehearse -- --snapshot FILE (${issue.path.join(".") || "document"}: ${issue.message})`,
        );
    }
    return parsed.data;
}

/**
 * The emulator's own reader of a tenant snapshot (`npm run rehearse -- --snapshot FILE` writes
 * one; the format is a plain JSON document, described in the README's "Rehearse" section). It
 * shares no code with the writer: a snapshot is read here the way a seed is, then served as a
 * real tenant, so ids, strategies and option shapes the emulator has never seen are accepted
 * (seed-check's `realTenant`), while the strategies it knows keep their faithful behaviour.
 */
import { readFileSync } from "node:fs";
import { jsonType } from "./errors";
import type { AccessToken, Connection, DirectoryGroup, EmulatorClient, ScimToken, Seed } from "./types";

/** The `format` every snapshot document names. */
export const SNAPSHOT_FORMAT = "auth0-tenant-snapshot";

/** Who may call the twin: a snapshot holds no credential, so the caller brings its own. */
export interface SnapshotAccess {
    readonly clients?: readonly EmulatorClient[];
    readonly tokens?: readonly AccessToken[];
}

type Entry = Record<string, unknown>;

function fail(problem: string): never {
    throw new Error(`snapshot error: ${problem}`);
}

function object(value: unknown, where: string): Entry {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${where}: expected an object, found ${jsonType(value)}`);
    return value as Entry;
}

function section(doc: Entry, key: string): Entry {
    return doc[key] === undefined ? {} : object(doc[key], key);
}

/** The tenant's name: the first label of its host (`acme.eu.auth0.com` → `acme`), as the API names it. */
function tenantName(host: string): string {
    return host.split(".")[0].split(":")[0] || host;
}

/** A snapshot's token: a value is never in it, so the twin's token gets a placeholder no one can use elsewhere. */
function tokenOf(raw: unknown, where: string): ScimToken {
    const entry = object(raw, where);
    const { token: _never, ...rest } = entry;
    return { ...(rest as Omit<ScimToken, "token">), token: `snapshot-placeholder-${String(entry.token_id)}` };
}

/** A listed-only connection (one the stack does not declare) is served as listed: id, name, strategy. */
function connectionOf(raw: unknown, where: string): Connection {
    const { listed_only: _flag, ...connection } = object(raw, where);
    return connection as Connection;
}

/**
 * Turns a snapshot document (already parsed JSON) into a seed for a real tenant; throws
 * `snapshot error: ...` when it is not a snapshot at all. The seed is then checked with
 * `realTenant` by the state builder.
 */
export function seedFromSnapshot(raw: unknown, access: SnapshotAccess = {}): Seed {
    const doc = object(raw, "snapshot");
    if (doc.format !== SNAPSHOT_FORMAT) fail(`"format" must be "${SNAPSHOT_FORMAT}" (found ${JSON.stringify(doc.format)})`);
    if (doc.version !== 1) fail(`"version" ${JSON.stringify(doc.version)} is not one this emulator reads (1)`);
    if (typeof doc.tenant !== "string" || doc.tenant === "") fail(`"tenant" must be the tenant's host`);
    if (!Array.isArray(doc.connections)) fail(`"connections" must be an array, found ${jsonType(doc.connections)}`);
    const tokens: Record<string, ScimToken[]> = {};
    for (const [id, list] of Object.entries(section(doc, "scim_tokens"))) {
        if (!Array.isArray(list)) fail(`scim_tokens["${id}"]: expected an array, found ${jsonType(list)}`);
        tokens[id] = list.map((t, i) => tokenOf(t, `scim_tokens["${id}"][${i}]`));
    }
    const seed: Seed = {
        tenant: tenantName(doc.tenant),
        clients: [...(access.clients ?? [])],
        tokens: [...(access.tokens ?? [])],
        connections: doc.connections.map((c, i) => connectionOf(c, `connections[${i}]`)),
        scim_configurations: section(doc, "scim_configurations") as Seed["scim_configurations"],
        scim_tokens: tokens,
        directory_provisionings: section(doc, "directory_provisionings") as Seed["directory_provisionings"],
        synchronized_groups: section(doc, "synchronized_groups") as Record<string, DirectoryGroup[]>,
    };
    if (typeof doc.directory_provisioning_enabled === "boolean") seed.directory_provisioning_enabled = doc.directory_provisioning_enabled;
    return seed;
}

/** Reads a snapshot from an object or a JSON file path. */
export function readSnapshot(snapshot: unknown, access: SnapshotAccess = {}): Seed {
    if (typeof snapshot !== "string") return seedFromSnapshot(snapshot, access);
    try {
        return seedFromSnapshot(JSON.parse(readFileSync(snapshot, "utf8")), access);
    } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)} (in ${snapshot})`);
    }
}

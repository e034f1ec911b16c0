/** Small pieces every provider needs: configure(), scope and strategy guards, cached defaults. */
import type * as pulumi from "@pulumi/pulumi";
import type { Auth0Api } from "./client";
import { processState } from "./runtime";
import { UNKNOWN } from "./schemas";
import { settingsFromConfig, storeSettings } from "./settings";
import { isLoopbackHost } from "./transport";
import type { Connection, ConnectionOptions, DirectoryMappingItem, ScimMappingItem } from "./types";

/** `configure()` for every provider: keep the stack's Auth0 settings in process memory only. */
export async function configureProvider(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    storeSettings(settingsFromConfig((key) => req.config.get(key)));
}

/** The connection's options, or an error naming the scope the token lacks. Nothing is written before this passes. */
export function requireOptions(conn: Connection): ConnectionOptions {
    if (conn.options === undefined || conn.options === null || typeof conn.options !== "object") {
        throw new Error(
            `cannot read the options of connection "${conn.name}" (${conn.id}): the Management API token lacks ` +
                `the read:connections_options scope. Grant it (and update:connections_options) to the application; nothing was written.`,
        );
    }
    return conn.options;
}

/** Fails unless the connection's strategy supports the feature, naming the strategies that do. */
export function requireStrategy(conn: Connection, supported: readonly string[], feature: string): void {
    if (!supported.includes(conn.strategy)) {
        throw new Error(
            `${feature} is not available for connection "${conn.name}" (${conn.id}, strategy ${conn.strategy}): ` +
                `supported strategies are ${supported.join(", ")}. Nothing was written.`,
        );
    }
}

/**
 * Turns the API's refusal for the connection's strategy into our message (which names the
 * connection and the strategies that work). Reads the connection only on this failure path.
 */
export async function refuseUnsupported(
    api: Auth0Api,
    connectionId: string,
    supported: readonly string[],
    feature: string,
    cause: unknown,
): Promise<never> {
    requireStrategy(await api.getConnection(connectionId), supported, feature);
    throw cause;
}

/** The base URL people outside see for the tenant: https, or http for the local emulator. */
export function publicBaseUrl(host: string): string {
    const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
    return `${isLoopbackHost(hostname) ? "http" : "https"}://${host}`;
}

/** The SCIM endpoint an IdP administrator enters for this connection. */
export function scimEndpointUrl(host: string, connectionId: string): string {
    return `${publicBaseUrl(host)}/scim/v2/connections/${connectionId}`;
}

/**
 * Caches the pending request, not its value, so the many diffs of one run that ask at once share
 * one GET. A failed request is forgotten so the next caller tries again.
 */
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cache = processState().cache;
    const hit = cache.get(key) as Promise<T> | undefined;
    if (hit !== undefined) {
        return hit;
    }
    const pending = load();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
    return pending;
}

/** The API's default SCIM mapping, fetched once per process, tenant and strategy. */
export function defaultScimMapping(api: Auth0Api, connectionId: string, strategy: string): Promise<ScimMappingItem[]> {
    return cached(`scim-default|${api.host}|${strategy}`, () => api.getScimDefaultMapping(connectionId));
}

/** The API's default directory-provisioning mapping, fetched once per process, tenant and strategy. */
export function defaultDirectoryMapping(api: Auth0Api, connectionId: string, strategy: string): Promise<DirectoryMappingItem[]> {
    return cached(`directory-default|${api.host}|${strategy}`, () => api.getDirectoryDefaultMapping(connectionId));
}

/** How long what read() fetched may stand in for the diff's own read. */
const HANDOFF_MS = 5_000;

/** The hand-off slot of one resource kind on one connection of one tenant. */
export function handOffKey(kind: string, api: Auth0Api, connectionId: string): string {
    return `handoff|${kind}|${api.host}|${connectionId}`;
}

/**
 * In a refresh the engine calls read() and at once diff() on the same resource; read leaves what
 * it fetched here so the diff need not ask again (refresh's requests halve).
 */
export function handOff(key: string, value: unknown): void {
    processState().cache.set(key, { at: Date.now(), value });
}

/**
 * What read() just fetched, taken at most once and only while fresh, so an ordinary diff always
 * reads live. Writes never use it: they read right before they write.
 */
export function takeHandOff<T>(key: string): T | undefined {
    const cache = processState().cache;
    const slot = cache.get(key) as { at: number; value: T } | undefined;
    cache.delete(key);
    return slot !== undefined && Date.now() - slot.at <= HANDOFF_MS ? slot.value : undefined;
}

/** True when a preview-time unknown stands where a value should be. */
export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN;
}

/**
 * Reading the live tenant for the providers: guards that fail before any write (missing options
 * scope, wrong strategy), the API's default mappings (one request per tenant and strategy), and
 * the SCIM endpoint the identity provider's administrator enters.
 */
import type { Auth0Api } from "../../management-api/client";
import type { Connection, ConnectionOptions, DirectoryMappingItem, ScimMappingItem } from "../../management-api/types";
import { cachedRequest, providerState } from "./process";

/** The connection's options, or an error naming the scope the token lacks. Nothing is written before this passes. */
export function requireOptions(conn: Connection): ConnectionOptions {
    if (conn.options === undefined || conn.options === null || typeof conn.options !== "object") {
        throw new Error(
            `cannot read the options of connection "${conn.name}" (${conn.id}): the answer has none, which means the ` +
                `Management API token lacks the read:connections_options scope. Grant it (and update:connections_options) ` +
                `to the application; nothing was written.`,
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

/** The SCIM endpoint an IdP administrator enters for this connection. */
export function scimEndpointUrl(api: Auth0Api, connectionId: string): string {
    return `${api.baseUrl}/scim/v2/connections/${connectionId}`;
}

/** The API's default SCIM mapping, fetched once per process, tenant and strategy. */
export function defaultScimMapping(api: Auth0Api, connectionId: string, strategy: string): Promise<ScimMappingItem[]> {
    return cachedRequest(providerState().scimDefaults, `${api.host}|${strategy}`, () => api.getScimDefaultMapping(connectionId));
}

/** The API's default directory-provisioning mapping, fetched once per process, tenant and strategy. */
export function defaultDirectoryMapping(api: Auth0Api, connectionId: string, strategy: string): Promise<DirectoryMappingItem[]> {
    return cachedRequest(providerState().directoryDefaults, `${api.host}|${strategy}`, () => api.getDirectoryDefaultMapping(connectionId));
}

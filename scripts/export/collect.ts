/**
 * Reads what a tenant has: every connection with one paged list call, then the SCIM configuration
 * (and token ids) and directory provisioning of the connections whose strategy supports them.
 * Whatever cannot be read is recorded per connection, never skipped silently.
 */
import type { Auth0Api } from "../../management-api/client";
import { isAuth0ApiError } from "../../management-api/errors";
import {
    DIRECTORY_STRATEGIES,
    SCIM_STRATEGIES,
    type Connection,
    type DirectoryMappingItem,
    type DirectoryProvisioningConfig,
    type ScimConfig,
    type ScimMappingItem,
    type ScimTokenInfo,
} from "../../management-api/types";

/** Everything read about one connection, plus what could not be read and why. */
export interface CollectedConnection {
    readonly connection: Connection;
    readonly scim?: ScimConfig;
    readonly scimTokens?: ScimTokenInfo[];
    readonly directory?: DirectoryProvisioningConfig;
    readonly problems: string[];
}

/** The tenant as read, with the API's default mappings per strategy. */
export interface CollectedTenant {
    readonly connections: CollectedConnection[];
    readonly scimDefaults: Map<string, ScimMappingItem[]>;
    readonly directoryDefaults: Map<string, DirectoryMappingItem[]>;
}

function why(err: unknown): string {
    return isAuth0ApiError(err) ? `${err.status}: ${err.apiMessage}` : err instanceof Error ? err.message : String(err);
}

async function attempt<T>(problems: string[], what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
        return await run();
    } catch (err) {
        problems.push(`could not read ${what} (${why(err)})`);
        return undefined;
    }
}

/** Reads the tenant; `keep` filters connections before any per-connection request is made. */
export async function collectTenant(api: Auth0Api, keep: (c: Connection) => boolean): Promise<CollectedTenant> {
    const all = (await api.listConnections()).filter(keep);
    const scimDefaults = new Map<string, ScimMappingItem[]>();
    const directoryDefaults = new Map<string, DirectoryMappingItem[]>();
    const connections = await Promise.all(
        all.map(async (connection): Promise<CollectedConnection> => {
            const problems: string[] = [];
            if (connection.options === undefined) {
                problems.push("options are hidden: the token lacks read:connections_options, so profileSync was not exported");
            }
            let scim: ScimConfig | undefined;
            let scimTokens: ScimTokenInfo[] | undefined;
            let directory: DirectoryProvisioningConfig | undefined;
            if ((SCIM_STRATEGIES as readonly string[]).includes(connection.strategy)) {
                scim = await attempt(problems, "the SCIM configuration", () => api.getScimConfig(connection.id));
                if (scim !== undefined) {
                    scimTokens = await attempt(problems, "the SCIM token ids", () => api.listScimTokens(connection.id));
                    if (!scimDefaults.has(connection.strategy)) {
                        const d = await attempt(problems, "the default SCIM mapping", () => api.getScimDefaultMapping(connection.id));
                        if (d) scimDefaults.set(connection.strategy, d);
                    }
                }
            }
            if ((DIRECTORY_STRATEGIES as readonly string[]).includes(connection.strategy)) {
                directory = await attempt(problems, "directory provisioning", () => api.getDirectoryProvisioning(connection.id));
                if (directory !== undefined && !directoryDefaults.has(connection.strategy)) {
                    const d = await attempt(problems, "the default directory mapping", () => api.getDirectoryDefaultMapping(connection.id));
                    if (d) directoryDefaults.set(connection.strategy, d);
                }
            }
            return { connection, scim, scimTokens, directory, problems };
        }),
    );
    return { connections, scimDefaults, directoryDefaults };
}

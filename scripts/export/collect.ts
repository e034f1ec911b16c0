/**
 * Reads what a tenant has: every connection with one paged list call, then the SCIM configuration
 * (and token ids) and directory provisioning of the connections whose strategy supports them.
 * Whatever cannot be read is recorded per connection and per setting, never skipped silently: the
 * merge must tell "the tenant has none" from "we could not see".
 */
import type { Auth0Api } from "../../management-api/client";
import { isAuth0ApiError } from "../../management-api/errors";
import {
    DIRECTORY_STRATEGIES,
    PASSWORDLESS_STRATEGIES,
    SCIM_STRATEGIES,
    type Connection,
    type DirectoryMappingItem,
    type DirectoryProvisioningConfig,
    type ScimConfig,
    type ScimMappingItem,
    type ScimTokenInfo,
    type SynchronizedGroup,
} from "../../management-api/types";

/** The settings of a connection the export writes, as keys of its config entry. */
export const SETTING_KEYS = ["profileSync", "scim", "directoryProvisioning"] as const;

/** One of `SETTING_KEYS`. */
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Everything read about one connection, plus what could not be read and why. */
export interface CollectedConnection {
    readonly connection: Connection;
    readonly scim?: ScimConfig;
    readonly scimTokens?: ScimTokenInfo[];
    readonly directory?: DirectoryProvisioningConfig;
    /** The selected groups, read when the configuration synchronizes `selected` groups. */
    readonly groups?: SynchronizedGroup[];
    /** Per setting that applies to this strategy but could not be read: why. */
    readonly unreadable: Partial<Record<SettingKey, string>>;
    readonly problems: string[];
}

/** The tenant as read, with the API's default mappings per strategy. */
export interface CollectedTenant {
    /** Every connection of the tenant, before filtering (to tell "not in the tenant" from "not chosen"). */
    readonly listed: readonly Connection[];
    /** The connections that passed the filter, with their settings. */
    readonly connections: CollectedConnection[];
    readonly scimDefaults: Map<string, ScimMappingItem[]>;
    readonly directoryDefaults: Map<string, DirectoryMappingItem[]>;
}

/** Told how far the reading got, for progress reports. */
export interface CollectObserver {
    /** The list call returned: this many connections will be read. */
    listed(total: number): void;
    /** One more connection has been read completely. */
    read(): void;
}

function why(err: unknown): string {
    return isAuth0ApiError(err) ? `${err.status}: ${err.apiMessage}` : err instanceof Error ? err.message : String(err);
}

async function attempt<T>(problems: string[], what: string, run: () => Promise<T>): Promise<{ value?: T; failed?: string }> {
    try {
        return { value: await run() };
    } catch (err) {
        const failed = `could not read ${what} (${why(err)})`;
        problems.push(failed);
        return { failed };
    }
}

/** True when the strategy is one of `list`. */
function among(list: readonly string[], strategy: string): boolean {
    return list.includes(strategy);
}

/**
 * Runs `read` once per key: connections are read concurrently, and without this every connection
 * of a strategy would ask for the same default mapping before the first answer arrived.
 */
function once(asked: Map<string, Promise<void>>, key: string, read: () => Promise<void>): Promise<void> {
    let p = asked.get(key);
    if (p === undefined) {
        p = read();
        asked.set(key, p);
    }
    return p;
}

/** Reads the tenant; `keep` filters connections before any per-connection request is made. */
export async function collectTenant(api: Auth0Api, keep: (c: Connection) => boolean, observer?: CollectObserver): Promise<CollectedTenant> {
    const listed = await api.listConnections();
    const all = listed.filter(keep);
    observer?.listed(all.length);
    const scimDefaults = new Map<string, ScimMappingItem[]>();
    const directoryDefaults = new Map<string, DirectoryMappingItem[]>();
    const asked = new Map<string, Promise<void>>();
    const connections = await Promise.all(
        all.map(async (connection): Promise<CollectedConnection> => {
            const problems: string[] = [];
            const unreadable: Partial<Record<SettingKey, string>> = {};
            if (connection.options === undefined && !among(PASSWORDLESS_STRATEGIES, connection.strategy)) {
                unreadable.profileSync = "options are hidden: the token lacks read:connections_options, so profileSync was not exported";
                problems.push(unreadable.profileSync);
            }
            let scim: ScimConfig | undefined;
            let scimTokens: ScimTokenInfo[] | undefined;
            let directory: DirectoryProvisioningConfig | undefined;
            let groups: SynchronizedGroup[] | undefined;
            if (among(SCIM_STRATEGIES, connection.strategy)) {
                const read = await attempt(problems, "the SCIM configuration", () => api.getScimConfig(connection.id));
                scim = read.value;
                if (read.failed) unreadable.scim = read.failed;
                if (scim !== undefined) {
                    scimTokens = (await attempt(problems, "the SCIM token ids", () => api.listScimTokens(connection.id))).value;
                    await once(asked, `scim:${connection.strategy}`, async () => {
                        const d = await attempt(problems, "the default SCIM mapping", () => api.getScimDefaultMapping(connection.id));
                        if (d.value) scimDefaults.set(connection.strategy, d.value);
                    });
                }
            }
            if (among(DIRECTORY_STRATEGIES, connection.strategy)) {
                const read = await attempt(problems, "directory provisioning", () => api.getDirectoryProvisioning(connection.id));
                directory = read.value;
                if (read.failed) unreadable.directoryProvisioning = read.failed;
                if (directory?.synchronize_groups === "selected") {
                    // Unread, the selection is left out of the export: the config then leaves it unmanaged, never empty.
                    groups = (await attempt(problems, "the selected groups", () => api.listSynchronizedGroups(connection.id))).value;
                }
                if (directory !== undefined) {
                    await once(asked, `directory:${connection.strategy}`, async () => {
                        const d = await attempt(problems, "the default directory mapping", () =>
                            api.getDirectoryDefaultMapping(connection.id),
                        );
                        if (d.value) directoryDefaults.set(connection.strategy, d.value);
                    });
                }
            }
            observer?.read();
            return { connection, scim, scimTokens, directory, groups, unreadable, problems };
        }),
    );
    return { listed, connections, scimDefaults, directoryDefaults };
}

/** What the Management API client offers: each method is one request (or one paged listing). */
import type {
    Connection,
    ConnectionOptions,
    DirectoryMappingItem,
    DirectoryProvisioningConfig,
    DirectoryProvisioningPatch,
    ScimConfig,
    ScimMappingItem,
    ScimTokenCreated,
    ScimTokenInfo,
    SynchronizationStarted,
    SynchronizedGroup,
    SynchronizedGroupSelection,
} from "./types";

/** Filters for `listConnections`. */
export interface ListConnectionsQuery {
    readonly strategy?: string[];
    readonly name?: string;
}

/** The Management API operations this project uses, each one request. */
export interface Auth0Api {
    /** The tenant host the client talks to, e.g. `my-tenant.eu.auth0.com`. */
    readonly host: string;
    /** `https://<host>`, or `http://<host>` for a plain-http loopback emulator. */
    readonly baseUrl: string;
    getConnection(id: string): Promise<Connection>;
    listConnections(query?: ListConnectionsQuery): Promise<Connection[]>;
    /**
     * How many connections the tenant has: one request (`per_page=1`, `include_totals`, only the
     * id), so the cost of a listing is known before it is paid.
     */
    countConnections(): Promise<number>;
    /** Every SCIM configuration of the tenant, all pages (`GET /connections-scim-configurations`, 100 per request). */
    listScimConfigs(): Promise<ScimConfig[]>;
    /** Every directory provisioning of the tenant, all pages (`GET /connections-directory-provisionings`, 100 per request). */
    listDirectoryProvisionings(): Promise<DirectoryProvisioningConfig[]>;
    /**
     * GET the connection and, when `modify` returns new options, PATCH exactly `{options}` right
     * after (the API replaces the whole options object): both requests are reserved on the
     * rate-limit bucket together, so nothing queues between them.
     */
    readModifyWriteOptions(
        id: string,
        modify: (conn: Connection) => ConnectionOptions | undefined,
    ): Promise<{ before: Connection; after?: Connection }>;
    getScimConfig(connectionId: string): Promise<ScimConfig | undefined>;
    createScimConfig(connectionId: string, body: { user_id_attribute?: string; mapping?: ScimMappingItem[] }): Promise<ScimConfig>;
    updateScimConfig(connectionId: string, body: { user_id_attribute: string; mapping: ScimMappingItem[] }): Promise<ScimConfig>;
    deleteScimConfig(connectionId: string): Promise<void>;
    getScimDefaultMapping(connectionId: string): Promise<ScimMappingItem[]>;
    createScimToken(connectionId: string, body: { scopes?: string[]; token_lifetime?: number }): Promise<ScimTokenCreated>;
    listScimTokens(connectionId: string): Promise<ScimTokenInfo[]>;
    deleteScimToken(connectionId: string, tokenId: string): Promise<void>;
    getDirectoryProvisioning(connectionId: string): Promise<DirectoryProvisioningConfig | undefined>;
    createDirectoryProvisioning(connectionId: string, body: DirectoryProvisioningPatch): Promise<DirectoryProvisioningConfig>;
    updateDirectoryProvisioning(connectionId: string, body: DirectoryProvisioningPatch): Promise<DirectoryProvisioningConfig>;
    deleteDirectoryProvisioning(connectionId: string): Promise<void>;
    getDirectoryDefaultMapping(connectionId: string): Promise<DirectoryMappingItem[]>;
    startSynchronization(connectionId: string): Promise<SynchronizationStarted>;
    /** Every selected group of the directory provisioning, all pages (100 per request, `from` cursor). */
    listSynchronizedGroups(connectionId: string): Promise<SynchronizedGroup[]>;
    /** PUT: the selection becomes exactly these groups (at most 100 per request). */
    replaceSynchronizedGroups(connectionId: string, groups: readonly SynchronizedGroupSelection[]): Promise<void>;
    /** POST: adds these groups to the selection; re-adding one is a no-op (at most 100 per request). */
    addSynchronizedGroups(connectionId: string, groups: readonly SynchronizedGroupSelection[]): Promise<void>;
    /** DELETE: removes these group ids from the selection; an absent one is a no-op (at most 100 per request). */
    removeSynchronizedGroups(connectionId: string, groupIds: readonly string[]): Promise<void>;
}

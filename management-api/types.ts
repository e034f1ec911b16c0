/** Shapes of the Management API objects we read and write, as the API returns them. */

/** A connection's `options`: arbitrary JSON we must carry over untouched. */
export type ConnectionOptions = Record<string, unknown>;

/** The profile sync modes of `options.set_user_root_attributes`. */
export const PROFILE_SYNC_MODES = ["on_each_login", "on_first_login", "never_on_login"] as const;

/** One of `PROFILE_SYNC_MODES`. */
export type ProfileSyncMode = (typeof PROFILE_SYNC_MODES)[number];

/** A connection; `options` is absent when the token lacks `read:connections_options`. */
export interface Connection {
    readonly id: string;
    readonly name: string;
    readonly strategy: string;
    readonly options?: ConnectionOptions;
    readonly [key: string]: unknown;
}

/** One Auth0-to-SCIM attribute pair. */
export interface ScimMappingItem {
    readonly auth0: string;
    readonly scim: string;
}

/** `/connections/{id}/scim-configuration`. Note `updated_on`, not `updated_at`. */
export interface ScimConfig {
    readonly connection_id: string;
    readonly connection_name: string;
    readonly strategy: string;
    readonly tenant_name: string;
    readonly user_id_attribute: string;
    readonly mapping: readonly ScimMappingItem[];
    readonly created_at: string;
    readonly updated_on: string;
}

/** A SCIM token as listed (the secret value is only in the create response). */
export interface ScimTokenInfo {
    readonly token_id: string;
    readonly scopes: readonly string[];
    readonly created_at: string;
    readonly valid_until?: string;
}

/** The create response of a SCIM token, the only time the value is visible. */
export interface ScimTokenCreated extends ScimTokenInfo {
    readonly token: string;
}

/** One Auth0-to-IdP attribute pair of directory provisioning. */
export interface DirectoryMappingItem {
    readonly auth0: string;
    readonly idp: string;
}

/** The allowed values of `synchronize_groups`. */
export const SYNCHRONIZE_GROUPS = ["all", "off", "selected"] as const;

/** One of `SYNCHRONIZE_GROUPS`. */
export type SynchronizeGroups = (typeof SYNCHRONIZE_GROUPS)[number];

/** `/connections/{id}/directory-provisioning`. */
export interface DirectoryProvisioningConfig {
    readonly connection_id: string;
    readonly connection_name: string;
    readonly strategy: string;
    readonly mapping: readonly DirectoryMappingItem[];
    readonly synchronize_automatically: boolean;
    readonly synchronize_groups?: SynchronizeGroups;
    readonly created_at: string;
    readonly updated_at: string;
    readonly last_synchronization_at?: string;
    readonly last_synchronization_status?: string;
    readonly last_synchronization_error?: string;
}

/** What PATCH /directory-provisioning accepts; every field optional. */
export interface DirectoryProvisioningPatch {
    mapping?: DirectoryMappingItem[];
    synchronize_automatically?: boolean;
    synchronize_groups?: SynchronizeGroups;
}

/** The answer to POST /directory-provisioning/synchronizations. */
export interface SynchronizationStarted {
    readonly connection_id: string;
    readonly synchronization_id: string;
    readonly status: string;
}

/** A Google Workspace group selected for synchronization, as `GET .../synchronized-groups` lists it. */
export interface SynchronizedGroup {
    readonly id: string;
    readonly name?: string;
    readonly email?: string;
    /** Reported by the server; never sent back (the API refuses it in a request). */
    readonly direct_members_count?: number;
}

/** A group as PUT/POST `.../synchronized-groups` accept it: only `id`, `name` and `email`. */
export interface SynchronizedGroupSelection {
    readonly id: string;
    readonly name?: string;
    readonly email?: string;
}

/** The most groups one PUT, POST or DELETE of `.../synchronized-groups` accepts, and the largest listing page. */
export const SYNCHRONIZED_GROUPS_BATCH = 100;

/**
 * The largest page of the tenant-wide listings (`take` of `/connections-scim-configurations`,
 * `/connections-directory-provisionings` and `/connections`): a listing of n objects costs
 * ceil(n / 100) requests.
 */
export const LISTING_PAGE_SIZE = 100;

/** Strategies the SCIM configuration endpoints accept. */
export const SCIM_STRATEGIES = ["samlp", "oidc", "okta", "waad"] as const;

/** Strategies the directory-provisioning endpoints accept. */
export const DIRECTORY_STRATEGIES = ["google-apps"] as const;

/** Strategies that reject `set_user_root_attributes`. */
export const PASSWORDLESS_STRATEGIES = ["email", "sms"] as const;

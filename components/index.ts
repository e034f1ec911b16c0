/** The public API of auth0-connection-sync. */
export { ConnectionSync, EACH_LOGIN_WARNING, TOKEN_LIST_WARNING } from "./ConnectionSync";
export type {
    ConnectionSyncArgs,
    DirectoryProvisioningSettings,
    ProfileSyncSettings,
    ScimSettings,
    ScimTokenSettings,
} from "./ConnectionSync";
export { DirectoryProvisioning } from "./DirectoryProvisioning";
export type { DirectoryProvisioningArgs } from "./DirectoryProvisioning";
export { ProfileSync } from "./ProfileSync";
export type { ProfileSyncArgs } from "./ProfileSync";
export { ScimConfiguration } from "./ScimConfiguration";
export type { ScimConfigurationArgs } from "./ScimConfiguration";
export { ScimToken } from "./ScimToken";
export type { ScimTokenArgs } from "./ScimToken";
export { Auth0ApiError, isAuth0ApiError } from "../management-api/errors";
export { PROFILE_SYNC_MODES, SCIM_STRATEGIES, DIRECTORY_STRATEGIES, SYNCHRONIZE_GROUPS } from "../management-api/types";
export type { DirectoryMappingItem, ProfileSyncMode, ScimMappingItem, SynchronizeGroups } from "../management-api/types";

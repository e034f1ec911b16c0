/**
 * The module the engine's dynamic-provider process loads at run time (see loader.ts). Its export
 * is a contract with every state ever written: keep these four names and what they accept.
 */
import { directoryProvisioningProvider } from "./directoryProvisioning";
import { profileSyncProvider } from "./profileSync";
import { scimConfigurationProvider } from "./scimConfiguration";
import { scimTokenProvider } from "./scimToken";

/** The full providers, by resource kind. */
export const providers = {
    ProfileSync: profileSyncProvider,
    ScimConfiguration: scimConfigurationProvider,
    ScimToken: scimTokenProvider,
    DirectoryProvisioning: directoryProvisioningProvider,
};

/** A resource kind with a dynamic provider. */
export type ProviderKind = keyof typeof providers;

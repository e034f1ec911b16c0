/**
 * The sample tenant (`emulator/seeds/sample.json`) as the tests know it, written down once and on
 * purpose apart from the emulator's own data, so a wrong seed or scope list cannot agree with itself.
 */

/** Ids of the sample seed's connections, by strategy. */
export const SAMPLE = {
    okta: "con_lmGDBHHtE5Y3ukT2",
    samlp: "con_HjmNJNp9IuiWJONr",
    waad: "con_NVLFL5zT7EU0vCX8",
    google: "con_ka3hEJF2Xrahotuo",
    database: "con_8cw1yT95eNCNyoyO",
    email: "con_EDOilFfISeWMdDxR",
} as const;

/** The sample seed's all-scopes static token. */
export const SAMPLE_TOKEN = "local-admin-token";

/** The sample seed's machine-to-machine client. */
export const SAMPLE_CLIENT = { clientId: "local-client", clientSecret: "local-secret" } as const;

/** Every scope of the Management API subset this project uses. */
export const EVERY_SCOPE: readonly string[] = [
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:connections_options",
    "update:connections_options",
    "read:scim_config",
    "create:scim_config",
    "update:scim_config",
    "delete:scim_config",
    "read:scim_token",
    "create:scim_token",
    "delete:scim_token",
    "read:directory_provisionings",
    "create:directory_provisionings",
    "update:directory_provisionings",
    "delete:directory_provisionings",
];

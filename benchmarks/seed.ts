/**
 * The benchmark tenant: N connections whose strategies cycle okta, samlp, waad, google-apps, with
 * options as large and varied as real ones (certificates, secrets, claim maps), because the size of
 * `options` is what every profile-sync read and PATCH carries. Everything is derived from the index,
 * so a run is reproducible and the parent and the emulator child build the same tenant.
 */
import { createHash } from "node:crypto";
import { ALL_SCOPES, type Connection, type JsonObject, type Seed } from "../emulator";
import type { DirectoryMappingItem, ProfileSyncMode, ScimMappingItem } from "../management-api/types";

/** The strategies, in the order they cycle. */
export const STRATEGIES = ["okta", "samlp", "waad", "google-apps"] as const;

/** One of `STRATEGIES`. */
export type BenchStrategy = (typeof STRATEGIES)[number];

/** The mode every connection is declared with at first; `change k` moves k of them to `CHANGED_MODE`. */
export const DECLARED_MODE: ProfileSyncMode = "on_first_login";

/** The mode `change k` declares for k connections. */
export const CHANGED_MODE: ProfileSyncMode = "never_on_login";

/**
 * What is declared per connection: `all` is profile sync plus SCIM (with a token) or directory
 * provisioning; `profile-sync` is profile sync alone, the shape whose reads are list pages only.
 */
export type Declared = "all" | "profile-sync";

/** What the benchmark declares for one connection (the ConnectionSync arguments, ids resolved). */
export interface DeclaredConnection {
    readonly id: string;
    readonly name: string;
    readonly strategy: BenchStrategy;
    readonly mode: ProfileSyncMode;
    readonly scim?: {
        readonly userIdAttribute?: string;
        readonly mapping?: ScimMappingItem[];
        readonly tokens: Array<{ scopes: string[] }>;
    };
    readonly directoryProvisioning?: {
        readonly mapping?: DirectoryMappingItem[];
        readonly synchronizeAutomatically: boolean;
        readonly synchronizeGroups: "all" | "off" | "selected";
    };
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function digest(text: string): Buffer {
    return createHash("sha256").update(text).digest();
}

/** A stable Auth0-looking id for connection `i`. */
function connectionId(i: number): string {
    const bytes = digest(`bench-connection-${i}`);
    return "con_" + Array.from(bytes.subarray(0, 16), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join("");
}

/** A PEM-shaped blob of about `lines` × 64 characters; the emulator stores it, nothing parses it. */
function fakePem(kind: string, seed: string, lines = 20): string {
    const body: string[] = [];
    for (let l = 0; l < lines; l++)
        body.push(
            Buffer.concat([digest(`${seed}:${l}:a`), digest(`${seed}:${l}:b`)])
                .toString("base64")
                .slice(0, 64),
        );
    return `-----BEGIN ${kind}-----\n${body.join("\n")}\n-----END ${kind}-----\n`;
}

function fakeSecret(seed: string): string {
    return `bench-fake-${digest(seed).toString("hex").slice(0, 24)}`;
}

/** The strategy of connection `i`. */
export function strategyOf(i: number): BenchStrategy {
    return STRATEGIES[i % STRATEGIES.length];
}

function nameOf(i: number): string {
    return `${strategyOf(i)}-${String(i).padStart(4, "0")}`;
}

/**
 * Where the live key starts: most connections differ from the declared mode (so `create` must
 * write), every fifth already has it (so `create` must not write), as in a tenant where someone set
 * a few by hand.
 */
export function seededMode(i: number): ProfileSyncMode | undefined {
    if (i % 5 === 4) return DECLARED_MODE;
    return i % 2 === 0 ? undefined : "on_each_login";
}

function optionsFor(i: number): JsonObject {
    const s = strategyOf(i);
    const domain = `org${i}.bench.example`;
    const common: JsonObject = { domain_aliases: [domain, `alt-${domain}`], icon_url: `https://cdn.bench.example/${s}.png` };
    let options: JsonObject;
    if (s === "okta") {
        options = {
            ...common,
            domain: `org${i}.okta.example`,
            client_id: `0oa${digest(`okta${i}`).toString("hex").slice(0, 17)}`,
            client_secret: fakeSecret(`okta${i}`),
            issuer: `https://org${i}.okta.example`,
            authorization_endpoint: `https://org${i}.okta.example/oauth2/v1/authorize`,
            token_endpoint: `https://org${i}.okta.example/oauth2/v1/token`,
            userinfo_endpoint: `https://org${i}.okta.example/oauth2/v1/userinfo`,
            jwks_uri: `https://org${i}.okta.example/oauth2/v1/keys`,
            scope: "openid profile email groups",
            type: "back_channel",
            connection_settings: { pkce: "auto" },
            attribute_map: { mapping_mode: "basic_profile", userinfo_scope: "openid email profile groups" },
            upstream_params: { prompt: { value: "login" } },
            non_persistent_attrs: ["groups", "address"],
            schema_version: "oidc-V4",
        };
    } else if (s === "samlp") {
        options = {
            ...common,
            signingCert: fakePem("CERTIFICATE", `saml-sign-${i}`),
            signInEndpoint: `https://idp.${domain}/saml/sso`,
            signOutEndpoint: `https://idp.${domain}/saml/slo`,
            signatureAlgorithm: "rsa-sha256",
            digestAlgorithm: "sha256",
            protocolBinding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
            signSAMLRequest: true,
            disableSignout: false,
            debug: false,
            tenant_domain: domain,
            thumbprints: [digest(`thumb${i}`).toString("hex").slice(0, 40)],
            fieldsMap: {
                email: ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "mail"],
                groups: { attribute: "http://schemas.xmlsoap.org/claims/Group", split: "," },
            },
            idpinitiated: {
                enabled: i % 3 === 0,
                client_id: "local-client",
                client_protocol: "oauth2",
                client_authorizequery: "response_type=code&scope=openid",
            },
            decryptionKey: { cert: fakePem("CERTIFICATE", `saml-dec-${i}`), key: fakePem("PRIVATE KEY", `saml-key-${i}`, 16) },
            user_id_attribute: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
            x_custom_flag: `keep-me ✓ ${i}`,
        };
    } else if (s === "waad") {
        options = {
            ...common,
            client_id: digest(`waad${i}`).toString("hex").slice(0, 32),
            client_secret: fakeSecret(`waad${i}`),
            tenant_domain: `org${i}.onmicrosoft.com`,
            domain: `org${i}.onmicrosoft.com`,
            waad_protocol: "openid-connect",
            identity_api: "microsoft-identity-platform-v2.0",
            useCommonEndpoint: false,
            app_domain: {
                name: domain,
                verified: true,
                tenant_id: digest(`tenant${i}`).toString("hex").slice(0, 32),
                redirect_uris: ["https://bench.auth0.example/login/callback"],
            },
            basic_profile: true,
            ext_profile: true,
            ext_groups: true,
            ext_nested_groups: i % 2 === 0,
            max_groups_to_retrieve: 50,
            userid_attribute: "oid",
            should_trust_email_verified_connection: "never_set_emails_as_verified",
            thumbprints: [],
            x_region: i % 2 === 0 ? "eu-west" : "us-east",
        };
    } else {
        options = {
            ...common,
            client_id: `${100000000000 + i}-${digest(`g${i}`).toString("hex").slice(0, 32)}.apps.googleusercontent.com`,
            client_secret: fakeSecret(`google${i}`),
            domain,
            tenant_domain: domain,
            admin_access_token: fakeSecret(`gat${i}`),
            admin_refresh_token: fakeSecret(`grt${i}`),
            admin_access_token_expiresin: "2030-01-01T00:00:00.000Z",
            handle_login_from_social: true,
            api_enable_users: true,
            ext_groups: true,
            ext_is_suspended: true,
            ext_is_admin: false,
            ext_agreed_terms: false,
            email: true,
            profile: true,
            map_user_id_to_id: true,
            scope: ["email", "profile"],
            x_workspace_note: { migrated_from: "g-suite", since: 2015 + (i % 10) },
        };
    }
    const mode = seededMode(i);
    return mode === undefined ? options : { ...options, set_user_root_attributes: mode };
}

function connection(i: number): Connection {
    return {
        id: connectionId(i),
        name: nameOf(i),
        display_name: `Bench ${strategyOf(i)} ${i}`,
        strategy: strategyOf(i),
        options: optionsFor(i),
        enabled_clients: ["local-client"],
        is_domain_connection: false,
        show_as_button: i % 2 === 0,
        realms: [nameOf(i)],
        metadata: { owner: `team-${i % 7}`, cost_center: String(4000 + (i % 13)) },
    };
}

/** The emulator seed for `n` connections, with the sample seed's client and all-scopes token. */
export function benchSeed(n: number): Seed {
    return {
        tenant: "bench",
        clients: [{ client_id: "local-client", client_secret: "local-secret", scopes: [...ALL_SCOPES] }],
        tokens: [{ token: "local-admin-token", scopes: [...ALL_SCOPES] }],
        connections: Array.from({ length: n }, (_, i) => connection(i)),
    };
}

const SCIM_MAPPING: ScimMappingItem[] = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "preferred_username", scim: "userName" },
    { auth0: "given_name", scim: "name.givenName" },
    { auth0: "family_name", scim: "name.familyName" },
];
const DIRECTORY_MAPPING: DirectoryMappingItem[] = [
    { auth0: "email", idp: "primaryEmail" },
    { auth0: "given_name", idp: "name.givenName" },
    { auth0: "family_name", idp: "name.familyName" },
];

/**
 * What is declared for the first `n` connections. Half the SCIM and directory configurations use
 * the API's default mapping, so the per-strategy default-mapping reads show up in the counts.
 */
export function declaredConnections(n: number, declared: Declared = "all"): DeclaredConnection[] {
    return Array.from({ length: n }, (_, i): DeclaredConnection => {
        const base = { id: connectionId(i), name: nameOf(i), strategy: strategyOf(i), mode: DECLARED_MODE };
        if (declared === "profile-sync") return base;
        const explicit = Math.floor(i / STRATEGIES.length) % 2 === 0;
        if (base.strategy === "google-apps") {
            return {
                ...base,
                directoryProvisioning: {
                    ...(explicit ? { mapping: DIRECTORY_MAPPING } : {}),
                    synchronizeAutomatically: true,
                    synchronizeGroups: "all",
                },
            };
        }
        return {
            ...base,
            scim: {
                ...(explicit ? { userIdAttribute: "userName", mapping: SCIM_MAPPING } : {}),
                tokens: [{ scopes: ["get:users", "post:users", "put:users", "patch:users"] }],
            },
        };
    });
}

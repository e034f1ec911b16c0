import { invalidBody, jsonType, payloadError } from "../errors";
import { randomId } from "../ids";
import { describePemCertificate, parseSamlMetadata } from "../saml-metadata";
import { PROVISIONING_TICKET_STRATEGIES } from "../strategies";
import type { Connection, JsonObject, JsonValue } from "../types";

/** Adds each default whose key is absent; keys the caller sent (even null or false) are kept. */
function fill(options: JsonObject, defaults: JsonObject): JsonObject {
    for (const [key, value] of Object.entries(defaults)) if (!(key in options)) options[key] = value;
    return options;
}

function googleDefaults(): JsonObject {
    return { email: true, profile: true, scope: ["email", "profile"], handle_login_from_social: true, map_user_id_to_id: false };
}

/** Re-added by the server after every auth0 create and PATCH (recorded). */
function databaseDefaults(): JsonObject {
    return {
        passkey_options: { challenge_ui: "both", progressive_enrollment_enabled: true, local_enrollment_enabled: true },
        authentication_methods: { password: { enabled: true }, passkey: { enabled: false } },
        brute_force_protection: true,
    };
}

/** Added only on create: a later PATCH without them removes them (recorded for mfa and passwordPolicy). */
function databaseCreateDefaults(): JsonObject {
    return { mfa: { active: true, return_enroll_settings: true }, passwordPolicy: "good", strategy_version: 2 };
}

function oktaMetadata(base: string): JsonObject {
    const v1 = `${base}/oauth2/v1`;
    return {
        issuer: base,
        authorization_endpoint: `${v1}/authorize`,
        token_endpoint: `${v1}/token`,
        userinfo_endpoint: `${v1}/userinfo`,
        registration_endpoint: `${v1}/clients`,
        jwks_uri: `${v1}/keys`,
        response_types_supported: ["code", "id_token", "code id_token", "code token", "id_token token", "code id_token token"],
        response_modes_supported: ["query", "fragment", "form_post", "okta_post_message"],
        grant_types_supported: ["authorization_code", "implicit", "refresh_token", "password"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: ["openid", "email", "profile", "address", "phone", "offline_access", "groups"],
        token_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "none",
        ],
        code_challenge_methods_supported: ["S256"],
        introspection_endpoint: `${v1}/introspect`,
        revocation_endpoint: `${v1}/revoke`,
        end_session_endpoint: `${v1}/logout`,
        request_parameter_supported: true,
    };
}

/** Added to every new okta connection (recorded: with a domain, `schema_version` and `type`; without, all four). */
function oktaCreateDefaults(withDomain: boolean): JsonObject {
    const defaults: JsonObject = { schema_version: "oidc-V4", type: "back_channel" };
    if (!withDomain) {
        defaults.attribute_map = { mapping_mode: "basic_profile" };
        defaults.connection_settings = { pkce: "auto" };
    }
    return defaults;
}

/** What an okta PATCH that omits them gets back (recorded); `type` is in the same recording's PATCH. */
const OKTA_READDED = ["oidc_metadata", "schema_version", "attribute_map", "connection_settings", "type"];

/**
 * With a domain, the server reads the Okta org's discovery document: `authorization_endpoint` is
 * replaced by the org's own, missing or null token/userinfo endpoints are filled, and
 * `oidc_metadata` is stored. Without one, sent endpoints (even null) are kept as they are.
 */
function rewriteOkta(options: JsonObject): void {
    const domain = typeof options.domain === "string" ? options.domain.replace(/^https?:\/\//, "").replace(/\/+$/, "") : "";
    if (domain !== "") {
        const metadata = oktaMetadata(`https://${domain}`);
        options.authorization_endpoint = metadata.authorization_endpoint;
        for (const key of ["token_endpoint", "userinfo_endpoint"]) {
            if (options[key] === undefined || options[key] === null) options[key] = metadata[key];
        }
        options.oidc_metadata = metadata;
    }
    fill(options, oktaCreateDefaults(domain !== ""));
}

/**
 * Puts back each of `keys` the PATCH left out: the value the connection had before, else the
 * create default (when there is one). Keys the caller sent, even null or false, are kept.
 */
function readd(options: JsonObject, previous: JsonObject, keys: readonly string[], defaults: JsonObject): void {
    for (const key of keys) {
        if (key in options) continue;
        const value = key in previous ? previous[key] : defaults[key];
        if (value !== undefined) options[key] = structuredClone(value);
    }
}

/**
 * A PEM `signingCert` sent without metadata (recorded on POST): the server derives `cert` (the
 * PEM), `expires`, `subject` and `thumbprints` from it. A value that is not a readable PEM
 * certificate is kept as sent and derives nothing (not recorded).
 */
function deriveFromSigningCert(options: JsonObject): void {
    const pem = options.signingCert;
    if (typeof pem !== "string") return;
    const derived = describePemCertificate(pem);
    if (derived !== undefined) Object.assign(options, derived);
}

/** `metadataXml` is never stored: the server keeps what it derived from it instead. */
function rewriteSaml(options: JsonObject): void {
    if (!("metadataXml" in options)) return;
    const xml: JsonValue = options.metadataXml;
    delete options.metadataXml;
    if (typeof xml !== "string") throw payloadError(`Expected type string but found type ${jsonType(xml)}`, "options.metadataXml");
    const derived = parseSamlMetadata(xml);
    if (derived === undefined) {
        throw invalidBody(
            "Payload validation error: options.metadataXml must be SAML IdP metadata with a signing certificate and a SingleSignOnService location.",
        );
    }
    Object.assign(options, derived);
}

/** The server's own additions and rewrites to the options of a POST /connections. */
export function rewriteOnCreate(strategy: string, options: JsonObject): JsonObject {
    if (strategy === "google-apps") fill(options, googleDefaults());
    if (strategy === "auth0") fill(fill(options, databaseCreateDefaults()), databaseDefaults());
    if (strategy === "okta") rewriteOkta(options);
    if (strategy === "waad") fill(options, { waad_common_endpoint: false });
    if (strategy === "samlp") {
        if ("metadataXml" in options) rewriteSaml(options);
        else deriveFromSigningCert(options);
    }
    return options;
}

/**
 * The server's additions to the options of a PATCH, after the wholesale replace (all recorded):
 * google-apps keeps `email`, `profile` and `scope` from before (or the create defaults) and
 * `map_user_id_to_id`, and gains `api_enable_users`; okta keeps its discovery document, schema
 * version, attribute map, connection settings and type; waad keeps `waad_common_endpoint`.
 * Endpoints are never rewritten on PATCH.
 */
export function rewriteOnPatch(strategy: string, previous: JsonObject, options: JsonObject): JsonObject {
    if (strategy === "google-apps") {
        readd(options, previous, ["email", "profile", "scope"], googleDefaults());
        readd(options, previous, ["map_user_id_to_id"], {});
        fill(options, { api_enable_users: true });
    }
    // Only what the connection had: re-adding is not creating (nothing recorded says otherwise).
    if (strategy === "okta") readd(options, previous, OKTA_READDED, {});
    if (strategy === "waad") readd(options, previous, ["waad_common_endpoint"], {});
    if (strategy === "auth0") fill(options, databaseDefaults());
    if (strategy === "samlp") rewriteSaml(options);
    return options;
}

/**
 * Top-level fields the server puts on every connection; only absent ones are filled, so seeds
 * (snapshots of live tenants) keep what they say.
 */
export function fillConnectionFields(connection: Connection, tenant: string): Connection {
    connection.is_domain_connection ??= false;
    connection.show_as_button ??= false;
    connection.authentication ??= { active: true };
    connection.connected_accounts ??= { active: false };
    connection.realms ??= [connection.name];
    connection.enabled_clients ??= [];
    if (PROVISIONING_TICKET_STRATEGIES.has(connection.strategy)) {
        connection.provisioning_ticket_url ??= `https://${tenant}.auth0.com/p/${connection.strategy}/${randomId("", 8)}`;
    }
    return connection;
}

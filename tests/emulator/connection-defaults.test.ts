import { strict as assert } from "node:assert";
import { createHash, X509Certificate } from "node:crypto";
import { generate } from "selfsigned";
import { startEmulator, type RunningEmulator, type Seed } from "../../emulator";
import { call, SAMPLE, type Json } from "../helpers/emulator-client";

const LIST = "/api/v2/connections";

async function create(emulator: RunningEmulator, body: Json) {
    const res = await call(emulator, "POST", LIST, { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res;
}

/** IdP metadata around a real certificate, so the derived thumbprint and dates can be checked. */
function metadataXml(certPem: string): string {
    const base64 = certPem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
      <ds:X509Certificate>
        ${base64}
      </ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sign_out"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sign_in"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

describe("Emulator connection defaults", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("adds email, profile, scope, handle_login_from_social and map_user_id_to_id to a new google-apps connection", async () => {
        const plain = await create(emulator, { name: "gw-plain", strategy: "google-apps", options: { domain: "a.example" } });
        assert.deepEqual(plain.body.options, {
            domain: "a.example",
            email: true,
            profile: true,
            scope: ["email", "profile"],
            handle_login_from_social: true,
            map_user_id_to_id: false,
        });
        const sent = { email: false, map_user_id_to_id: true, scope: ["email"] };
        const kept = await create(emulator, { name: "gw-kept", strategy: "google-apps", options: sent });
        const options = kept.body.options as Json;
        assert.equal(options.email, false);
        assert.equal(options.map_user_id_to_id, true);
        assert.deepEqual(options.scope, ["email"]);
        assert.equal(options.profile, true);
    });

    it("adds mfa, passwordPolicy good and strategy_version 2 to a new auth0 connection, keeping sent values", async () => {
        const res = await create(emulator, { name: "db-new", strategy: "auth0", options: { passwordPolicy: "excellent" } });
        const options = res.body.options as Json;
        assert.deepEqual(options.mfa, { active: true, return_enroll_settings: true });
        assert.equal(options.passwordPolicy, "excellent");
        assert.equal(options.strategy_version, 2);
        assert.equal(options.brute_force_protection, true);
        assert.ok("passkey_options" in options && "authentication_methods" in options);
        const read = await call(emulator, "GET", `${LIST}/${String(res.body.id)}`);
        assert.deepEqual(read.body.options, options);
    });

    it("rewrites a new okta connection's authorization_endpoint and adds oidc_metadata from its domain", async () => {
        const sent = {
            domain: "org.okta.com",
            client_id: "cid",
            authorization_endpoint: "https://example.com",
            issuer: "https://example.com",
            jwks_uri: "https://example.com/jwks",
            token_endpoint: null,
        };
        const options = (await create(emulator, { name: "okta-new", strategy: "okta", options: sent })).body.options as Json;
        assert.equal(options.authorization_endpoint, "https://org.okta.com/oauth2/v1/authorize");
        assert.equal(options.token_endpoint, "https://org.okta.com/oauth2/v1/token");
        assert.equal(options.userinfo_endpoint, "https://org.okta.com/oauth2/v1/userinfo");
        assert.equal(options.issuer, "https://example.com");
        assert.equal(options.jwks_uri, "https://example.com/jwks");
        const metadata = options.oidc_metadata as Json;
        assert.equal(metadata.issuer, "https://org.okta.com");
        assert.equal(metadata.authorization_endpoint, "https://org.okta.com/oauth2/v1/authorize");
    });

    it("turns a samlp metadataXml into cert, signInEndpoint and thumbprints and drops metadataXml", async () => {
        const pems = await generate([{ name: "commonName", value: "idp.example" }], { keyType: "ec", algorithm: "sha256" });
        const der = new X509Certificate(pems.cert).raw;
        const res = await create(emulator, {
            name: "saml-from-xml",
            strategy: "samlp",
            options: { metadataXml: metadataXml(pems.cert), x_keep: 1 },
        });
        const options = res.body.options as Json;
        assert.ok(!("metadataXml" in options));
        assert.equal(options.signInEndpoint, "https://idp.example/sign_in");
        assert.equal(options.signOutEndpoint, "https://idp.example/sign_out");
        assert.deepEqual(options.thumbprints, [createHash("sha1").update(der).digest("hex")]);
        assert.equal(new X509Certificate(String(options.cert)).fingerprint256, new X509Certificate(pems.cert).fingerprint256);
        assert.equal(options.x_keep, 1);
        const read = await call(emulator, "GET", `${LIST}/${String(res.body.id)}`);
        assert.ok(!("metadataXml" in (read.body.options as Json)));
    });

    it("refuses a samlp metadataXml without a certificate or sign-in location, creating nothing", async () => {
        const res = await call(emulator, "POST", LIST, {
            body: { name: "saml-bad-xml", strategy: "samlp", options: { metadataXml: "<md:EntityDescriptor/>" } },
        });
        assert.equal(res.status, 400);
        assert.equal(res.body.errorCode, "invalid_body");
        assert.equal((await call<Json[]>(emulator, "GET", `${LIST}?name=saml-bad-xml`)).body.length, 0);
    });

    it("keeps email, profile, scope and map_user_id_to_id on a google-apps PATCH that omits them, adds api_enable_users, drops the rest", async () => {
        const before = emulator.state.connections[SAMPLE.google].options ?? {};
        const res = await call(emulator, "PATCH", `${LIST}/${SAMPLE.google}`, {
            body: { options: { domain: "example.org", ext_groups: true } },
        });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.options, {
            domain: "example.org",
            ext_groups: true,
            email: before.email,
            profile: before.profile,
            scope: before.scope,
            map_user_id_to_id: before.map_user_id_to_id,
            api_enable_users: true,
        });
        const read = await call(emulator, "GET", `${LIST}/${SAMPLE.google}`);
        assert.deepEqual(read.body.options, res.body.options);
    });

    it("gives new connections authentication, connected_accounts, show_as_button and, for samlp, google-apps and ad, a provisioning_ticket_url", async () => {
        for (const strategy of ["samlp", "google-apps", "ad", "oidc", "okta"]) {
            const res = await create(emulator, { name: `top-${strategy}`, strategy });
            assert.deepEqual(res.body.authentication, { active: true }, strategy);
            assert.deepEqual(res.body.connected_accounts, { active: false }, strategy);
            assert.equal(res.body.show_as_button, false, strategy);
            assert.equal(res.body.is_domain_connection, false, strategy);
            const ticket = res.body.provisioning_ticket_url;
            if (["samlp", "google-apps", "ad"].includes(strategy)) {
                assert.match(String(ticket), new RegExp(`^https://sample\\.auth0\\.com/p/${strategy}/[A-Za-z0-9]+$`));
            } else {
                assert.equal(ticket, undefined, strategy);
            }
        }
        const chosen = await create(emulator, {
            name: "top-chosen",
            strategy: "oidc",
            show_as_button: true,
            authentication: { active: false },
        });
        assert.equal(chosen.body.show_as_button, true);
        assert.deepEqual(chosen.body.authentication, { active: false });
    });

    it("refuses a strategy the API does not know with 400 invalid_body", async () => {
        const res = await call(emulator, "POST", LIST, { body: { name: "made-up", strategy: "made-up-idp" } });
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, {
            statusCode: 400,
            error: "Bad Request",
            message: `Payload validation error: 'No enum match for: "made-up-idp"' on property strategy.`,
            errorCode: "invalid_body",
        });
    });
});

describe("Emulator connection defaults on seeded connections", () => {
    const seed: Seed = {
        tenant: "snap",
        tokens: [{ token: "t", scopes: ["read:connections", "read:connections_options"] }],
        connections: [
            { id: "con_AAAAAAAAAAAAAAAA", name: "db", strategy: "auth0", options: { a: 1 } },
            { id: "con_BBBBBBBBBBBBBBBB", name: "gw", strategy: "google-apps", options: {}, authentication: { active: false } },
            { id: "con_CCCCCCCCCCCCCCCC", name: "ok", strategy: "okta", options: { domain: "x.okta.com" } },
        ],
    };
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ seed });
    });
    after(() => emulator.close());

    it("keeps seeded options exactly as the snapshot says", async () => {
        const list = await call<Json[]>(emulator, "GET", LIST, { token: "t" });
        assert.deepEqual(
            list.body.map((c) => c.options),
            [{ a: 1 }, {}, { domain: "x.okta.com" }],
        );
    });

    it("fills only the top-level fields the seed left out", async () => {
        const gw = await call(emulator, "GET", `${LIST}/con_BBBBBBBBBBBBBBBB`, { token: "t" });
        assert.deepEqual(gw.body.authentication, { active: false });
        assert.deepEqual(gw.body.connected_accounts, { active: false });
        assert.equal(gw.body.show_as_button, false);
        assert.match(String(gw.body.provisioning_ticket_url), /^https:\/\/snap\.auth0\.com\/p\/google-apps\//);
        const db = await call(emulator, "GET", `${LIST}/con_AAAAAAAAAAAAAAAA`, { token: "t" });
        assert.deepEqual(db.body.authentication, { active: true });
        assert.deepEqual(db.body.realms, ["db"]);
        assert.equal(db.body.provisioning_ticket_url, undefined);
    });
});

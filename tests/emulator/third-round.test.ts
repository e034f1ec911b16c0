/**
 * One test per line of shared/auth0-api.md "Recorded behaviour, third round": the server's own
 * option additions and re-adds per strategy, samlp certificate derivation, `fields` projections,
 * selected-group metadata, and the listing of a token without a lifetime.
 */
import { strict as assert } from "node:assert";
import { createHash, X509Certificate } from "node:crypto";
import { generate } from "selfsigned";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, type Json } from "../helpers/emulator-client";

const LIST = "/api/v2/connections";
const GROUPS = `${LIST}/${SAMPLE.google}/directory-provisioning/synchronized-groups`;

async function create(emulator: RunningEmulator, body: Json): Promise<Json> {
    const res = await call(emulator, "POST", LIST, { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
}

async function patchOptions(emulator: RunningEmulator, id: string, options: Json): Promise<Json> {
    const res = await call(emulator, "PATCH", `${LIST}/${id}`, { body: { options } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const read = await call(emulator, "GET", `${LIST}/${id}`);
    assert.deepEqual(read.body.options, res.body.options, "a later GET shows what the PATCH answered");
    return res.body.options as Json;
}

async function groups(emulator: RunningEmulator): Promise<Json[]> {
    const res = await call<{ groups: Json[] }>(emulator, "GET", GROUPS);
    assert.equal(res.status, 200);
    return res.body.groups;
}

describe("Emulator: recorded behaviour, third round", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("okta POST with a domain adds oidc_metadata and schema_version oidc-V4", async () => {
        const created = await create(emulator, {
            name: "okta-domain",
            strategy: "okta",
            options: { domain: "org.okta.com", client_id: "c" },
        });
        const options = created.options as Json;
        assert.equal(options.schema_version, "oidc-V4");
        assert.equal((options.oidc_metadata as Json).issuer, "https://org.okta.com");
        assert.equal(options.client_id, "c");
    });

    it("okta POST without a domain adds schema_version, type, attribute_map and connection_settings, and keeps userinfo_endpoint null", async () => {
        const sent = { client_id: "c", issuer: "https://idp.example", userinfo_endpoint: null };
        const created = await create(emulator, { name: "okta-bare", strategy: "okta", options: sent });
        assert.deepEqual(created.options, {
            ...sent,
            schema_version: "oidc-V4",
            type: "back_channel",
            attribute_map: { mapping_mode: "basic_profile" },
            connection_settings: { pkce: "auto" },
        });
    });

    it("okta PATCH re-adds oidc_metadata, schema_version, attribute_map and connection_settings; other omitted keys go; endpoints stay as sent", async () => {
        const created = await create(emulator, {
            name: "okta-patched",
            strategy: "okta",
            options: {
                domain: "org.okta.com",
                client_id: "c",
                scope: "openid",
                connection_settings: { pkce: "disabled" },
                attribute_map: { mapping_mode: "basic_profile", userinfo_scope: "openid email" },
            },
        });
        const before = created.options as Json;
        const sent = { domain: "org.okta.com", client_id: "c2", authorization_endpoint: "https://org.okta.com/oauth2/v2/authorize" };
        const after = await patchOptions(emulator, String(created.id), sent);
        assert.deepEqual(after, {
            ...sent,
            oidc_metadata: before.oidc_metadata,
            schema_version: "oidc-V4",
            attribute_map: { mapping_mode: "basic_profile", userinfo_scope: "openid email" },
            connection_settings: { pkce: "disabled" },
            // The same recording's PATCH also got `type` back (not in the facts page's list).
            type: "back_channel",
        });
        assert.ok(!("scope" in after) && !("token_endpoint" in after) && !("userinfo_endpoint" in after));
    });

    it("waad POST adds waad_common_endpoint false, a PATCH that omits it gets it back as false, an omitted strategy_version is gone", async () => {
        const created = await create(emulator, {
            name: "waad-new",
            strategy: "waad",
            options: { domain: "c.example", strategy_version: 2 },
        });
        assert.deepEqual(created.options, { domain: "c.example", strategy_version: 2, waad_common_endpoint: false });
        const after = await patchOptions(emulator, String(created.id), { domain: "c.example", tenant_domain: "c.example" });
        assert.deepEqual(after, { domain: "c.example", tenant_domain: "c.example", waad_common_endpoint: false });
    });

    it("google-apps PATCH omitting map_user_id_to_id, email, profile and scope gets all four back, map_user_id_to_id keeping true", async () => {
        const created = await create(emulator, {
            name: "gw-readds",
            strategy: "google-apps",
            options: { domain: "g.example", map_user_id_to_id: true, scope: ["email"] },
        });
        const after = await patchOptions(emulator, String(created.id), { domain: "g.example", tenant_domain: "g.example" });
        assert.deepEqual(after, {
            domain: "g.example",
            tenant_domain: "g.example",
            map_user_id_to_id: true,
            email: true,
            profile: true,
            scope: ["email"],
            api_enable_users: true,
        });
    });

    it("samlp POST with a PEM signingCert derives cert, expires, subject and thumbprints", async () => {
        const pems = await generate(
            [
                { name: "commonName", value: "idp.example" },
                { name: "countryName", value: "NL" },
                { name: "organizationName", value: "Example IdP" },
            ],
            { keyType: "ec", algorithm: "sha256" },
        );
        const parsed = new X509Certificate(pems.cert);
        const sent = { signingCert: pems.cert, signInEndpoint: "https://idp.example/sso" };
        const created = await create(emulator, { name: "saml-pem", strategy: "samlp", options: sent });
        assert.deepEqual(created.options, {
            ...sent,
            cert: pems.cert,
            expires: new Date(parsed.validTo).toISOString(),
            subject: { commonName: "idp.example", countryName: "NL", organizationName: "Example IdP" },
            thumbprints: [createHash("sha1").update(parsed.raw).digest("hex")],
        });
    });

    it("GET /connections/{id}?fields=strategy,name&include_fields=true adds id, is_domain_connection, authentication and connected_accounts", async () => {
        const res = await call(emulator, "GET", `${LIST}/${SAMPLE.waad}?fields=strategy,name&include_fields=true`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, {
            id: SAMPLE.waad,
            name: "contoso-entra",
            strategy: "waad",
            is_domain_connection: false,
            authentication: { active: true },
            connected_accounts: { active: false },
        });
    });

    describe("selected groups carry metadata", () => {
        before(async () => {
            const options = { ...emulator.state.connections[SAMPLE.google].options, api_enable_groups: true };
            assert.equal((await call(emulator, "PATCH", `${LIST}/${SAMPLE.google}`, { body: { options } })).status, 200);
            assert.equal((await call(emulator, "POST", `${LIST}/${SAMPLE.google}/directory-provisioning`)).status, 201);
        });
        beforeEach(async () => {
            assert.equal((await call(emulator, "PUT", GROUPS, { body: { groups: [] } })).status, 204);
        });

        it("PUT and POST accept {id, name, email, direct_members_count} and GET returns each group's metadata as sent", async () => {
            const put = [{ id: "a", name: "Alpha", email: "alpha@g.example", direct_members_count: 4 }, { id: "b" }];
            assert.equal((await call(emulator, "PUT", GROUPS, { body: { groups: put } })).status, 204);
            const posted = { id: "c", name: "Gamma", direct_members_count: 0 };
            assert.equal((await call(emulator, "POST", GROUPS, { body: { groups: [posted] } })).status, 204);
            assert.deepEqual(await groups(emulator), [...put, posted]);
        });

        it("a DELETE then a POST of the same id shows the new metadata; a bare {id} after a DELETE shows the bare id", async () => {
            await call(emulator, "PUT", GROUPS, { body: { groups: [{ id: "g", name: "Old", email: "old@g.example" }] } });
            assert.equal((await call(emulator, "DELETE", GROUPS, { body: { groups: [{ id: "g" }] } })).status, 204);
            await call(emulator, "POST", GROUPS, { body: { groups: [{ id: "g", name: "New", email: "new@g.example" }] } });
            assert.deepEqual(await groups(emulator), [{ id: "g", name: "New", email: "new@g.example" }]);
            await call(emulator, "DELETE", GROUPS, { body: { groups: [{ id: "g" }] } });
            assert.equal((await call(emulator, "POST", GROUPS, { body: { groups: [{ id: "g" }] } })).status, 204);
            assert.deepEqual(await groups(emulator), [{ id: "g" }]);
        });

        it("a POST that fails adds nothing", async () => {
            await call(emulator, "PUT", GROUPS, { body: { groups: [{ id: "keep" }] } });
            const body = {
                groups: [
                    { id: "ok-one", name: "Fine" },
                    { id: "bad", email: "nope" },
                ],
            };
            assert.equal((await call(emulator, "POST", GROUPS, { body })).status, 400);
            assert.deepEqual(await groups(emulator), [{ id: "keep" }]);
        });

        it("an invalid email, including the empty one, is 400 invalid_body with the recorded message", async () => {
            for (const email of ["", "not-an-email"]) {
                for (const method of ["PUT", "POST"]) {
                    const res = await call(emulator, method, GROUPS, { body: { groups: [{ id: "x", email }] } });
                    assert.equal(res.status, 400, `${method} ${JSON.stringify(email)}`);
                    assert.deepEqual(res.body, {
                        statusCode: 400,
                        error: "Bad Request",
                        message:
                            `Payload validation error: 'Object didn't pass validation for format email: ${email}' ` +
                            "on property groups[0].email (Google Workspace Directory group email).",
                        errorCode: "invalid_body",
                    });
                }
            }
            assert.deepEqual(await groups(emulator), []);
        });
    });

    it("a token created without a lifetime and never used lists exactly {token_id, created_at, scopes}", async () => {
        const base = `${LIST}/${SAMPLE.okta}/scim-configuration`;
        await call(emulator, "POST", base);
        const created = await call(emulator, "POST", `${base}/tokens`, { body: { scopes: ["get:users"] } });
        assert.equal(created.status, 201);
        const listed = await call<Json[]>(emulator, "GET", `${base}/tokens`);
        const mine = listed.body.find((t) => t.token_id === created.body.token_id);
        assert.deepEqual(mine, { token_id: created.body.token_id, created_at: created.body.created_at, scopes: ["get:users"] });
    });
});

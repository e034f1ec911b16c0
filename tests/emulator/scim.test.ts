import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, sleep, type Json } from "../helpers/emulator-client";

const scim = (id: string, suffix = "") => `/api/v2/connections/${id}/scim-configuration${suffix}`;
const PLAIN_404 = { statusCode: 404, error: "Not Found", message: "Not Found" };
const UNSUPPORTED =
    "This connection type does not support SCIM. Please see our documentation for the currently supported connection types: " +
    "https://auth0.com/docs/authenticate/protocols/scim/configure-inbound-scim.";

describe("Emulator SCIM configuration", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator();
    });
    afterEach(() => emulator.close());

    it("returns the seeded configuration with the API's fields, updated_on and scim-first pairs", async () => {
        const res = await call(emulator, "GET", scim(SAMPLE.samlp));
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body).sort(), [
            "connection_id",
            "connection_name",
            "created_at",
            "mapping",
            "strategy",
            "tenant_name",
            "updated_on",
            "user_id_attribute",
        ]);
        assert.equal(res.body.tenant_name, "sample");
        assert.equal(res.body.connection_name, "acme-saml");
        assert.equal(res.body.strategy, "samlp");
        assert.equal(res.body.user_id_attribute, "userName");
        assert.deepEqual(Object.keys((res.body.mapping as Json[])[0]), ["scim", "auth0"]);
    });

    it("answers the plain 404 when a supported connection has no configuration", async () => {
        const res = await call(emulator, "GET", scim(SAMPLE.okta));
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, PLAIN_404);
    });

    it("creates from {} with externalId and the 32-pair default mapping", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.okta), { body: {} });
        assert.equal(res.status, 201);
        assert.equal(res.body.user_id_attribute, "externalId");
        const mapping = res.body.mapping as Json[];
        assert.equal(mapping.length, 32);
        assert.deepEqual(mapping[0], { scim: "userName", auth0: "preferred_username" });
        assert.ok(mapping.some((m) => m.scim === "externalId" && m.auth0 === "app_metadata.external_id"));
        assert.equal(res.body.tenant_name, "sample");
        assert.equal(res.body.connection_id, SAMPLE.okta);
        assert.equal(res.body.created_at, res.body.updated_on);
    });

    it("answers 400 to a second POST and keeps the first configuration", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.samlp), { body: {} });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, "Bad Request");
        assert.match(String(res.body.message), /already exists/);
        assert.equal(emulator.state.scimConfigurations[SAMPLE.samlp].user_id_attribute, "userName");
    });

    it("creates without any body at all, with the 30-pair waad mapping for a waad connection", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.waad));
        assert.equal(res.status, 201);
        const mapping = res.body.mapping as Json[];
        assert.equal(mapping.length, 30);
        assert.deepEqual(mapping[0], { scim: "userName", auth0: "upn" });
        assert.deepEqual(mapping[1], { scim: 'emails[type eq "work"].value', auth0: "email" });
    });

    it("creates with a caller's attribute and mapping", async () => {
        const oidc = await call(emulator, "POST", "/api/v2/connections", { body: { name: "oidc-one", strategy: "oidc" } });
        const id = String(oidc.body.id);
        const mapping = [{ auth0: "email", scim: "userName" }];
        const res = await call(emulator, "POST", scim(id), { body: { user_id_attribute: "userName", mapping } });
        assert.equal(res.status, 201);
        assert.equal(res.body.user_id_attribute, "userName");
        assert.deepEqual(res.body.mapping, [{ scim: "userName", auth0: "email" }]);
    });

    it("answers 404 with the supported-types message for other strategies", async () => {
        for (const id of [SAMPLE.google, SAMPLE.database, SAMPLE.email]) {
            const res = await call(emulator, "POST", scim(id), { body: {} });
            assert.equal(res.status, 404);
            assert.equal(res.body.message, UNSUPPORTED);
            assert.equal(res.body.error, "Not Found");
        }
        assert.equal(emulator.state.scimConfigurations[SAMPLE.google], undefined);
    });

    it("answers 404 inexistent_connection on every SCIM route for an unknown connection", async () => {
        const id = "con_doesnotexist0000";
        for (const [method, suffix] of [
            ["GET", ""],
            ["POST", ""],
            ["PATCH", ""],
            ["DELETE", ""],
            ["GET", "/default-mapping"],
            ["GET", "/tokens"],
            ["POST", "/tokens"],
        ]) {
            const body = method === "POST" || method === "PATCH" ? { user_id_attribute: "externalId", mapping: [] } : undefined;
            const res = await call(emulator, method, scim(id, suffix), { body: method === "POST" && suffix === "/tokens" ? {} : body });
            assert.equal(res.status, 404, `${method} ${suffix}`);
            assert.deepEqual(res.body, {
                statusCode: 404,
                error: "Not Found",
                message: "The connection does not exist",
                errorCode: "inexistent_connection",
            });
        }
    });

    it("needs both user_id_attribute and mapping on PATCH", async () => {
        const mapping = [{ scim: "userName", auth0: "nickname" }];
        for (const body of [{ mapping }, { user_id_attribute: "userName" }, {}]) {
            const res = await call(emulator, "PATCH", scim(SAMPLE.samlp), { body });
            assert.equal(res.status, 400, JSON.stringify(body));
            assert.equal(res.body.errorCode, "invalid_body");
        }
        assert.equal(emulator.state.scimConfigurations[SAMPLE.samlp].mapping.length, 6);
    });

    it("replaces attribute and mapping wholesale on PATCH and moves updated_on", async () => {
        const before = emulator.state.scimConfigurations[SAMPLE.samlp].updated_on;
        await sleep(5);
        const mapping = [
            { auth0: "nickname", scim: "userName" },
            { auth0: "email", scim: 'emails[type eq "work"].value' },
        ];
        const res = await call(emulator, "PATCH", scim(SAMPLE.samlp), { body: { user_id_attribute: "externalId", mapping } });
        assert.equal(res.status, 200);
        assert.equal(res.body.user_id_attribute, "externalId");
        assert.deepEqual(
            res.body.mapping,
            mapping.map((m) => ({ scim: m.scim, auth0: m.auth0 })),
        );
        assert.ok(String(res.body.updated_on) > before);
    });

    it("refuses malformed mapping items", async () => {
        const bad: unknown[] = [[{ auth0: "email" }], [{ auth0: "", scim: "userName" }], ["userName"], { auth0: "a", scim: "b" }];
        for (const mapping of bad) {
            const res = await call(emulator, "PATCH", scim(SAMPLE.samlp), { body: { user_id_attribute: "externalId", mapping } });
            assert.equal(res.status, 400, JSON.stringify(mapping));
            assert.equal(res.body.errorCode, "invalid_body");
        }
    });

    it("answers 404 on PATCH when there is no configuration", async () => {
        const oidc = await call(emulator, "POST", "/api/v2/connections", { body: { name: "oidc-two", strategy: "oidc" } });
        const res = await call(emulator, "PATCH", scim(String(oidc.body.id)), {
            body: { user_id_attribute: "externalId", mapping: [{ scim: "userName", auth0: "email" }] },
        });
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, PLAIN_404);
    });

    it("returns the strategy's default mapping as {mapping: [...]}: 32 pairs for okta and samlp, 30 for waad", async () => {
        const res = await call(emulator, "GET", scim(SAMPLE.okta, "/default-mapping"));
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body), ["mapping"]);
        assert.equal((res.body.mapping as Json[]).length, 32);
        const saml = await call(emulator, "GET", scim(SAMPLE.samlp, "/default-mapping"));
        assert.deepEqual(saml.body.mapping, res.body.mapping);
        const waad = await call(emulator, "GET", scim(SAMPLE.waad, "/default-mapping"));
        assert.equal((waad.body.mapping as Json[]).length, 30);
        assert.deepEqual((waad.body.mapping as Json[])[0], { scim: "userName", auth0: "upn" });
    });

    it("answers the unsupported-strategy 404 on the default mapping too", async () => {
        const res = await call(emulator, "GET", scim(SAMPLE.google, "/default-mapping"));
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, { statusCode: 404, error: "Not Found", message: UNSUPPORTED });
    });

    it("deletes with an empty 204, and a repeated DELETE is 204 too", async () => {
        const first = await call(emulator, "DELETE", scim(SAMPLE.waad));
        assert.equal(first.status, 204);
        assert.equal(first.text, "");
        const second = await call(emulator, "DELETE", scim(SAMPLE.waad));
        assert.equal(second.status, 204);
        assert.equal((await call(emulator, "GET", scim(SAMPLE.waad))).status, 404);
    });
});

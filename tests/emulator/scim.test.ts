import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, sleep, type Json } from "../helpers/emulator-client";

const scim = (id: string, suffix = "") => `/api/v2/connections/${id}/scim-configuration${suffix}`;
const PLAIN_404 = { statusCode: 404, error: "Not Found", message: "Not Found" };
const UNSUPPORTED =
    "This connection type does not support SCIM. Please see our documentation for the currently supported connection types: samlp, oidc, okta, waad";

describe("Emulator SCIM configuration", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("returns the seeded configuration with the API's fields, updated_on and scim-first pairs", async () => {
        const res = await call(emulator, "GET", scim(SAMPLE.saml));
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
        const res = await call(emulator, "POST", scim(SAMPLE.saml), { body: {} });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, "Bad Request");
        assert.match(String(res.body.message), /already exists/);
        assert.equal(emulator.state.scimConfigurations[SAMPLE.saml].user_id_attribute, "userName");
    });

    it("creates without any body at all", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.waad));
        assert.equal(res.status, 201);
        assert.equal((res.body.mapping as Json[]).length, 32);
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
            const res = await call(emulator, "PATCH", scim(SAMPLE.saml), { body });
            assert.equal(res.status, 400, JSON.stringify(body));
            assert.equal(res.body.errorCode, "invalid_body");
        }
        assert.equal(emulator.state.scimConfigurations[SAMPLE.saml].mapping.length, 6);
    });

    it("replaces attribute and mapping wholesale on PATCH and moves updated_on", async () => {
        const before = emulator.state.scimConfigurations[SAMPLE.saml].updated_on;
        await sleep(5);
        const mapping = [
            { auth0: "nickname", scim: "userName" },
            { auth0: "email", scim: 'emails[type eq "work"].value' },
        ];
        const res = await call(emulator, "PATCH", scim(SAMPLE.saml), { body: { user_id_attribute: "externalId", mapping } });
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
            const res = await call(emulator, "PATCH", scim(SAMPLE.saml), { body: { user_id_attribute: "externalId", mapping } });
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

    it("returns the default mapping as {mapping: [...]}", async () => {
        const res = await call(emulator, "GET", scim(SAMPLE.okta, "/default-mapping"));
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body), ["mapping"]);
        assert.equal((res.body.mapping as Json[]).length, 32);
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

describe("Emulator SCIM tokens", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("lists the seeded token without its secret", async () => {
        const res = await call<Json[]>(emulator, "GET", scim(SAMPLE.saml, "/tokens"));
        assert.equal(res.status, 200);
        assert.equal(res.body.length, 1);
        assert.equal(res.body[0].token_id, "tok_Q2x7mP4sT9vB1nK6");
        assert.ok(!("token" in res.body[0]));
    });

    it("shows the token once, on the POST that creates it", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.saml, "/tokens"), { body: { scopes: ["get:users", "post:users"] } });
        assert.equal(res.status, 201);
        assert.equal(typeof res.body.token, "string");
        assert.ok(String(res.body.token).length >= 20);
        assert.deepEqual(res.body.scopes, ["get:users", "post:users"]);
        assert.ok(!Number.isNaN(Date.parse(String(res.body.created_at))));
        assert.ok(!("valid_until" in res.body));
        const list = await call<Json[]>(emulator, "GET", scim(SAMPLE.saml, "/tokens"));
        const listed = list.body.find((t) => t.token_id === res.body.token_id);
        assert.ok(listed);
        assert.ok(!("token" in listed));
        assert.ok(!list.text.includes(String(res.body.token)));
    });

    it("sets valid_until from token_lifetime", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.saml, "/tokens"), { body: { token_lifetime: 3600 } });
        assert.equal(res.status, 201);
        const span = Date.parse(String(res.body.valid_until)) - Date.parse(String(res.body.created_at));
        assert.equal(span, 3600 * 1000);
    });

    it("refuses a token_lifetime that is not a whole number of seconds", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.saml, "/tokens"), { body: { token_lifetime: "1h" } });
        assert.equal(res.status, 400);
        assert.equal(res.body.errorCode, "invalid_body");
    });

    it("deletes a token with 204 and it leaves the list", async () => {
        const created = await call(emulator, "POST", scim(SAMPLE.saml, "/tokens"), { body: {} });
        const id = String(created.body.token_id);
        const res = await call(emulator, "DELETE", scim(SAMPLE.saml, `/tokens/${id}`));
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        const list = await call<Json[]>(emulator, "GET", scim(SAMPLE.saml, "/tokens"));
        assert.ok(!list.body.some((t) => t.token_id === id));
        assert.equal((await call(emulator, "DELETE", scim(SAMPLE.saml, `/tokens/${id}`))).status, 404);
    });

    it("answers 404 for token routes when the connection has no SCIM configuration", async () => {
        const res = await call(emulator, "POST", scim(SAMPLE.okta, "/tokens"), { body: {} });
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, PLAIN_404);
    });
});

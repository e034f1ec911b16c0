import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, EVERY_SCOPE, SAMPLE, tokenWith, type Json } from "../helpers/emulator-client";

const LIST = "/api/v2/connections";

describe("Emulator connections: patching", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator();
    });
    afterEach(() => emulator.close());

    const one = (id: string) => `${LIST}/${id}`;

    for (const field of ["name", "strategy", "id", "provisioning_ticket_url", "made_up"]) {
        it(`refuses to patch ${field} with 400 invalid_body`, async () => {
            const res = await call(emulator, "PATCH", one(SAMPLE.okta), { body: { [field]: "x" } });
            assert.equal(res.status, 400);
            assert.deepEqual(res.body, {
                statusCode: 400,
                error: "Bad Request",
                message: `Payload validation error: 'Additional properties not allowed: ${field}'.`,
                errorCode: "invalid_body",
            });
            assert.equal(emulator.state.connections[SAMPLE.okta].name, "okta-workforce");
        });
    }

    it("replaces the whole options object: keys left out are gone", async () => {
        const before = emulator.state.connections[SAMPLE.database].options ?? {};
        assert.ok("mfa" in before && "passwordPolicy" in before);
        const { mfa: _mfa, passwordPolicy: _policy, ...rest } = before;
        const res = await call(emulator, "PATCH", one(SAMPLE.database), { body: { options: rest } });
        assert.equal(res.status, 200);
        const after = (await call(emulator, "GET", one(SAMPLE.database))).body.options as Json;
        assert.ok(!("mfa" in after));
        assert.ok(!("passwordPolicy" in after));
        assert.deepEqual(after.password_complexity_options, before.password_complexity_options);
    });

    it("re-adds passkey_options, authentication_methods and brute_force_protection on auth0 connections", async () => {
        const res = await call(emulator, "PATCH", one(SAMPLE.database), { body: { options: { import_mode: true } } });
        const options = res.body.options as Json;
        assert.deepEqual(Object.keys(options).sort(), [
            "authentication_methods",
            "brute_force_protection",
            "import_mode",
            "passkey_options",
        ]);
        assert.equal(options.brute_force_protection, true);
    });

    it("adds nothing of its own to the options of strategies without recorded re-adds (oidc)", async () => {
        const created = await call(emulator, "POST", "/api/v2/connections", {
            body: { name: "oidc-plain", strategy: "oidc", options: { client_id: "a", scope: "openid" } },
        });
        assert.equal(created.status, 201);
        const res = await call(emulator, "PATCH", one(String(created.body.id)), { body: { options: { client_id: "b" } } });
        assert.deepEqual(res.body.options, { client_id: "b" });
    });

    it("stores unknown option keys byte for byte when the whole object is sent back", async () => {
        const read = await call(emulator, "GET", one(SAMPLE.samlp));
        const sent = read.body.options as Json;
        const res = await call(emulator, "PATCH", one(SAMPLE.samlp), { body: { options: sent } });
        assert.equal(res.status, 200);
        const again = await call(emulator, "GET", one(SAMPLE.samlp));
        assert.equal(JSON.stringify(again.body.options), JSON.stringify(sent));
        assert.match(String((again.body.options as Json).signingCert), /^-----BEGIN CERTIFICATE-----\n/);
    });

    it("leaves options alone when a PATCH does not mention them", async () => {
        const before = JSON.stringify(emulator.state.connections[SAMPLE.waad].options);
        const res = await call(emulator, "PATCH", one(SAMPLE.waad), { body: { display_name: "Contoso", show_as_button: false } });
        assert.equal(res.status, 200);
        assert.equal(res.body.display_name, "Contoso");
        assert.equal(JSON.stringify(emulator.state.connections[SAMPLE.waad].options), before);
    });

    it("needs update:connections_options to change options, and names it", async () => {
        const token = tokenWith(
            emulator,
            EVERY_SCOPE.filter((s) => s !== "update:connections_options"),
        );
        const before = JSON.stringify(emulator.state.connections[SAMPLE.waad].options);
        const res = await call(emulator, "PATCH", one(SAMPLE.waad), { token, body: { options: { a: 1 } } });
        assert.equal(res.status, 403);
        assert.equal(res.body.message, "Insufficient scope, expected any of: update:connections_options");
        assert.equal(res.body.errorCode, "insufficient_scope");
        assert.equal(JSON.stringify(emulator.state.connections[SAMPLE.waad].options), before);
        const plain = await call(emulator, "PATCH", one(SAMPLE.waad), { token, body: { display_name: "Still fine" } });
        assert.equal(plain.status, 200);
    });

    it("accepts the three set_user_root_attributes values and refuses anything else", async () => {
        for (const mode of ["on_each_login", "on_first_login", "never_on_login"]) {
            const res = await call(emulator, "PATCH", one(SAMPLE.waad), { body: { options: { set_user_root_attributes: mode } } });
            assert.equal(res.status, 200, mode);
        }
        const bad = await call(emulator, "PATCH", one(SAMPLE.waad), { body: { options: { set_user_root_attributes: "always" } } });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.errorCode, "invalid_body");
        assert.equal(emulator.state.connections[SAMPLE.waad].options?.set_user_root_attributes, "never_on_login");
    });

    it("refuses set_user_root_attributes on a passwordless connection", async () => {
        const before = JSON.stringify(emulator.state.connections[SAMPLE.email].options);
        const options = { ...emulator.state.connections[SAMPLE.email].options, set_user_root_attributes: "on_first_login" };
        const res = await call(emulator, "PATCH", one(SAMPLE.email), { body: { options } });
        assert.equal(res.status, 400);
        assert.equal(res.body.errorCode, "invalid_body");
        assert.equal(JSON.stringify(emulator.state.connections[SAMPLE.email].options), before);
    });

    it("refuses options that are not an object", async () => {
        for (const options of [[], "x", null, 3]) {
            const res = await call(emulator, "PATCH", one(SAMPLE.okta), { body: { options } });
            assert.equal(res.status, 400, JSON.stringify(options));
            assert.equal(res.body.errorCode, "invalid_body");
        }
    });

    it("answers 404 inexistent_connection when patching an unknown id", async () => {
        const res = await call(emulator, "PATCH", one("con_doesnotexist0000"), { body: { display_name: "x" } });
        assert.equal(res.status, 404);
        assert.equal(res.body.errorCode, "inexistent_connection");
    });

    it("refuses to turn off api_enable_users or ext_groups while directory provisioning exists", async () => {
        const options = emulator.state.connections[SAMPLE.google].options ?? {};
        assert.equal((await call(emulator, "POST", `${one(SAMPLE.google)}/directory-provisioning`)).status, 201);
        const off = await call(emulator, "PATCH", one(SAMPLE.google), { body: { options: { ...options, api_enable_users: false } } });
        assert.equal(off.status, 400);
        assert.equal(off.body.errorCode, "invalid_body");
        assert.match(String(off.body.message), /api_enable_users/);
        const { ext_groups: _dropped, ...withoutGroups } = options;
        const removed = await call(emulator, "PATCH", one(SAMPLE.google), { body: { options: withoutGroups } });
        assert.equal(removed.status, 400);
        assert.match(String(removed.body.message), /ext_groups/);
        const kept = await call(emulator, "PATCH", one(SAMPLE.google), { body: { options: { ...options, email: false } } });
        assert.equal(kept.status, 200);
    });

    it("allows turning api_enable_users off once directory provisioning is gone", async () => {
        assert.equal((await call(emulator, "POST", `${one(SAMPLE.google)}/directory-provisioning`)).status, 201);
        assert.equal((await call(emulator, "DELETE", `${one(SAMPLE.google)}/directory-provisioning`)).status, 204);
        const options = { ...emulator.state.connections[SAMPLE.google].options, api_enable_users: false };
        const res = await call(emulator, "PATCH", one(SAMPLE.google), { body: { options } });
        assert.equal(res.status, 200);
        assert.equal((res.body.options as Json).api_enable_users, false);
    });
});

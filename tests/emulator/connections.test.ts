import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, tokenWith, type Json } from "../helpers/emulator-client";

const LIST = "/api/v2/connections";

describe("Emulator connections: reading", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("lists the six sample connections in seed order, with options for a full-scope token", async () => {
        const res = await call<Json[]>(emulator, "GET", LIST);
        assert.equal(res.status, 200);
        assert.deepEqual(
            res.body.map((c) => c.name),
            ["okta-workforce", "acme-saml", "contoso-entra", "google-workspace", "Username-Password-Authentication", "email"],
        );
        assert.ok(res.body.every((c) => typeof c.options === "object"));
    });

    it("hides options in the list and in a single read without read:connections_options", async () => {
        const token = tokenWith(emulator, ["read:connections"]);
        const list = await call<Json[]>(emulator, "GET", LIST, { token });
        assert.ok(list.body.every((c) => !("options" in c)));
        assert.ok(list.body.every((c) => typeof c.id === "string" && typeof c.name === "string"));
        const one = await call(emulator, "GET", `${LIST}/${SAMPLE.samlp}`, { token });
        assert.equal(one.status, 200);
        assert.equal(one.body.name, "acme-saml");
        assert.ok(!("options" in one.body));
        const full = await call(emulator, "GET", `${LIST}/${SAMPLE.samlp}`);
        assert.equal((full.body.options as Json).x_custom_flag, "keep-me ✓ (do not drop)");
    });

    it("filters by strategy, including a repeated strategy parameter", async () => {
        const one = await call<Json[]>(emulator, "GET", `${LIST}?strategy=samlp`);
        assert.deepEqual(
            one.body.map((c) => c.name),
            ["acme-saml"],
        );
        const two = await call<Json[]>(emulator, "GET", `${LIST}?strategy=okta&strategy=waad`);
        assert.deepEqual(
            two.body.map((c) => c.name),
            ["okta-workforce", "contoso-entra"],
        );
    });

    it("filters by exact name", async () => {
        const res = await call<Json[]>(emulator, "GET", `${LIST}?name=google-workspace`);
        assert.deepEqual(
            res.body.map((c) => c.id),
            [SAMPLE.google],
        );
    });

    it("pages with page and per_page", async () => {
        const res = await call<Json[]>(emulator, "GET", `${LIST}?per_page=2&page=1`);
        assert.deepEqual(
            res.body.map((c) => c.name),
            ["contoso-entra", "google-workspace"],
        );
        const last = await call<Json[]>(emulator, "GET", `${LIST}?per_page=4&page=1`);
        assert.equal(last.body.length, 2);
    });

    it("wraps the page with start, limit and total when include_totals is true", async () => {
        const res = await call(emulator, "GET", `${LIST}?per_page=2&page=1&include_totals=true`);
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body).sort(), ["connections", "limit", "start", "total"]);
        assert.equal(res.body.start, 2);
        assert.equal(res.body.limit, 2);
        assert.equal(res.body.total, 6);
        assert.equal((res.body.connections as Json[]).length, 2);
    });

    it("defaults per_page to 50 and refuses more than 100", async () => {
        const res = await call(emulator, "GET", `${LIST}?include_totals=true`);
        assert.equal(res.body.limit, 50);
        const tooMany = await call(emulator, "GET", `${LIST}?per_page=101`);
        assert.equal(tooMany.status, 400);
        assert.equal(tooMany.body.error, "Bad Request");
    });

    it("returns the requested fields plus id, is_domain_connection, authentication and connected_accounts, or all but them with include_fields=false", async () => {
        const always = ["authentication", "connected_accounts", "id", "is_domain_connection"];
        const only = await call<Json[]>(emulator, "GET", `${LIST}?fields=id,name`);
        assert.ok(only.body.every((c) => Object.keys(c).sort().join() === [...always, "name"].sort().join()));
        const ids = await call<Json[]>(emulator, "GET", `${LIST}?fields=id&include_fields=true`);
        assert.deepEqual(Object.keys(ids.body[0]).sort(), always);
        const without = await call<Json[]>(emulator, "GET", `${LIST}?fields=options,realms&include_fields=false`);
        assert.ok(without.body.every((c) => !("options" in c) && !("realms" in c) && "strategy" in c));
        const one = await call(emulator, "GET", `${LIST}/${SAMPLE.okta}?fields=strategy`);
        assert.deepEqual(one.body, {
            id: SAMPLE.okta,
            strategy: "okta",
            is_domain_connection: false,
            authentication: { active: true },
            connected_accounts: { active: false },
        });
    });

    it("answers 404 inexistent_connection for an unknown id", async () => {
        const res = await call(emulator, "GET", `${LIST}/con_doesnotexist0000`);
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, {
            statusCode: 404,
            error: "Not Found",
            message: "The connection does not exist",
            errorCode: "inexistent_connection",
        });
    });
});

describe("Emulator connections: creating and deleting", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator();
    });
    afterEach(() => emulator.close());

    it("creates a connection with a con_ id and answers 201", async () => {
        const res = await call(emulator, "POST", LIST, {
            body: { name: "new-oidc", strategy: "oidc", options: { issuer: "https://idp.example", x_keep: [1, { a: null }] } },
        });
        assert.equal(res.status, 201);
        assert.match(String(res.body.id), /^con_[A-Za-z0-9]{16}$/);
        assert.equal(res.body.strategy, "oidc");
        assert.deepEqual(res.body.options, { issuer: "https://idp.example", x_keep: [1, { a: null }] });
        const again = await call(emulator, "GET", `${LIST}/${String(res.body.id)}`);
        assert.equal(again.body.name, "new-oidc");
    });

    it("adds the server's own defaults to a new database connection", async () => {
        const res = await call(emulator, "POST", LIST, { body: { name: "db-two", strategy: "auth0" } });
        const options = res.body.options as Json;
        assert.equal(options.brute_force_protection, true);
        assert.ok("passkey_options" in options && "authentication_methods" in options);
    });

    it("answers 409 connection_conflict for a name already in use", async () => {
        const res = await call(emulator, "POST", LIST, { body: { name: "acme-saml", strategy: "samlp" } });
        assert.equal(res.status, 409);
        assert.deepEqual(res.body, {
            statusCode: 409,
            error: "Conflict",
            message: "A connection with the same name already exists",
            errorCode: "connection_conflict",
        });
    });

    it("answers 400 invalid_body without a strategy, without a name, or with an unknown field", async () => {
        for (const body of [{ name: "no-strategy" }, { strategy: "auth0" }, { name: "extra", strategy: "auth0", id: "con_x" }]) {
            const res = await call(emulator, "POST", LIST, { body });
            assert.equal(res.status, 400, JSON.stringify(body));
            assert.equal(res.body.errorCode, "invalid_body");
            assert.match(String(res.body.message), /^Payload validation error: /);
        }
    });

    it("deletes with 202 deleted_at and takes the SCIM configuration and its tokens along", async () => {
        const res = await call(emulator, "DELETE", `${LIST}/${SAMPLE.samlp}`);
        assert.equal(res.status, 202);
        assert.deepEqual(Object.keys(res.body), ["deleted_at"]);
        assert.ok(!Number.isNaN(Date.parse(String(res.body.deleted_at))));
        assert.equal((await call(emulator, "GET", `${LIST}/${SAMPLE.samlp}`)).status, 404);
        assert.equal(emulator.state.scimConfigurations[SAMPLE.samlp], undefined);
        assert.equal(emulator.state.scimTokens[SAMPLE.samlp], undefined);
        const scim = await call(emulator, "GET", `${LIST}/${SAMPLE.samlp}/scim-configuration`);
        assert.equal(scim.body.errorCode, "inexistent_connection");
    });

    it("deletes the directory provisioning together with its connection", async () => {
        const created = await call(emulator, "POST", `${LIST}/${SAMPLE.google}/directory-provisioning`);
        assert.equal(created.status, 201);
        assert.equal((await call(emulator, "DELETE", `${LIST}/${SAMPLE.google}`)).status, 202);
        assert.equal(emulator.state.directoryProvisionings[SAMPLE.google], undefined);
    });

    it("answers 204 with an empty body when deleting an already deleted connection", async () => {
        const created = await call(emulator, "POST", LIST, { body: { name: "short-lived", strategy: "oidc" } });
        const one = `${LIST}/${String(created.body.id)}`;
        const first = await call(emulator, "DELETE", one);
        assert.equal(first.status, 202);
        assert.deepEqual(Object.keys(first.body), ["deleted_at"]);
        const again = await call(emulator, "DELETE", one);
        assert.equal(again.status, 204);
        assert.equal(again.text, "");
        assert.equal((await call(emulator, "GET", one)).status, 404);
    });

    it("answers 204 with an empty body when deleting a connection that never existed", async () => {
        const res = await call(emulator, "DELETE", `${LIST}/con_doesnotexist0000`);
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
    });
});

describe("Emulator connection list checkpoint pagination", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startEmulator();
    });
    after(() => emu.close());

    it("pages with from/take and returns next until the end", async () => {
        const seen: string[] = [];
        let from: string | undefined;
        for (let i = 0; i < 10; i++) {
            const q = `take=4${from ? `&from=${from}` : ""}`;
            const res = await fetch(`${emu.url}/api/v2/connections?${q}`, { headers: { authorization: "Bearer local-admin-token" } });
            assert.equal(res.status, 200);
            const body = (await res.json()) as { connections: { id: string }[]; next?: string };
            seen.push(...body.connections.map((c) => c.id));
            if (body.next === undefined) break;
            from = body.next;
        }
        assert.deepEqual(seen, Object.keys(emu.state.connections));
    });

    it("rejects a take over 100 with a 400", async () => {
        const res = await fetch(`${emu.url}/api/v2/connections?take=101`, { headers: { authorization: "Bearer local-admin-token" } });
        assert.equal(res.status, 400);
    });
});

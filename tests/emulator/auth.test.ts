import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, EVERY_SCOPE, SAMPLE, tokenWithout, type Json } from "../helpers/emulator-client";

const CLIENT = { client_id: "local-client", client_secret: "local-secret" };

async function requestToken(emulator: RunningEmulator, fields: Record<string, string>, form = false) {
    const body = form ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
    const response = await fetch(`${emulator.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json" },
        body,
    });
    return { status: response.status, body: (await response.json()) as Json };
}

function grant(emulator: RunningEmulator, extra: Record<string, string> = {}): Record<string, string> {
    return { grant_type: "client_credentials", ...CLIENT, audience: `https://${emulator.domain}/api/v2/`, ...extra };
}

describe("Emulator authentication", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("answers 401 Missing authentication without an Authorization header", async () => {
        const res = await call(emulator, "GET", "/api/v2/connections", { token: null });
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, { statusCode: 401, error: "Unauthorized", message: "Missing authentication" });
    });

    it("answers 401 Invalid token for a token it never issued", async () => {
        const res = await call(emulator, "GET", "/api/v2/connections", { token: "made-up" });
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, { statusCode: 401, error: "Unauthorized", message: "Invalid token" });
    });

    it("answers 401 for a non-Bearer Authorization header", async () => {
        const res = await call(emulator, "GET", "/api/v2/connections", {
            token: null,
            headers: { authorization: "Basic bG9jYWw6c2VjcmV0" },
        });
        assert.equal(res.status, 401);
        assert.equal((res.body as Json).error, "Unauthorized");
    });

    it("issues a working token for a JSON client-credentials request", async () => {
        const res = await requestToken(emulator, grant(emulator));
        assert.equal(res.status, 200);
        assert.equal(res.body.token_type, "Bearer");
        assert.equal(res.body.expires_in, 86400);
        assert.deepEqual(String(res.body.scope).split(" ").sort(), [...EVERY_SCOPE].sort());
        assert.equal(typeof res.body.access_token, "string");
        const list = await call(emulator, "GET", "/api/v2/connections", { token: String(res.body.access_token) });
        assert.equal(list.status, 200);
    });

    it("issues a working token for a form-urlencoded request, as the official SDK sends it", async () => {
        const res = await requestToken(emulator, grant(emulator), true);
        assert.equal(res.status, 200);
        const one = await call(emulator, "GET", `/api/v2/connections/${SAMPLE.okta}`, { token: String(res.body.access_token) });
        assert.equal(one.status, 200);
    });

    it("issues a different opaque token on every request", async () => {
        const a = await requestToken(emulator, grant(emulator));
        const b = await requestToken(emulator, grant(emulator));
        assert.notEqual(a.body.access_token, b.body.access_token);
    });

    it("refuses a wrong client secret with 401 access_denied", async () => {
        const res = await requestToken(emulator, grant(emulator, { client_secret: "nope" }));
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, { error: "access_denied", error_description: "Unauthorized" });
    });

    it("refuses an unknown client with 401 access_denied", async () => {
        const res = await requestToken(emulator, grant(emulator, { client_id: "someone-else" }), true);
        assert.equal(res.status, 401);
        assert.equal(res.body.error, "access_denied");
    });

    it("refuses an audience that is not this tenant's Management API with 403", async () => {
        const audience = "https://other.example/api/v2/";
        const res = await requestToken(emulator, grant(emulator, { audience }));
        assert.equal(res.status, 403);
        assert.deepEqual(res.body, {
            error: "access_denied",
            error_description: `Service not enabled within domain: ${audience}`,
        });
    });

    it("refuses grant types other than client_credentials", async () => {
        const res = await requestToken(emulator, grant(emulator, { grant_type: "password" }));
        assert.equal(res.status, 403);
        assert.equal(res.body.error, "unsupported_grant_type");
    });

    it("narrows the token to the requested scope", async () => {
        const res = await requestToken(emulator, grant(emulator, { scope: "read:connections" }));
        assert.equal(res.body.scope, "read:connections");
        const token = String(res.body.access_token);
        assert.equal((await call(emulator, "GET", "/api/v2/connections", { token })).status, 200);
        const create = await call(emulator, "POST", "/api/v2/connections", { token, body: { name: "x1", strategy: "auth0" } });
        assert.equal(create.status, 403);
    });

    it("journals token requests", async () => {
        emulator.clearJournal();
        await requestToken(emulator, grant(emulator));
        assert.equal(emulator.journal.length, 1);
        assert.equal(emulator.journal[0].path, "/oauth/token");
        assert.equal(emulator.journal[0].status, 200);
    });
});

describe("Emulator token expiry", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ tokenLifetimeSeconds: 1 });
    });
    after(() => emulator.close());

    it("stops accepting an issued token once its lifetime is over", async () => {
        const res = await requestToken(emulator, grant(emulator));
        assert.equal(res.body.expires_in, 1);
        const token = String(res.body.access_token);
        assert.equal((await call(emulator, "GET", "/api/v2/connections", { token })).status, 200);
        // The emulator runs in this process: its clock moves past the lifetime, no test waits for it.
        const realNow = Date.now;
        Date.now = () => realNow() + 1000;
        const late = await call(emulator, "GET", "/api/v2/connections", { token }).finally(() => {
            Date.now = realNow;
        });
        assert.equal(late.status, 401);
        assert.equal((late.body as Json).error, "Unauthorized");
        assert.match(String((late.body as Json).message), /Expired token|Invalid token/);
    });
});

const C = `/api/v2/connections/${SAMPLE.samlp}`;
const G = `/api/v2/connections/${SAMPLE.google}`;
const ROUTE_SCOPES: Array<[string, string, string]> = [
    ["GET", "/api/v2/connections", "read:connections"],
    ["POST", "/api/v2/connections", "create:connections"],
    ["GET", C, "read:connections"],
    ["PATCH", C, "update:connections"],
    ["DELETE", C, "delete:connections"],
    ["GET", `${C}/scim-configuration`, "read:scim_config"],
    ["POST", `${C}/scim-configuration`, "create:scim_config"],
    ["PATCH", `${C}/scim-configuration`, "update:scim_config"],
    ["DELETE", `${C}/scim-configuration`, "delete:scim_config"],
    ["GET", `${C}/scim-configuration/default-mapping`, "read:scim_config"],
    ["GET", `${C}/scim-configuration/tokens`, "read:scim_token"],
    ["POST", `${C}/scim-configuration/tokens`, "create:scim_token"],
    ["DELETE", `${C}/scim-configuration/tokens/tok_Q2x7mP4sT9vB1nK6`, "delete:scim_token"],
    ["GET", `${G}/directory-provisioning`, "read:directory_provisionings"],
    ["POST", `${G}/directory-provisioning`, "create:directory_provisionings"],
    ["PATCH", `${G}/directory-provisioning`, "update:directory_provisionings"],
    ["DELETE", `${G}/directory-provisioning`, "delete:directory_provisionings"],
    ["GET", `${G}/directory-provisioning/default-mapping`, "read:directory_provisionings"],
    ["POST", `${G}/directory-provisioning/synchronizations`, "create:directory_provisionings"],
    ["GET", `${G}/directory-provisioning/synchronized-groups`, "read:directory_provisionings"],
    ["PUT", `${G}/directory-provisioning/synchronized-groups`, "update:directory_provisionings"],
    ["POST", `${G}/directory-provisioning/synchronized-groups`, "update:directory_provisionings"],
    ["DELETE", `${G}/directory-provisioning/synchronized-groups`, "update:directory_provisionings"],
    ["GET", "/api/v2/connections-scim-configurations", "read:scim_config"],
    ["GET", "/api/v2/connections-directory-provisionings", "read:directory_provisionings"],
];

describe("Emulator scope checks", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    for (const [method, path, scope] of ROUTE_SCOPES) {
        it(`answers 403 naming ${scope} for ${method} ${path.replace(/con_\w+/, "{id}")}`, async () => {
            const token = tokenWithout(emulator, scope);
            const body = method === "POST" || method === "PATCH" ? {} : undefined;
            const res = await call(emulator, method, path, { token, body });
            assert.equal(res.status, 403);
            assert.deepEqual(res.body, {
                statusCode: 403,
                error: "Forbidden",
                message: `Insufficient scope, expected any of: ${scope}`,
                errorCode: "insufficient_scope",
            });
        });
    }

    it("left the tenant untouched after all those refusals", () => {
        assert.ok(emulator.state.connections[SAMPLE.samlp]);
        assert.ok(emulator.state.scimConfigurations[SAMPLE.samlp]);
        assert.equal(Object.keys(emulator.state.connections).length, 6);
    });
});

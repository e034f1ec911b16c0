import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, type Json } from "../helpers/emulator-client";

const tokens = (id: string, suffix = "") => `/api/v2/connections/${id}/scim-configuration/tokens${suffix}`;
const PLAIN_404 = { statusCode: 404, error: "Not Found", message: "Not Found" };
const TOO_MANY = {
    statusCode: 409,
    error: "Conflict",
    message: "A connection can have at most 2 active SCIM tokens",
    errorCode: "too_many_tokens",
};

/** A fresh oidc connection with a SCIM configuration and no tokens, so limits start from zero. */
async function scimConnection(emulator: RunningEmulator, name: string): Promise<string> {
    const created = await call(emulator, "POST", "/api/v2/connections", { body: { name, strategy: "oidc" } });
    const id = String(created.body.id);
    assert.equal((await call(emulator, "POST", `/api/v2/connections/${id}/scim-configuration`)).status, 201);
    return id;
}

describe("Emulator SCIM tokens", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("lists the seeded token without its secret and without last_used_at", async () => {
        const res = await call<Json[]>(emulator, "GET", tokens(SAMPLE.samlp));
        assert.equal(res.status, 200);
        assert.equal(res.body.length, 1);
        assert.equal(res.body[0].token_id, "tok_Q2x7mP4sT9vB1nK6");
        assert.equal(res.body[0].valid_until, "2026-11-04T09:13:02.004Z");
        assert.ok(!("token" in res.body[0]));
        assert.ok(!("last_used_at" in res.body[0]));
    });

    it("shows a token shaped tok_<id>.<64 hex> once, on the POST that creates it", async () => {
        const id = await scimConnection(emulator, "tokens-shape");
        const res = await call(emulator, "POST", tokens(id), { body: { scopes: ["get:users", "post:users"] } });
        assert.equal(res.status, 201);
        assert.match(String(res.body.token_id), /^tok_[A-Za-z0-9]{16}$/);
        assert.match(String(res.body.token), /^tok_[A-Za-z0-9]{16}\.[0-9a-f]{64}$/);
        assert.ok(String(res.body.token).startsWith(`${String(res.body.token_id)}.`));
        assert.deepEqual(res.body.scopes, ["get:users", "post:users"]);
        assert.ok(!Number.isNaN(Date.parse(String(res.body.created_at))));
        assert.ok(!("valid_until" in res.body));
        const list = await call<Json[]>(emulator, "GET", tokens(id));
        assert.equal(list.body.length, 1);
        assert.ok(!("token" in list.body[0]));
        assert.ok(!list.text.includes(String(res.body.token)));
    });

    it("sets valid_until from token_lifetime, in the answer and in the list", async () => {
        const id = await scimConnection(emulator, "tokens-lifetime");
        const res = await call(emulator, "POST", tokens(id), { body: { token_lifetime: 3600 } });
        assert.equal(res.status, 201);
        const span = Date.parse(String(res.body.valid_until)) - Date.parse(String(res.body.created_at));
        assert.equal(span, 3600 * 1000);
        const list = await call<Json[]>(emulator, "GET", tokens(id));
        assert.equal(list.body[0].valid_until, res.body.valid_until);
    });

    it("refuses a token_lifetime under 900 seconds or not a whole number, and accepts exactly 900", async () => {
        const id = await scimConnection(emulator, "tokens-minimum");
        for (const token_lifetime of [899, 0, -5, "1h", 1000.5]) {
            const res = await call(emulator, "POST", tokens(id), { body: { token_lifetime } });
            assert.equal(res.status, 400, JSON.stringify(token_lifetime));
            assert.equal(res.body.errorCode, "invalid_body");
        }
        assert.equal((await call<Json[]>(emulator, "GET", tokens(id))).body.length, 0);
        assert.equal((await call(emulator, "POST", tokens(id), { body: { token_lifetime: 900 } })).status, 201);
    });

    it("allows two active tokens and refuses a third with 409 too_many_tokens", async () => {
        const id = await scimConnection(emulator, "tokens-limit");
        assert.equal((await call(emulator, "POST", tokens(id), { body: {} })).status, 201);
        assert.equal((await call(emulator, "POST", tokens(id), { body: { token_lifetime: 86400 } })).status, 201);
        const third = await call(emulator, "POST", tokens(id), { body: {} });
        assert.equal(third.status, 409);
        assert.deepEqual(third.body, TOO_MANY);
        assert.equal((await call<Json[]>(emulator, "GET", tokens(id))).body.length, 2);
    });

    it("makes room for a new token once one is deleted or has expired", async () => {
        const id = await scimConnection(emulator, "tokens-room");
        const first = await call(emulator, "POST", tokens(id), { body: {} });
        await call(emulator, "POST", tokens(id), { body: { token_lifetime: 900 } });
        assert.equal((await call(emulator, "DELETE", tokens(id, `/${String(first.body.token_id)}`))).status, 204);
        assert.equal((await call(emulator, "POST", tokens(id), { body: {} })).status, 201);
        assert.equal((await call(emulator, "POST", tokens(id), { body: {} })).status, 409);
        // As if a day had passed: the 900-second token is no longer active, but still listed.
        for (const token of emulator.state.scimTokens[id]) {
            if (token.valid_until !== undefined) token.valid_until = new Date(Date.now() - 1000).toISOString();
        }
        assert.equal((await call(emulator, "POST", tokens(id), { body: {} })).status, 201);
        assert.equal((await call<Json[]>(emulator, "GET", tokens(id))).body.length, 3);
    });

    it("deletes a token with 204, after which it is gone and a second DELETE is 404", async () => {
        const id = await scimConnection(emulator, "tokens-delete");
        const created = await call(emulator, "POST", tokens(id), { body: {} });
        const tokenId = String(created.body.token_id);
        const res = await call(emulator, "DELETE", tokens(id, `/${tokenId}`));
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        const list = await call<Json[]>(emulator, "GET", tokens(id));
        assert.ok(!list.body.some((t) => t.token_id === tokenId));
        assert.equal((await call(emulator, "DELETE", tokens(id, `/${tokenId}`))).status, 404);
    });

    it("answers 404 for token routes when the connection has no SCIM configuration", async () => {
        const res = await call(emulator, "POST", tokens(SAMPLE.okta), { body: {} });
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, PLAIN_404);
    });
});

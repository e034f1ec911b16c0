import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createApi, getApi } from "../../management-api/client";
import { isAuth0ApiError, type Auth0ApiError, isNoResponse } from "../../management-api/errors";
import { getRequestStats } from "../../management-api/state";
import { normalizeDomain, resolveCredentials } from "../../management-api/settings";
import { resolveWireUrl } from "../../management-api/transport";
import { apiCalls, SAMPLE, SAMPLE_CLIENT, startForProvider, tokenWithScopes, useEmulator, emulatorFetch } from "../helpers/api";

async function failure(p: Promise<unknown>): Promise<Auth0ApiError> {
    try {
        await p;
    } catch (err) {
        assert.ok(isAuth0ApiError(err), `expected an Auth0ApiError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected the call to fail");
}

describe("Management API client", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.setFaults([]);
        emu.setRateLimit(undefined);
        emu.clearJournal();
    });

    it("reads a connection with its unknown option keys untouched", async () => {
        const conn = await getApi().getConnection(SAMPLE.samlp);
        assert.deepEqual(conn.options, emu.state.connections[SAMPLE.samlp].options);
    });

    it("fetches one client-credentials token and reuses it across calls", async () => {
        useEmulator(emu, SAMPLE_CLIENT);
        await getApi().getConnection(SAMPLE.okta);
        await getApi().getConnection(SAMPLE.samlp);
        await getApi().getScimConfig(SAMPLE.samlp);
        assert.equal(emu.journal.filter((e) => e.path === "/oauth/token").length, 1);
        assert.equal(apiCalls(emu.journal).length, 3);
    });

    it("fetches a new token when the cached one is about to expire", async () => {
        // The SDK refreshes 10 s ahead of expiry: a 9 s token is about to expire from the start.
        const shortLived = await startEmulator({ tokenLifetimeSeconds: 9 });
        try {
            useEmulator(shortLived, SAMPLE_CLIENT);
            await getApi().getConnection(SAMPLE.okta);
            await getApi().getConnection(SAMPLE.okta);
            assert.equal(shortLived.journal.filter((e) => e.path === "/oauth/token").length, 2);
        } finally {
            await shortLived.close();
        }
    });

    it("reports a wrong client secret without ever showing the secret", async () => {
        useEmulator(emu, { clientId: "local-client", clientSecret: "wrong-secret-value" });
        const err = await failure(getApi().getConnection(SAMPLE.okta));
        assert.equal(err.status, 401);
        assert.match(err.message, /^Auth0 API POST \/oauth\/token failed with 401: /);
        assert.doesNotMatch(err.message + JSON.stringify(err), /wrong-secret-value/);
    });

    it("turns API errors into one error class with status, method, path, errorCode and message", async () => {
        const err = await failure(getApi().getConnection("con_doesnotexist0000"));
        assert.equal(err.message, "Auth0 API GET /api/v2/connections/con_doesnotexist0000 failed with 404: The connection does not exist");
        assert.equal(err.errorCode, "inexistent_connection");
        assert.equal(err.method, "GET");
    });

    it("names the missing scope in a 403", async () => {
        useEmulator(emu, { apiToken: tokenWithScopes(emu, ["read:connections"]) });
        const err = await failure(getApi().getScimConfig(SAMPLE.samlp));
        assert.equal(err.status, 403);
        assert.equal(err.errorCode, "insufficient_scope");
        assert.match(err.message, /read:scim_config/);
    });

    it("answers undefined for a missing SCIM config but fails for a missing connection", async () => {
        assert.equal(await getApi().getScimConfig(SAMPLE.okta), undefined);
        assert.equal((await failure(getApi().getScimConfig("con_doesnotexist0000"))).status, 404);
    });

    it("retries a GET after 503s and succeeds", async () => {
        emu.setFaults([{ method: "GET", path: "^/api/v2/connections/[^/]+$", kind: "status", status: 503, times: 2 }]);
        const conn = await createApi({ ...resolveCredentials(), timeoutMs: 2000 }, { backoffMs: 10 }).getConnection(SAMPLE.okta);
        assert.equal(conn.id, SAMPLE.okta);
        assert.deepEqual(
            apiCalls(emu.journal).map((e) => e.status),
            [503, 503, 200],
        );
    });

    it("retries a GET after a dropped connection and after a timeout", async () => {
        emu.setFaults([
            { method: "GET", path: "^/api/v2/connections/[^/]+$", kind: "drop", times: 1 },
            { method: "GET", path: "^/api/v2/connections/[^/]+$", kind: "slow", delayMs: 1500, times: 1 },
        ]);
        const api = createApi({ ...resolveCredentials(), timeoutMs: 400 }, { backoffMs: 10 });
        assert.equal((await api.getConnection(SAMPLE.okta)).id, SAMPLE.okta);
        assert.ok(getRequestStats().retries >= 2, JSON.stringify(getRequestStats()));
    });

    it("never re-sends a POST that may have been processed, and says why it failed", async () => {
        emu.setFaults([{ method: "POST", path: "/scim-configuration/tokens$", kind: "status-after-processing", status: 503, times: 1 }]);
        const before = (emu.state.scimTokens[SAMPLE.samlp] ?? []).length;
        const err = await failure(
            createApi(resolveCredentials(), { backoffMs: 10 }).createScimToken(SAMPLE.samlp, { scopes: ["get:users"] }),
        );
        assert.equal(err.status, 503);
        assert.equal(emu.journal.filter((e) => e.method === "POST").length, 1);
        assert.equal(emu.state.scimTokens[SAMPLE.samlp].length, before + 1, "the server did create one token");
    });

    it("retries a create-or-conflict POST, whose repeat the API refuses, and the provider adopts", async () => {
        emu.setFaults([{ method: "POST", path: "/scim-configuration$", kind: "status-after-processing", status: 503, times: 1 }]);
        const err = await failure(createApi(resolveCredentials(), { backoffMs: 10 }).createScimConfig(SAMPLE.okta, {}));
        // The first POST created it behind a 503; the retry met "already exists".
        assert.equal(err.status, 400);
        assert.deepEqual(
            emu.journal.filter((e) => e.method === "POST").map((e) => e.status),
            [503, 400],
        );
        assert.ok(emu.state.scimConfigurations[SAMPLE.okta]);
        delete emu.state.scimConfigurations[SAMPLE.okta];
    });

    it("gives up on a slow POST with a timeout error and does not repeat it", async () => {
        emu.setFaults([{ method: "POST", path: "/scim-configuration/tokens$", kind: "slow", delayMs: 1500, times: 1 }]);
        const err = await createApi({ ...resolveCredentials(), timeoutMs: 300 })
            .createScimToken(SAMPLE.samlp, { scopes: ["get:users"] })
            .then(
                () => assert.fail("expected the call to fail"),
                (e: unknown) => e,
            );
        assert.ok(isNoResponse(err), `expected an Auth0NoResponseError, got ${String(err)}`);
        assert.ok(!isAuth0ApiError(err), "no answer is not an API answer");
        assert.equal(
            err.message,
            `Auth0 API POST /api/v2/connections/${SAMPLE.samlp}/scim-configuration/tokens failed: timed out after 300 ms`,
        );
        assert.equal(emu.journal.filter((e) => e.method === "POST").length, 1);
    });

    it("waits out a 429 caused by someone else sharing the bucket, then succeeds", async function () {
        this.timeout(10_000);
        emu.setRateLimit({ rate: 2, burst: 2 });
        // Another tool drains the bucket behind our back.
        for (let i = 0; i < 3; i++)
            await emulatorFetch(emu, `/api/v2/connections/${SAMPLE.okta}`, { headers: { authorization: "Bearer local-admin-token" } });
        const conn = await getApi().getConnection(SAMPLE.okta);
        assert.equal(conn.id, SAMPLE.okta);
        assert.ok(getRequestStats().rateLimited >= 1, "it met a 429 and waited");
    });

    it("paces a burst of requests under a 2 req/s limit so no 429 happens", async function () {
        this.timeout(20_000);
        emu.setRateLimit({ rate: 2, burst: 2 }); // a full bucket, whatever ran before
        const api = getApi();
        const ids = Object.keys(emu.state.connections);
        await Promise.all(Array.from({ length: 10 }, (_, i) => api.getConnection(ids[i % ids.length])));
        const statuses = apiCalls(emu.journal).map((e) => e.status);
        assert.equal(statuses.filter((s) => s === 429).length, 0, `statuses: ${statuses.join(",")}`);
        assert.equal(statuses.length, 10);
    });

    it("lists connections across pages and by strategy", async () => {
        for (let i = 0; i < 250; i++) {
            const id = `con_bulk${String(i).padStart(12, "0")}`;
            emu.state.connections[id] = { id, name: `bulk-${i}`, strategy: "samlp", options: {}, enabled_clients: [] } as never;
        }
        emu.clearJournal();
        const all = await getApi().listConnections();
        assert.deepEqual(all.map((c) => c.id).sort(), Object.keys(emu.state.connections).sort());
        assert.equal(apiCalls(emu.journal).length, 3, "256 connections in pages of 100");
        for (let i = 0; i < 250; i++) delete emu.state.connections[`con_bulk${String(i).padStart(12, "0")}`];
        const okta = await getApi().listConnections({ strategy: ["okta"] });
        assert.deepEqual(
            okta.map((c) => c.id),
            [SAMPLE.okta],
        );
    });
});

describe("Endpoint safety", () => {
    it("sends plain http only to loopback hosts, and only when the domain says http", () => {
        assert.equal(resolveWireUrl("https://127.0.0.1:4000/api/v2/connections", "http").protocol, "http:");
        assert.equal(resolveWireUrl("https://localhost:4000/x", "http").protocol, "http:");
        assert.equal(resolveWireUrl("https://[::1]:4000/x", "http").protocol, "http:");
        assert.equal(resolveWireUrl("https://127.0.0.1:4000/x").protocol, "https:");
        assert.equal(resolveWireUrl("https://tenant.eu.auth0.com/api/v2", "http").protocol, "https:");
        assert.equal(resolveWireUrl("https://tenant.eu.auth0.com/api/v2").protocol, "https:");
        assert.throws(() => resolveWireUrl("http://tenant.eu.auth0.com/api/v2"), /refusing plain http/);
    });

    it("refuses an http domain that is not loopback, naming the config key", () => {
        assert.throws(() => normalizeDomain("http://tenant.eu.auth0.com"), /auth0:domain uses http:\/\/ .*only https/);
        assert.throws(() => normalizeDomain("https://tenant.eu.auth0.com/api/v2"), /auth0:domain must be a bare host/);
        assert.deepEqual(normalizeDomain("https://tenant.eu.auth0.com/"), { host: "tenant.eu.auth0.com", scheme: "https" });
        assert.deepEqual(normalizeDomain("http://127.0.0.1:4000"), { host: "127.0.0.1:4000", scheme: "http" });
        assert.deepEqual(normalizeDomain("https://127.0.0.1:4000"), { host: "127.0.0.1:4000", scheme: "https" });
    });
});

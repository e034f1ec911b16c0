import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, tokenWithout, type Json } from "../helpers/emulator-client";

const SCIM_LIST = "/api/v2/connections-scim-configurations";
const DIR_LIST = "/api/v2/connections-directory-provisionings";

/** Follows `next` until it is absent, collecting `key` items page by page. */
async function walk(emulator: RunningEmulator, path: string, key: string, take: number): Promise<{ items: Json[]; pages: number }> {
    const items: Json[] = [];
    let query = `?take=${take}`;
    for (let pages = 1; pages <= 50; pages++) {
        const res = await call(emulator, "GET", `${path}${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body).sort(), res.body.next === undefined ? [key] : [key, "next"].sort());
        items.push(...(res.body[key] as Json[]));
        if (res.body.next === undefined) return { items, pages };
        query = `?take=${take}&from=${encodeURIComponent(String(res.body.next))}`;
    }
    throw new Error("pagination never ended");
}

describe("Emulator tenant-wide listings", () => {
    let emulator: RunningEmulator;
    const oidcIds: string[] = [];
    before(async () => {
        emulator = await startEmulator();
        for (const id of [SAMPLE.okta, SAMPLE.waad]) await call(emulator, "POST", `/api/v2/connections/${id}/scim-configuration`);
        for (let i = 0; i < 3; i++) {
            const created = await call(emulator, "POST", "/api/v2/connections", { body: { name: `oidc-${i}`, strategy: "oidc" } });
            oidcIds.push(String(created.body.id));
            await call(emulator, "POST", `/api/v2/connections/${String(created.body.id)}/scim-configuration`);
        }
    });
    after(() => emulator.close());

    it("lists every SCIM configuration of the tenant, shaped as the per-connection GET", async () => {
        const res = await call(emulator, "GET", SCIM_LIST);
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body), ["scim_configurations"]);
        const configs = res.body.scim_configurations as Json[];
        assert.deepEqual(
            configs.map((c) => c.connection_id),
            [SAMPLE.samlp, SAMPLE.okta, SAMPLE.waad, ...oidcIds],
        );
        const single = await call(emulator, "GET", `/api/v2/connections/${SAMPLE.samlp}/scim-configuration`);
        assert.deepEqual(configs[0], single.body);
    });

    it("pages the SCIM listing with take and from, with next only while more remain", async () => {
        const { items, pages } = await walk(emulator, SCIM_LIST, "scim_configurations", 2);
        assert.equal(pages, 3);
        assert.equal(items.length, 6);
        assert.equal(new Set(items.map((c) => c.connection_id)).size, 6);
    });

    it("refuses take outside 1..100 and a from that is not one of its cursors", async () => {
        for (const query of ["?take=101", "?take=0", "?take=x", "?from=bogus"]) {
            const res = await call(emulator, "GET", `${SCIM_LIST}${query}`);
            assert.equal(res.status, 400, query);
            assert.equal(res.body.error, "Bad Request");
        }
        assert.equal((await call(emulator, "GET", `${SCIM_LIST}?take=100`)).status, 200);
    });

    it("lists directory provisioning configurations with the same pagination", async () => {
        const empty = await call(emulator, "GET", DIR_LIST);
        assert.deepEqual(empty.body, { directory_provisionings: [] });
        for (let i = 0; i < 3; i++) {
            const created = await call(emulator, "POST", "/api/v2/connections", { body: { name: `gw-${i}`, strategy: "google-apps" } });
            await call(emulator, "POST", `/api/v2/connections/${String(created.body.id)}/directory-provisioning`);
        }
        const { items, pages } = await walk(emulator, DIR_LIST, "directory_provisionings", 2);
        assert.equal(pages, 2);
        assert.deepEqual(
            items.map((c) => c.connection_name),
            ["gw-0", "gw-1", "gw-2"],
        );
        assert.equal((items[0].mapping as Json[]).length, 51);
    });

    it("needs read:scim_config and read:directory_provisionings respectively", async () => {
        for (const [path, scope] of [
            [SCIM_LIST, "read:scim_config"],
            [DIR_LIST, "read:directory_provisionings"],
        ]) {
            const res = await call(emulator, "GET", path, { token: tokenWithout(emulator, scope) });
            assert.equal(res.status, 403);
            assert.equal(res.body.message, `Insufficient scope, expected any of: ${scope}`);
        }
    });

    it("counts each listing request, however many items it returns, as one request for the rate limit", async () => {
        emulator.setRateLimit({ rate: 0.01, burst: 10 });
        try {
            const remaining: number[] = [];
            for (const path of [`${SCIM_LIST}?take=100`, `${DIR_LIST}?take=100`, "/api/v2/connections?per_page=100"]) {
                const res = await call(emulator, "GET", path);
                assert.equal(res.status, 200);
                remaining.push(Number(res.headers.get("x-ratelimit-remaining")));
            }
            assert.deepEqual(remaining, [9, 8, 7]);
        } finally {
            emulator.setRateLimit(undefined);
        }
    });
});

describe("Emulator tenant-wide listings with the directory feature off", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ directoryProvisioningEnabled: false });
    });
    after(() => emulator.close());

    it("answers 403 feature_not_enabled for the directory provisioning listing", async () => {
        const res = await call(emulator, "GET", DIR_LIST);
        assert.equal(res.status, 403);
        assert.equal(res.body.errorCode, "feature_not_enabled");
    });
});

describe("Emulator connection list pagination limits", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
        for (let i = 0; i < 104; i++) {
            await call(emulator, "POST", "/api/v2/connections", { body: { name: `bulk-${i}`, strategy: "oidc" } });
        }
    });
    after(() => emulator.close());

    it("answers up to 100 per page with per_page and refuses 101", async () => {
        const full = await call<Json[]>(emulator, "GET", "/api/v2/connections?per_page=100&page=0");
        assert.equal(full.body.length, 100);
        const rest = await call<Json[]>(emulator, "GET", "/api/v2/connections?per_page=100&page=1");
        assert.equal(rest.body.length, 10);
        const tooMany = await call(emulator, "GET", "/api/v2/connections?per_page=101");
        assert.equal(tooMany.status, 400);
        assert.equal(tooMany.body.errorCode, "invalid_query_string");
    });

    it("pages with take and from through all 110 connections, 50 by default", async () => {
        const first = await call(emulator, "GET", "/api/v2/connections?from=");
        assert.equal((first.body.connections as Json[]).length, 50);
        const { items, pages } = await walk(emulator, "/api/v2/connections", "connections", 100);
        assert.equal(pages, 2);
        assert.equal(items.length, 110);
        assert.equal((await call(emulator, "GET", "/api/v2/connections?from=garbage")).status, 400);
    });
});

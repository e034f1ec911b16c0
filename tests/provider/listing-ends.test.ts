import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { createApi, type Auth0Api } from "../../management-api/client";
import { endsListing, MAX_LISTING_PAGES, pageBound, stopReason } from "../../management-api/paging";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { answer, hostileProxy, type HostileProxy, type Rule } from "../helpers/hostile-proxy";
import { SAMPLE, SAMPLE_TOKEN } from "../helpers/api";

const SCIM_LISTING = "/api/v2/connections-scim-configurations";
const config = (n: number) => ({ connection_id: `con_${n}`, strategy: "okta", user_id_attribute: "externalId", mapping: [] });

describe("Paged listings always end", () => {
    describe("the decision", () => {
        it("bounds pages by what the first page announced, else by the cap", () => {
            assert.equal(pageBound({ total: 250, limit: 100 }), 7);
            assert.equal(pageBound({ total: 0, limit: 50 }), 3);
            for (const odd of [{}, { total: "250", limit: 100 }, { total: 250 }, { total: 1.5, limit: 1 }, { total: 9, limit: 0 }, null]) {
                assert.equal(pageBound(odd), MAX_LISTING_PAGES, JSON.stringify(odd));
            }
        });

        it("stops on a repeated cursor, a page that brought nothing new, a cursor that is not a string, or past the bound", () => {
            const cursors = new Set(["a", "b"]);
            assert.equal(stopReason(3, 10, "c", cursors, 1), undefined);
            assert.match(stopReason(3, 10, "a", cursors, 1) ?? "", /page 2 gave a cursor an earlier page had given/);
            assert.match(stopReason(3, 10, "c", cursors, 0) ?? "", /page 2 brought nothing new/);
            assert.match(stopReason(3, 10, 7, cursors, 1) ?? "", /not a string/);
            assert.match(stopReason(11, 10, "c", cursors, 1) ?? "", /did not end within 10 pages/);
        });

        it("ends a listing at a page with no items, whatever cursor it carries", () => {
            const page = (data: unknown[]) => ({
                data,
                response: { next: "c" },
                hasNextPage: () => true,
                getNextPage: () => Promise.reject(new Error("not followed")),
            });
            assert.equal(endsListing(page([])), true);
            assert.equal(endsListing(page([config(1)])), false);
        });
    });

    describe("against a hostile server", () => {
        let emu: RunningEmulator;
        let proxy: HostileProxy | undefined;
        before(async () => {
            emu = await startEmulator();
        });
        after(() => emu.close());
        afterEach(async () => {
            await proxy?.close();
            proxy = undefined;
            resetProcessState();
        });

        async function clientBehind(rule: Rule): Promise<Auth0Api> {
            proxy = await hostileProxy(emu, rule);
            resetProcessState();
            storeSettings({ domain: proxy.url, timeoutMs: 2000, apiToken: SAMPLE_TOKEN });
            return createApi(resolveCredentials());
        }

        const asked = (path: string) => proxy?.seen.filter((s) => s.method === "GET" && s.path === path).length;

        const cases: ReadonlyArray<readonly [string, (n: number) => object, RegExp, number]> = [
            [
                "a cursor it gave before",
                (n) => ({ scim_configurations: [config(n)], next: n % 2 === 0 ? "B" : "A" }),
                /earlier page had given/,
                3,
            ],
            ["the same page under new cursors", (n) => ({ scim_configurations: [config(0)], next: `c${n}` }), /brought nothing new/, 2],
            [
                "more pages than it announced",
                (n) => ({ scim_configurations: [config(n)], next: `c${n}`, total: 1, limit: 1 }),
                /within 3 pages/,
                3,
            ],
        ];
        for (const [what, page, reason, requests] of cases) {
            it(`fails naming the listing when the server answers ${what}`, async () => {
                const api = await clientBehind((s, n) =>
                    s.method === "GET" && s.path === SCIM_LISTING ? answer(200, JSON.stringify(page(n))) : undefined,
                );
                await assert.rejects(api.listScimConfigs(), (err: Error) => {
                    assert.equal(err.name, "Auth0NoResponseError");
                    assert.match(err.message, new RegExp(`^Auth0 API GET ${SCIM_LISTING} failed: `));
                    assert.match(err.message, reason);
                    return true;
                });
                assert.equal(asked(SCIM_LISTING), requests);
            });
        }

        it("ends every other listing the same way: connections, directory provisionings, selected groups", async () => {
            const groups = `/api/v2/connections/${SAMPLE.google}/directory-provisioning/synchronized-groups`;
            const loops: Record<string, (n: number) => object> = {
                "/api/v2/connections": () => ({ connections: [{ id: "con_1", name: "a", strategy: "okta" }], next: "same" }),
                "/api/v2/connections-directory-provisionings": () => ({
                    directory_provisionings: [{ connection_id: "con_1", strategy: "google-apps", mapping: [] }],
                    next: "same",
                }),
                [groups]: (n) => ({ groups: [{ id: `g${n}` }], next: "same" }),
            };
            const api = await clientBehind((s, n) => {
                const page = loops[s.path];
                return s.method === "GET" && page !== undefined ? answer(200, JSON.stringify(page(n))) : undefined;
            });
            for (const [path, list] of [
                ["/api/v2/connections", () => api.listConnections()],
                ["/api/v2/connections-directory-provisionings", () => api.listDirectoryProvisionings()],
                [groups, () => api.listSynchronizedGroups(SAMPLE.google)],
            ] as const) {
                await assert.rejects(list(), (err: Error) => err.message.startsWith(`Auth0 API GET ${path} failed: `));
                assert.ok((asked(path) ?? 0) <= 2, `${path} asked ${asked(path)} times`);
            }
        });

        it("ends, with what it read, at an empty page that still carries a cursor: neither failing nor asking again", async () => {
            // Every page after the second is empty under a new cursor: following them would never end.
            const api = await clientBehind((s, n) =>
                s.method === "GET" && s.path === SCIM_LISTING
                    ? answer(200, JSON.stringify({ scim_configurations: n < 3 ? [config(n)] : [], next: `c${n}` }))
                    : undefined,
            );
            assert.deepEqual(
                (await api.listScimConfigs()).map((c) => c.connection_id),
                ["con_1", "con_2"],
            );
            assert.equal(asked(SCIM_LISTING), 3, "the empty page is the last one asked for");
        });

        it("reads an empty first page with a cursor as an empty listing", async () => {
            const api = await clientBehind((s) =>
                s.method === "GET" && s.path === SCIM_LISTING
                    ? answer(200, JSON.stringify({ scim_configurations: [], next: "c0" }))
                    : undefined,
            );
            assert.deepEqual(await api.listScimConfigs(), []);
            assert.equal(asked(SCIM_LISTING), 1);
        });

        it("still reads a listing of several honest pages to the end", async () => {
            const api = await clientBehind((s, n) =>
                s.method === "GET" && s.path === SCIM_LISTING
                    ? answer(200, JSON.stringify({ scim_configurations: [config(n)], ...(n < 4 ? { next: `c${n}` } : {}) }))
                    : undefined,
            );
            assert.deepEqual(
                (await api.listScimConfigs()).map((c) => c.connection_id),
                ["con_1", "con_2", "con_3", "con_4"],
            );
        });
    });
});

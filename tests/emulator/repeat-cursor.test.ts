import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, type Json } from "../helpers/emulator-client";

const CONNECTIONS = "/api/v2/connections";
const SCIM_LIST = "/api/v2/connections-scim-configurations";
const DIR_LIST = "/api/v2/connections-directory-provisionings";
const GROUPS = `/api/v2/connections/${SAMPLE.google}/directory-provisioning/synchronized-groups`;

/** One checkpoint page: its items (by `key`) and its `next`. */
async function page(
    emulator: RunningEmulator,
    path: string,
    key: string,
    take: number,
    from?: string,
): Promise<{ items: Json[]; next: unknown }> {
    const query = from === undefined ? `?take=${take}` : `?take=${take}&from=${encodeURIComponent(from)}`;
    const res = await call(emulator, "GET", `${path}${query}`);
    assert.equal(res.status, 200, res.text);
    return { items: res.body[key] as Json[], next: res.body.next };
}

/** What identifies an item of each listing, to compare pages. */
const idOf = (item: Json): string => String(item.id ?? item.connection_id);

describe("Emulator repeat-cursor fault", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
        // Three SCIM configurations, one directory provisioning and three selected groups: two pages each at take 2.
        for (const id of [SAMPLE.okta, SAMPLE.waad]) await call(emulator, "POST", `${CONNECTIONS}/${id}/scim-configuration`);
        assert.equal((await call(emulator, "POST", `${CONNECTIONS}/${SAMPLE.google}/directory-provisioning`, { body: {} })).status, 201);
        const groups = [{ id: "g1" }, { id: "g2" }, { id: "g3" }];
        assert.equal((await call(emulator, "PUT", GROUPS, { body: { groups } })).status, 204);
    });
    after(() => emulator.close());
    afterEach(() => emulator.setFaults([]));

    it("answers page one with a next that asks for page one again, for as long as the client follows it", async () => {
        const plain = await page(emulator, CONNECTIONS, "connections", 2);
        emulator.setFaults([{ method: "GET", path: `^${CONNECTIONS}$`, kind: "repeat-cursor" }]);
        emulator.clearJournal();
        let current = await page(emulator, CONNECTIONS, "connections", 2);
        assert.deepEqual(current.items.map(idOf), plain.items.map(idOf));
        assert.equal(typeof current.next, "string");
        assert.notEqual(current.next, plain.next);
        for (let followed = 0; followed < 5; followed++) {
            const sent = String(current.next);
            current = await page(emulator, CONNECTIONS, "connections", 2, sent);
            assert.deepEqual(current.items.map(idOf), plain.items.map(idOf));
            assert.equal(current.next, sent);
        }
        assert.deepEqual(
            emulator.journal.map((e) => e.fault),
            Array(6).fill("repeat-cursor"),
        );
    });

    it("answers a later page with the very cursor the request sent", async () => {
        const first = await page(emulator, CONNECTIONS, "connections", 2);
        const second = await page(emulator, CONNECTIONS, "connections", 2, String(first.next));
        emulator.setFaults([{ method: "GET", path: `^${CONNECTIONS}$`, kind: "repeat-cursor" }]);
        const repeated = await page(emulator, CONNECTIONS, "connections", 2, String(first.next));
        assert.deepEqual(repeated.items.map(idOf), second.items.map(idOf));
        assert.equal(repeated.next, first.next);
    });

    it("gives the last page, which has no next, a next too", async () => {
        const all = await page(emulator, SCIM_LIST, "scim_configurations", 100);
        assert.equal(all.next, undefined);
        emulator.setFaults([{ method: "GET", path: `^${SCIM_LIST}$`, kind: "repeat-cursor" }]);
        const repeated = await page(emulator, SCIM_LIST, "scim_configurations", 100);
        assert.equal(typeof repeated.next, "string");
        const again = await page(emulator, SCIM_LIST, "scim_configurations", 100, String(repeated.next));
        assert.deepEqual(again.items.map(idOf), all.items.map(idOf));
    });

    for (const [name, path, key, take] of [
        ["SCIM configurations", SCIM_LIST, "scim_configurations", 2],
        ["directory provisionings", DIR_LIST, "directory_provisionings", 1],
        ["selected groups", GROUPS, "groups", 2],
    ] as const) {
        it(`repeats cursors on the ${name} listing`, async () => {
            const plain = await page(emulator, path, key, take);
            emulator.setFaults([{ method: "GET", path: `^${path}$`, kind: "repeat-cursor" }]);
            const one = await page(emulator, path, key, take);
            const oneAgain = await page(emulator, path, key, take, String(one.next));
            assert.deepEqual(oneAgain.items.map(idOf), plain.items.map(idOf));
            assert.equal(oneAgain.next, one.next);
        });
    }

    it("with times 1, repeats page one once and then pages on to the end", async () => {
        emulator.setFaults([{ method: "GET", path: `^${GROUPS}$`, kind: "repeat-cursor", times: 1 }]);
        const seen: string[] = [];
        let next: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
            const current = await page(emulator, GROUPS, "groups", 2, next);
            seen.push(...current.items.map(idOf));
            if (current.next === undefined) break;
            next = String(current.next);
        }
        assert.deepEqual(seen, ["g1", "g2", "g1", "g2", "g3"]);
    });

    it("leaves page/per_page listings and error answers alone", async () => {
        emulator.setFaults([{ method: "GET", path: `^${CONNECTIONS}$`, kind: "repeat-cursor" }]);
        emulator.clearJournal();
        const paged = await call<Json[]>(emulator, "GET", `${CONNECTIONS}?per_page=2`);
        assert.equal(paged.status, 200);
        assert.ok(Array.isArray(paged.body));
        const totals = await call(emulator, "GET", `${CONNECTIONS}?per_page=2&include_totals=true`);
        assert.ok(!("next" in totals.body));
        const bad = await call(emulator, "GET", `${CONNECTIONS}?take=2&from=not-a-cursor`);
        assert.equal(bad.status, 400);
        assert.ok(!("next" in bad.body));
        assert.deepEqual(
            emulator.journal.map((e) => e.fault),
            [undefined, undefined, undefined],
        );
    });
});

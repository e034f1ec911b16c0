import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator, type Seed } from "../../emulator";
import { call, SAMPLE, type Json } from "../helpers/emulator-client";

const GROUPS = `/api/v2/connections/${SAMPLE.google}/directory-provisioning/synchronized-groups`;
const DIR = `/api/v2/connections/${SAMPLE.google}/directory-provisioning`;

interface GroupPage {
    groups: Json[];
    next?: string;
}

async function ids(emulator: RunningEmulator, query = ""): Promise<string[]> {
    const res = await call<GroupPage>(emulator, "GET", `${GROUPS}${query}`);
    assert.equal(res.status, 200);
    return res.body.groups.map((g) => String(g.id));
}

async function enableGroupsApi(emulator: RunningEmulator): Promise<void> {
    const options = { ...emulator.state.connections[SAMPLE.google].options, api_enable_groups: true };
    assert.equal((await call(emulator, "PATCH", `/api/v2/connections/${SAMPLE.google}`, { body: { options } })).status, 200);
}

/** The google connection with the groups API on and a directory provisioning that selects groups. */
async function selectingGroups(emulator: RunningEmulator): Promise<void> {
    await enableGroupsApi(emulator);
    assert.equal((await call(emulator, "POST", DIR, { body: { synchronize_groups: "selected" } })).status, 201);
}

/** Replaces the selection with these ids. */
async function select(emulator: RunningEmulator, groups: Json[]): Promise<void> {
    assert.equal((await call(emulator, "PUT", GROUPS, { body: { groups } })).status, 204);
}

describe("Emulator synchronized groups", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator();
    });
    afterEach(() => emulator.close());

    it("answers the plain 404 while the connection has no directory provisioning", async () => {
        const res = await call(emulator, "GET", GROUPS);
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, { statusCode: 404, error: "Not Found", message: "Not Found" });
    });

    it("answers 400 invalid_request while options.api_enable_groups is not true", async () => {
        // Whatever the seed says: this is about a connection without the groups API.
        const options = { ...emulator.state.connections[SAMPLE.google].options };
        delete options.api_enable_groups;
        assert.equal((await call(emulator, "PATCH", `/api/v2/connections/${SAMPLE.google}`, { body: { options } })).status, 200);
        assert.equal((await call(emulator, "POST", DIR, { body: { synchronize_groups: "selected" } })).status, 201);
        for (const method of ["GET", "PUT", "POST", "DELETE"]) {
            const body = method === "GET" ? undefined : { groups: [{ id: "g1" }] };
            const res = await call(emulator, method, GROUPS, { body });
            assert.equal(res.status, 400, method);
            assert.deepEqual(res.body, {
                statusCode: 400,
                error: "Bad Request",
                message: "Synchronized groups need the connection option api_enable_groups set to true.",
                errorCode: "invalid_request",
            });
        }
    });

    it("starts empty, then PUT replaces the whole selection and GET lists it sorted by id", async () => {
        await selectingGroups(emulator);
        const empty = await call<GroupPage>(emulator, "GET", GROUPS);
        assert.deepEqual(empty.body, { groups: [] });
        const put = await call(emulator, "PUT", GROUPS, {
            body: { groups: [{ id: "g3", name: "Sales", email: "sales@example.org" }, { id: "g1" }, { id: "g2", name: "Ops" }] },
        });
        assert.equal(put.status, 204);
        assert.equal(put.text, "");
        const res = await call<GroupPage>(emulator, "GET", GROUPS);
        assert.deepEqual(res.body, {
            groups: [{ id: "g1" }, { id: "g2", name: "Ops" }, { id: "g3", name: "Sales", email: "sales@example.org" }],
        });
        assert.equal((await call(emulator, "PUT", GROUPS, { body: { groups: [{ id: "g9" }] } })).status, 204);
        assert.deepEqual(await ids(emulator), ["g9"]);
    });

    it("adds with POST, where re-adding a selected group changes nothing", async () => {
        await selectingGroups(emulator);
        await call(emulator, "PUT", GROUPS, { body: { groups: [{ id: "g2", name: "Ops" }] } });
        const res = await call(emulator, "POST", GROUPS, { body: { groups: [{ id: "g1" }, { id: "g2", name: "Renamed" }] } });
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        const list = await call<GroupPage>(emulator, "GET", GROUPS);
        assert.deepEqual(list.body.groups, [{ id: "g1" }, { id: "g2", name: "Ops" }]);
    });

    it("removes with DELETE, where removing an absent group changes nothing", async () => {
        await selectingGroups(emulator);
        await select(emulator, [{ id: "g1" }, { id: "g2", name: "Ops" }]);
        const res = await call(emulator, "DELETE", GROUPS, { body: { groups: [{ id: "g1" }, { id: "never-there" }] } });
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        assert.deepEqual(await ids(emulator), ["g2"]);
    });

    it("filters with q on id, name or email, ignoring case", async () => {
        await selectingGroups(emulator);
        await call(emulator, "PUT", GROUPS, {
            body: {
                groups: [
                    { id: "grp-a", name: "Engineering" },
                    { id: "grp-b", email: "ENG-leads@example.org" },
                    { id: "eng-c" },
                    { id: "grp-d", name: "Finance" },
                ],
            },
        });
        assert.deepEqual(await ids(emulator, "?q=eng"), ["eng-c", "grp-a", "grp-b"]);
        assert.deepEqual(await ids(emulator, "?q=FIN"), ["grp-d"]);
        assert.deepEqual(await ids(emulator, "?q=nothing"), []);
    });

    it("pages with take and an opaque from cursor, next only while more remain", async () => {
        await selectingGroups(emulator);
        const groups = Array.from({ length: 7 }, (_, i) => ({ id: `p${i}` }));
        await call(emulator, "PUT", GROUPS, { body: { groups: [...groups].reverse() } });
        const seen: string[] = [];
        let query = "?take=3";
        for (let i = 0; i < 5; i++) {
            const res = await call<GroupPage>(emulator, "GET", `${GROUPS}${query}`);
            seen.push(...res.body.groups.map((g) => String(g.id)));
            if (res.body.next === undefined) break;
            assert.ok(!res.body.next.includes("p"), "the cursor is opaque");
            query = `?take=3&from=${encodeURIComponent(res.body.next)}`;
        }
        assert.deepEqual(seen, ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
        assert.equal((await call(emulator, "GET", `${GROUPS}?take=101`)).status, 400);
        assert.equal((await call(emulator, "GET", `${GROUPS}?take=0`)).status, 400);
        assert.equal((await call(emulator, "GET", `${GROUPS}?from=not-a-cursor`)).status, 400);
    });

    it("answers at most 50 groups by default and accepts up to 100 in one body", async () => {
        await selectingGroups(emulator);
        const hundred = Array.from({ length: 100 }, (_, i) => ({ id: `h${String(i).padStart(3, "0")}` }));
        assert.equal((await call(emulator, "PUT", GROUPS, { body: { groups: hundred } })).status, 204);
        const first = await call<GroupPage>(emulator, "GET", GROUPS);
        assert.equal(first.body.groups.length, 50);
        assert.equal(typeof first.body.next, "string");
        const all = await call<GroupPage>(emulator, "GET", `${GROUPS}?take=100`);
        assert.equal(all.body.groups.length, 100);
        assert.equal(all.body.next, undefined);
    });

    it("refuses bad bodies with 400 invalid_body and leaves the selection alone", async () => {
        await selectingGroups(emulator);
        await call(emulator, "PUT", GROUPS, { body: { groups: [{ id: "keep" }] } });
        const tooMany = Array.from({ length: 101 }, (_, i) => ({ id: `t${i}` }));
        const bodies: unknown[] = [
            { groups: [{ id: "x", email: "not-an-email" }] },
            { groups: tooMany },
            { groups: [{ id: "dup" }, { id: "dup" }] },
            { groups: [{ id: "" }] },
            { groups: [{ name: "no id" }] },
            { groups: [{ id: "x", direct_members_count: -1 }] },
            { groups: [{ id: "x", direct_members_count: 1.5 }] },
            { groups: [{ id: "x", direct_members_count: "3" }] },
            { groups: "g1" },
            {},
        ];
        for (const method of ["PUT", "POST", "DELETE"]) {
            for (const body of bodies) {
                const res = await call(emulator, method, GROUPS, { body });
                assert.equal(res.status, 400, `${method} ${JSON.stringify(body).slice(0, 60)}`);
                assert.equal(res.body.errorCode, "invalid_body");
            }
        }
        assert.deepEqual(await ids(emulator), ["keep"]);
    });

    it("forgets the selection when the directory provisioning configuration is deleted", async () => {
        await selectingGroups(emulator);
        await select(emulator, [{ id: "g1" }]);
        assert.equal((await call(emulator, "DELETE", DIR)).status, 204);
        assert.equal((await call(emulator, "GET", GROUPS)).status, 404);
        assert.equal((await call(emulator, "POST", DIR, { body: {} })).status, 201);
        assert.deepEqual(await ids(emulator), []);
    });

    it("answers 400 for connections other than google-apps", async () => {
        const res = await call(emulator, "GET", `/api/v2/connections/${SAMPLE.samlp}/directory-provisioning/synchronized-groups`);
        assert.equal(res.status, 400);
        assert.equal(res.body.errorCode, "invalid_request");
    });
});

describe("Emulator synchronized groups from a seed", () => {
    const seed: Seed = {
        tenant: "groups",
        tokens: [{ token: "t", scopes: ["read:directory_provisionings"] }],
        connections: [{ id: "con_GGGGGGGGGGGGGGGG", name: "gw", strategy: "google-apps", options: { api_enable_groups: true } }],
        directory_provisionings: { con_GGGGGGGGGGGGGGGG: { synchronize_groups: "selected" } },
        synchronized_groups: {
            con_GGGGGGGGGGGGGGGG: [
                { id: "b", name: "Bees", direct_members_count: 12 },
                { id: "a", email: "a@example.org" },
            ],
        },
    };
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ seed });
    });
    after(() => emulator.close());

    it("serves the seeded groups sorted by id, direct_members_count included", async () => {
        const res = await call(emulator, "GET", "/api/v2/connections/con_GGGGGGGGGGGGGGGG/directory-provisioning/synchronized-groups", {
            token: "t",
        });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, {
            groups: [
                { id: "a", email: "a@example.org" },
                { id: "b", name: "Bees", direct_members_count: 12 },
            ],
        });
    });
});

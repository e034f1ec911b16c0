import * as assert from "node:assert/strict";
import type { JournalEntry, RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider as p, type DirectoryProvisioningInputs } from "../../components/provider/directoryProvisioning";
import { apiCalls, SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";

const GROUPS_PATH = `/api/v2/connections/${SAMPLE.google}/directory-provisioning/synchronized-groups`;
const DIR_PATH = `/api/v2/connections/${SAMPLE.google}/directory-provisioning`;
const MAPPING = [{ auth0: "email", idp: "primaryEmail" }];

const inputs = (over: Partial<DirectoryProvisioningInputs> = {}): DirectoryProvisioningInputs => ({
    connectionId: SAMPLE.google,
    synchronizeAutomatically: false,
    synchronizeGroups: "selected",
    onDelete: "delete",
    adoptExisting: true,
    synchronizeOnChange: false,
    ...over,
});

/** `n` groups with ids that sort in creation order, from `start`. */
const groups = (n: number, start = 0) => Array.from({ length: n }, (_, i) => ({ id: `grp${String(start + i).padStart(5, "0")}` }));

/** The requests to the selected-groups endpoint, as `METHOD ids-sent` or `GET`. */
function groupCalls(journal: readonly JournalEntry[]): string[] {
    return apiCalls(journal)
        .filter((e) => e.path === GROUPS_PATH)
        .map((e) =>
            e.method === "GET" ? "GET" : `${e.method} ${(e.body as { groups: Array<{ id: string }> }).groups.map((g) => g.id).join(",")}`,
        );
}

describe("DirectoryProvisioning selected groups", () => {
    let emu: RunningEmulator;
    let pristine: string;
    const liveIds = () => (emu.state.synchronizedGroups[SAMPLE.google] ?? []).map((g) => g.id);

    before(async () => {
        emu = await startForProvider({ synchronizationDurationMs: 50 });
        pristine = JSON.stringify(emu.state.connections);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.connections = JSON.parse(pristine);
        emu.state.connections[SAMPLE.google].options!.api_enable_groups = true;
        emu.state.directoryProvisionings = {};
        emu.state.synchronizedGroups = {};
        emu.setRateLimit(undefined);
        useEmulator(emu);
        emu.clearJournal();
    });

    it("creates the configuration, then writes the declared groups with one PUT", async () => {
        const declared = [{ id: "g2", name: "Ops" }, { id: "g1", email: "eng@example.org" }, { id: "g3" }];
        await p.create(inputs({ groups: declared }));
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`POST ${DIR_PATH}`, `PUT ${GROUPS_PATH}`],
        );
        assert.deepEqual(writes(emu.journal)[1].body, { groups: declared });
        assert.deepEqual(liveIds(), ["g1", "g2", "g3"]);
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google].synchronize_groups, "selected");
    });

    it("sends only the difference on update, and nothing when only the order changes", async () => {
        const { outs } = await p.create(inputs({ groups: [{ id: "a" }, { id: "b" }, { id: "c" }] }));
        emu.clearJournal();
        const next = inputs({ groups: [{ id: "d", name: "New" }, { id: "c" }, { id: "a" }] });
        assert.equal((await p.diff(SAMPLE.google, outs, next)).changes, true);
        const { outs: after } = await p.update(SAMPLE.google, outs, next);
        assert.deepEqual(groupCalls(emu.journal), ["GET", "POST d", "DELETE b"]);
        assert.deepEqual(writes(emu.journal)[0].body, { groups: [{ id: "d", name: "New" }] });
        assert.equal(writes(emu.journal).length, 2);
        assert.deepEqual(liveIds(), ["a", "c", "d"]);
        emu.clearJournal();
        const reordered = inputs({ groups: [{ id: "a" }, { id: "d", name: "New" }, { id: "c" }] });
        assert.deepEqual(await p.diff(SAMPLE.google, after, reordered), { changes: false });
        await p.update(SAMPLE.google, after, reordered);
        assert.equal(writes(emu.journal).length, 0);
    });

    it("shows a group added or removed in the dashboard in the diff and in the refreshed inputs", async () => {
        const declared = inputs({ groups: [{ id: "a" }, { id: "b", name: "Mine" }] });
        const { outs } = await p.create(declared);
        emu.state.synchronizedGroups[SAMPLE.google] = [
            { id: "b", name: "Server name" },
            { id: "x", name: "X" },
        ];
        assert.equal((await p.diff(SAMPLE.google, outs, declared)).changes, true);
        const refreshed = await p.read(SAMPLE.google, outs);
        assert.deepEqual(refreshed.inputs?.groups, [
            { id: "b", name: "Mine" },
            { id: "x", name: "X" },
        ]);
        assert.ok(refreshed.props);
        assert.equal((await p.diff(SAMPLE.google, refreshed.props, declared)).changes, true);
        emu.clearJournal();
        const { outs: fixed } = await p.update(SAMPLE.google, refreshed.props, declared);
        assert.deepEqual(groupCalls(emu.journal), ["GET", "POST a", "DELETE x"]);
        assert.deepEqual(await p.diff(SAMPLE.google, fixed, declared), { changes: false });
    });

    it("adopts a configuration whose groups already match with zero writes", async () => {
        emu.state.directoryProvisionings[SAMPLE.google] = {
            connection_id: SAMPLE.google,
            connection_name: "google-workspace",
            strategy: "google-apps",
            mapping: MAPPING,
            synchronize_automatically: false,
            synchronize_groups: "selected",
            created_at: "2026-01-01T00:00:00.000Z",
            updated_at: "2026-01-01T00:00:00.000Z",
        };
        emu.state.synchronizedGroups[SAMPLE.google] = [{ id: "a", name: "A", direct_members_count: 4 }, { id: "b" }];
        const { outs } = await p.create(inputs({ mapping: MAPPING, groups: [{ id: "b" }, { id: "a" }] }));
        assert.equal(outs.adopted, true);
        assert.equal(writes(emu.journal).length, 0);
        await p.create(inputs({ mapping: MAPPING, groups: [{ id: "b" }, { id: "c" }] }));
        assert.deepEqual(groupCalls(emu.journal).slice(-2), ["POST c", "DELETE a"]);
    });

    it("fails before any write when options.api_enable_groups is off, naming it and the connection", async () => {
        delete emu.state.connections[SAMPLE.google].options!.api_enable_groups;
        const named = /connection "google-workspace" \(con_ka3hEJF2Xrahotuo\) requires options\.api_enable_groups: true, and it is unset/;
        await assert.rejects(p.create(inputs({ groups: [{ id: "a" }] })), named);
        assert.equal(writes(emu.journal).length, 0);
        // An existing configuration: the update and the preview's diff say the same, still before any write.
        emu.state.connections[SAMPLE.google].options!.api_enable_groups = true;
        const { outs } = await p.create(inputs({ groups: [] }));
        emu.state.connections[SAMPLE.google].options!.api_enable_groups = false;
        emu.clearJournal();
        const more = inputs({ groups: [{ id: "a" }], synchronizeAutomatically: true });
        await assert.rejects(p.update(SAMPLE.google, outs, more), /requires options\.api_enable_groups: true, and it is false/);
        await assert.rejects(
            p.diff(SAMPLE.google, outs, inputs({ groups: [] })),
            /"google-workspace" \(con_ka3hEJF2Xrahotuo\) requires options\.api_enable_groups: true, and it is false/,
        );
        assert.equal(writes(emu.journal).length, 0);
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google].synchronize_automatically, false);
    });

    it("pages through 2,000 groups and writes them in batches of 100, paced without a 429", async function () {
        this.timeout(60_000);
        emu.setRateLimit({ rate: 100, burst: 10 });
        const declared = groups(2000);
        const { outs } = await p.create(inputs({ groups: declared }));
        const created = groupCalls(emu.journal);
        assert.equal(created.length, 20);
        assert.match(created[0], /^PUT /);
        assert.ok(created.slice(1).every((c) => c.startsWith("POST ")));
        assert.deepEqual(
            liveIds(),
            declared.map((g) => g.id),
        );
        emu.clearJournal();
        assert.deepEqual(await p.diff(SAMPLE.google, outs, inputs({ groups: [...declared].reverse() })), { changes: false });
        const pages = apiCalls(emu.journal).filter((e) => e.path === GROUPS_PATH);
        assert.equal(pages.length, 20);
        assert.ok(pages.every((e) => e.query.take === "100"));
        assert.equal(pages[0].query.from, undefined);
        assert.ok(pages.slice(1).every((e) => typeof e.query.from === "string" && e.query.from !== ""));
        emu.clearJournal();
        // 150 out, 150 in: two POSTs and two DELETEs, each at most 100 groups.
        const next = [...declared.slice(150), ...groups(150, 5000)];
        await p.update(SAMPLE.google, outs, inputs({ groups: next }));
        const sent = writes(emu.journal).map((e) => `${e.method} ${(e.body as { groups: unknown[] }).groups.length}`);
        assert.deepEqual(sent, ["POST 100", "POST 50", "DELETE 100", "DELETE 50"]);
        assert.deepEqual(liveIds(), next.map((g) => g.id).sort());
        assert.equal(emu.journal.filter((e) => e.status === 429).length, 0);
    });

    it("deletes the configuration and with it the selection; retain leaves both", async () => {
        const { outs } = await p.create(inputs({ groups: [{ id: "a" }] }));
        emu.clearJournal();
        await p.delete(SAMPLE.google, { ...outs, onDelete: "retain" });
        assert.equal(apiCalls(emu.journal).length, 0);
        assert.deepEqual(liveIds(), ["a"]);
        await p.delete(SAMPLE.google, outs);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`DELETE ${DIR_PATH}`],
        );
        assert.deepEqual(liveIds(), []);
    });

    it("leaves the selection alone when groups are not declared", async () => {
        emu.state.synchronizedGroups[SAMPLE.google] = [{ id: "kept" }];
        const { outs } = await p.create(inputs());
        assert.deepEqual(await p.diff(SAMPLE.google, outs, inputs()), { changes: false });
        const refreshed = await p.read(SAMPLE.google, outs);
        assert.equal(refreshed.inputs?.groups, undefined);
        assert.deepEqual(groupCalls(emu.journal), []);
        assert.deepEqual(liveIds(), ["kept"]);
    });
});

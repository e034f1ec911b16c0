import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider as p, type DirectoryProvisioningInputs } from "../../components/provider/directoryProvisioning";
import { apiCalls, SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";

const MAPPING = [
    { auth0: "email", idp: "primaryEmail" },
    { auth0: "family_name", idp: "name.familyName" },
];

const inputs = (over: Partial<DirectoryProvisioningInputs> = {}): DirectoryProvisioningInputs => ({
    connectionId: SAMPLE.google,
    synchronizeAutomatically: false,
    synchronizeGroups: "off",
    onDelete: "delete",
    adoptExisting: true,
    synchronizeOnChange: false,
    ...over,
});

describe("DirectoryProvisioning provider", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider({ synchronizationDurationMs: 50 });
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.directoryProvisionings = {};
        emu.state.synchronizations = {};
        useEmulator(emu);
        emu.clearJournal();
    });

    it("creates with the default mapping and the declared settings", async () => {
        const { outs } = await p.create(inputs({ synchronizeAutomatically: true, synchronizeGroups: "all" }));
        const live = emu.state.directoryProvisionings[SAMPLE.google];
        assert.equal(live.mapping.length, 51);
        assert.equal(live.synchronize_automatically, true);
        assert.equal(live.synchronize_groups, "all");
        assert.equal(outs.adopted, false);
        assert.equal(writes(emu.journal).length, 1);
    });

    it("PATCHes only the fields that differ, and nothing on a second apply", async () => {
        const { outs } = await p.create(inputs({ mapping: MAPPING }));
        emu.clearJournal();
        const next = inputs({ mapping: [...MAPPING].reverse(), synchronizeGroups: "selected" });
        assert.equal((await p.diff(SAMPLE.google, outs, next)).changes, true);
        const { outs: after } = await p.update(SAMPLE.google, outs, next);
        assert.deepEqual(
            writes(emu.journal).map((e) => e.body),
            [{ synchronize_groups: "selected" }],
        );
        emu.clearJournal();
        assert.deepEqual(await p.diff(SAMPLE.google, after, next), { changes: false });
        await p.update(SAMPLE.google, after, next);
        assert.equal(writes(emu.journal).length, 0);
    });

    it("adopts an existing configuration, and after a 409 when a POST races another writer", async () => {
        emu.state.directoryProvisionings[SAMPLE.google] = {
            connection_id: SAMPLE.google,
            connection_name: "google-workspace",
            strategy: "google-apps",
            mapping: MAPPING,
            synchronize_automatically: true,
            synchronize_groups: "off",
            created_at: "2026-01-01T00:00:00.000Z",
            updated_at: "2026-01-01T00:00:00.000Z",
        };
        const { outs } = await p.create(inputs({ mapping: MAPPING }));
        assert.equal(outs.adopted, true);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.status}`),
            ["PATCH 200"],
        );
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google].synchronize_automatically, false);
        emu.state.directoryProvisionings[SAMPLE.google].synchronize_automatically = true;
        emu.clearJournal();
        emu.setFaults([{ method: "GET", path: "/directory-provisioning$", kind: "status", status: 404, times: 1 }]);
        await p.create(inputs({ mapping: MAPPING }));
        emu.setFaults([]);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.status}`),
            ["POST 409", "PATCH 200"],
        );
    });

    it("creates with one read and one write: no connection read just to check the strategy", async () => {
        await p.create(inputs({ mapping: MAPPING }));
        const path = `/api/v2/connections/${SAMPLE.google}/directory-provisioning`;
        assert.deepEqual(
            apiCalls(emu.journal).map((e) => `${e.method} ${e.path} ${e.status}`),
            [`GET ${path} 404`, `POST ${path} 201`],
        );
    });

    it("refuses okta before any write, naming google-apps", async () => {
        await assert.rejects(p.create(inputs({ connectionId: SAMPLE.okta })), /supported strategies are google-apps/);
        assert.equal(writes(emu.journal).length, 0);
    });

    it("starts a synchronization after a mapping change and reports a refused one as a warning", async () => {
        const { outs } = await p.create(inputs({ synchronizeOnChange: true }));
        assert.equal(emu.state.synchronizations[SAMPLE.google]?.length, 1);
        assert.equal(outs.synchronizationWarning, undefined);
        // A second synchronization within 30 minutes is refused by the API.
        const { outs: after } = await p.update(SAMPLE.google, outs, inputs({ synchronizeOnChange: true, mapping: MAPPING }));
        assert.match(after.synchronizationWarning ?? "", /^mapping changed but no synchronization was started: /);
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google].mapping.length, 2);
    });

    it("deletes, keeps with retain, and reads a deleted one as gone", async () => {
        const { outs } = await p.create(inputs());
        await p.delete(SAMPLE.google, { ...outs, onDelete: "retain" });
        assert.ok(emu.state.directoryProvisionings[SAMPLE.google]);
        await p.delete(SAMPLE.google, outs);
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google], undefined);
        assert.deepEqual(await p.read(SAMPLE.google, outs), {});
        await p.delete(SAMPLE.google, outs);
    });
});

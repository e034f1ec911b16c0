import * as assert from "node:assert/strict";
import { z } from "zod";
import type { RunningEmulator } from "../../emulator";
import {
    type DirectoryProvisioningInputs,
    type DirectoryProvisioningOutputs,
    directoryProvisioningProvider as p,
} from "../../components/provider/directoryProvisioning";
import { defineProvider, ResourceInitError } from "../../components/provider/skeleton";
import { apiCalls, SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";

const DIR_PATH = `/api/v2/connections/${SAMPLE.google}/directory-provisioning`;
const GROUPS_PATH = `${DIR_PATH}/synchronized-groups`;
const DECLARED = [{ id: "g1", email: "eng@example.org" }, { id: "g2" }];

const inputs = (over: Partial<DirectoryProvisioningInputs> = {}): DirectoryProvisioningInputs => ({
    connectionId: SAMPLE.google,
    synchronizeAutomatically: true,
    synchronizeGroups: "selected",
    groups: DECLARED,
    adoptExisting: false,
    synchronizeOnChange: false,
    ...over,
});

/** The state the engine keeps from an init error: its properties, less the loader it stores apart. */
function keptState(err: unknown): DirectoryProvisioningOutputs {
    assert.ok(err instanceof ResourceInitError, String(err));
    const { __provider: loader, ...state } = err.properties;
    assert.equal(loader, "loader");
    // The engine hands exactly these back to the next update as its old state.
    return state as unknown as DirectoryProvisioningOutputs;
}

describe("A create that writes more than once leaves the engine holding what it wrote", () => {
    describe("the shared skeleton, for any kind", () => {
        const schema = () => z.strictObject({ connectionId: z.string() });
        type Outs = { connectionId: string; step: number };
        const provider = (failAt: number) =>
            defineProvider<ReturnType<typeof schema>, Outs>(schema, {
                diff: async () => ({ changes: false }),
                async create(inputs, progress) {
                    for (let step = 1; step <= 2; step++) {
                        if (step === failAt) throw new Error(`write ${step} failed`);
                        progress.wrote("obj_1", { connectionId: inputs.connectionId, step });
                    }
                    return { id: "obj_1", outs: { connectionId: inputs.connectionId, step: 3 } };
                },
                update: async (_id, olds) => ({ outs: olds }),
                read: async () => undefined,
                delete: async () => {},
            });

        it("fails a create that wrote nothing as a plain error", async () => {
            await assert.rejects(provider(1).create({ connectionId: "con_1" }), (err) => !(err instanceof ResourceInitError));
        });

        it("reports a create that failed after a write as created but not initialized, with the last state it recorded", async () => {
            const given = { connectionId: "con_1", __provider: "loader" };
            await assert.rejects(provider(2).create(given), (err: unknown) => {
                assert.ok(err instanceof ResourceInitError);
                assert.equal(err.id, "obj_1");
                assert.deepEqual(err.properties, { connectionId: "con_1", step: 1, __provider: "loader" });
                assert.deepEqual(err.reasons, ["write 2 failed"]);
                assert.equal(err.message, "write 2 failed");
                return true;
            });
        });

        it("carries only what the engine can store: an absent field of a recorded state is left out, never sent as undefined", async () => {
            // The SDK turns the properties into a protobuf Struct, which throws on undefined, inside its own error handler.
            const odd = defineProvider<ReturnType<typeof schema>, Outs & { createdAt?: string }>(schema, {
                diff: async () => ({ changes: false }),
                async create(inputs, progress) {
                    progress.wrote("obj_1", { connectionId: inputs.connectionId, step: 1, createdAt: undefined });
                    throw new Error("write 2 failed");
                },
                update: async (_id, olds) => ({ outs: olds }),
                read: async () => undefined,
                delete: async () => {},
            });
            await assert.rejects(odd.create({ connectionId: "con_1" }), (err: unknown) => {
                assert.ok(err instanceof ResourceInitError);
                assert.deepEqual(Object.keys(err.properties), ["connectionId", "step"]);
                assert.deepEqual(JSON.parse(JSON.stringify(err.properties)), err.properties, "nothing JSON cannot carry");
                return true;
            });
        });
    });

    describe("directory provisioning", () => {
        let emu: RunningEmulator;
        let pristine: string;
        const liveIds = () => (emu.state.synchronizedGroups[SAMPLE.google] ?? []).map((g) => g.id).sort();

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
            emu.setFaults([]);
            useEmulator(emu);
            emu.clearJournal();
        });

        const failures: ReadonlyArray<readonly [string, number, string, Partial<DirectoryProvisioningInputs>]> = [
            ["the groups PUT answers 503 (after its retries)", 503, `^${GROUPS_PATH}$`, {}],
            ["the groups PUT answers 400", 400, `^${GROUPS_PATH}$`, {}],
            ["the synchronization answers 503", 503, `^${DIR_PATH}/synchronizations$`, { synchronizeOnChange: true }],
            ["the groups PUT answers 400 before a synchronization asked for", 400, `^${GROUPS_PATH}$`, { synchronizeOnChange: true }],
        ];
        for (const [what, status, path, over] of failures) {
            it(`keeps our configuration when ${what}, and the next run updates it to the declared state`, async () => {
                emu.setFaults([{ method: path.includes("synchronizations") ? "POST" : "PUT", path, kind: "status", status }]);
                let state: DirectoryProvisioningOutputs | undefined;
                await assert.rejects(p.create(Object.assign(inputs(over), { __provider: "loader" })), (err: unknown) => {
                    state = keptState(err);
                    assert.equal((err as ResourceInitError).id, SAMPLE.google);
                    assert.match(String(err), new RegExp(`failed with ${status}`));
                    return true;
                });
                assert.ok(state);
                assert.equal(state.adopted, false, "ours: we created it");
                assert.equal(state.connectionId, SAMPLE.google);
                emu.setFaults([]);
                // The next run: the engine updates the resource it holds (adoptExisting: false is no obstacle).
                const declared = inputs(over);
                if (status === 503 && what.includes("groups")) assert.equal((await p.diff(SAMPLE.google, state, declared)).changes, true);
                // A refresh in between (`up --refresh`) keeps what the failed create still owes.
                const refreshed = (await p.read(SAMPLE.google, state)).props;
                assert.ok(refreshed);
                assert.equal(refreshed.synchronizationPending, state.synchronizationPending);
                emu.clearJournal();
                const { outs } = await p.update(SAMPLE.google, refreshed, declared);
                assert.deepEqual(liveIds(), ["g1", "g2"]);
                // A synchronization the create was asked for, and never started, is started now.
                const started = emu.journal.filter(
                    (e) => e.method === "POST" && e.path === `${DIR_PATH}/synchronizations` && e.status < 300,
                );
                assert.equal(started.length, declared.synchronizeOnChange ? 1 : 0, "synchronizations started by the next run");
                assert.equal(outs.adopted, false);
                assert.deepEqual(await p.diff(SAMPLE.google, outs, declared), { changes: false });
                // And destroy deletes what we created.
                await p.delete(SAMPLE.google, outs);
                assert.equal(emu.state.directoryProvisionings[SAMPLE.google], undefined);
            });
        }

        it("fails a create whose POST failed as a plain error: nothing of ours is live", async () => {
            emu.setFaults([{ method: "POST", path: `^${DIR_PATH}$`, kind: "status", status: 400 }]);
            await assert.rejects(p.create(inputs()), (err) => !(err instanceof ResourceInitError));
        });

        for (const email of [
            "x@example..com",
            "x@example.com.",
            ".x@example.com",
            "x.@example.com",
            "x@-example.com",
            "x@example",
            "x y@example.com",
        ]) {
            it(`refuses the group email ${JSON.stringify(email)} in check, naming the field, before any request`, async () => {
                const r = await p.check(inputs(), inputs({ groups: [{ id: "g1" }, { id: "g2", email }] }));
                assert.deepEqual(
                    r.failures.map((f) => f.property),
                    ["groups[1].email"],
                );
                assert.match(r.failures[0].reason, /must be an email address/);
                assert.equal(apiCalls(emu.journal).length, 0);
            });
        }

        it("accepts ordinary group emails", async () => {
            for (const email of ["eng@example.org", "first.last+tag@sub.example.co.uk", "o'neil@example-corp.com"]) {
                const r = await p.check(inputs(), inputs({ groups: [{ id: "g1", email }] }));
                assert.deepEqual(r.failures, [], email);
            }
            assert.equal(writes(emu.journal).length, 0);
        });
    });
});

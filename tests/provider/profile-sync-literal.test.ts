import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { profileSyncProvider as p, type ProfileSyncInputs } from "../../components/provider/profileSync";
import { optionsOf, SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";

const inputs = (connectionId: string, over: Partial<ProfileSyncInputs> = {}): ProfileSyncInputs => ({
    connectionId,
    mode: "on_each_login",
    onDelete: "restore",
    ...over,
});

/** Options with our key placed in the middle, so a restore that loses its position shows. */
function withKeyInMiddle(options: Record<string, unknown>, value: unknown): Record<string, unknown> {
    const entries = Object.entries(options).filter(([k]) => k !== "set_user_root_attributes");
    entries.splice(3, 0, ["set_user_root_attributes", value]);
    return Object.fromEntries(entries);
}

describe("ProfileSync on each login and exact restore", () => {
    let emu: RunningEmulator;
    let pristine: string;
    const setLive = (id: string, value: unknown) => {
        emu.state.connections[id].options = withKeyInMiddle(optionsOf(emu, id), value) as never;
        return optionsOf(emu, id);
    };
    const patchedOptions = () => JSON.stringify((writes(emu.journal)[0]?.body as { options: unknown } | undefined)?.options);

    before(async () => {
        emu = await startForProvider();
        pristine = JSON.stringify(emu.state.connections);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.connections = JSON.parse(pristine);
        useEmulator(emu);
        emu.clearJournal();
    });

    for (const [strategy, id] of [
        ["samlp", SAMPLE.samlp],
        ["waad", SAMPLE.waad],
        ["google-apps", SAMPLE.google],
    ] as const) {
        it(`removes the key for on_each_login on ${strategy}, every other option byte for byte`, async () => {
            const before = setLive(id, "never_on_login");
            const { outs } = await p.create(inputs(id));
            const { set_user_root_attributes: _, ...expected } = before;
            assert.equal(writes(emu.journal).length, 1);
            assert.equal(patchedOptions(), JSON.stringify(expected));
            assert.equal(JSON.stringify(optionsOf(emu, id)), JSON.stringify(expected));
            assert.equal(outs.liveMode, "on_each_login");
        });
    }

    it("writes the literal on_each_login on okta, in place", async () => {
        const before = setLive(SAMPLE.okta, "on_first_login");
        await p.create(inputs(SAMPLE.okta));
        assert.equal(patchedOptions(), JSON.stringify({ ...before, set_user_root_attributes: "on_each_login" }));
    });

    it("counts a live literal on_each_login, or an absent key, as satisfied on samlp: no write to normalise", async () => {
        setLive(SAMPLE.samlp, "on_each_login");
        const { outs } = await p.create(inputs(SAMPLE.samlp));
        assert.deepEqual(await p.diff(SAMPLE.samlp, outs, inputs(SAMPLE.samlp)), { changes: false });
        await p.update(SAMPLE.samlp, outs, inputs(SAMPLE.samlp));
        assert.equal(writes(emu.journal).length, 0);
        assert.equal(optionsOf(emu, SAMPLE.samlp).set_user_root_attributes, "on_each_login");
        delete emu.state.connections[SAMPLE.samlp].options!.set_user_root_attributes;
        await p.create(inputs(SAMPLE.samlp));
        assert.equal(writes(emu.journal).length, 0);
    });

    it("puts a removed key back at its place on restore", async () => {
        const before = setLive(SAMPLE.samlp, "on_first_login");
        const { outs } = await p.create(inputs(SAMPLE.samlp));
        assert.deepEqual(outs.previousValue, { present: true, json: '"on_first_login"', position: 3 });
        assert.equal(outs.previousMode, "on_first_login");
        await p.delete(SAMPLE.samlp, outs);
        assert.equal(JSON.stringify(optionsOf(emu, SAMPLE.samlp)), JSON.stringify(before));
    });

    it("counts a value it does not recognise as no mode, reports it as on_each_login, and writes the declared one", async () => {
        setLive(SAMPLE.okta, "On_First_Login");
        const { props } = await p.read(SAMPLE.okta, undefined);
        assert.ok(props);
        assert.equal(props.liveMode, "on_each_login");
        const declared = inputs(SAMPLE.okta, { onDelete: "retain" });
        assert.equal((await p.diff(SAMPLE.okta, props, declared)).changes, true);
        const { outs } = await p.create(declared);
        assert.equal(writes(emu.journal).length, 1);
        assert.equal(optionsOf(emu, SAMPLE.okta).set_user_root_attributes, "on_each_login");
        assert.equal(outs.liveMode, "on_each_login");
    });

    it("records any literal exactly and sends exactly it back; a value the API refuses fails naming it, changing nothing", async () => {
        for (const value of [null, "On_First_Login", "on_each_login_v2", 42, JSON.parse('{"nested":{"__proto__":1}}')]) {
            const before = setLive(SAMPLE.okta, value);
            const { outs } = await p.create(inputs(SAMPLE.okta, { mode: "never_on_login" }));
            assert.deepEqual(outs.previousValue, { present: true, json: JSON.stringify(value), position: 3 });
            assert.equal(outs.previousMode, "absent");
            const afterCreate = JSON.stringify(optionsOf(emu, SAMPLE.okta));
            emu.clearJournal();
            await assert.rejects(
                p.delete(SAMPLE.okta, outs),
                (err: Error) =>
                    err.message.includes(
                        `options.set_user_root_attributes of connection "okta-workforce" (${SAMPLE.okta}) to ${JSON.stringify(value)}`,
                    ) && /API refuses it now .*Nothing was changed/.test(err.message),
            );
            assert.equal(patchedOptions(), JSON.stringify(before));
            assert.equal(JSON.stringify(optionsOf(emu, SAMPLE.okta)), afterCreate);
        }
    });

    it("restores from the previousMode of state written by earlier versions, and prefers previousValue when both exist", async () => {
        const before = setLive(SAMPLE.okta, "never_on_login");
        const { outs } = await p.create(inputs(SAMPLE.okta, { mode: "on_first_login" }));
        const { previousValue: _, ...legacy } = outs;
        await p.delete(SAMPLE.okta, legacy);
        assert.equal(JSON.stringify(optionsOf(emu, SAMPLE.okta)), JSON.stringify(before));
        await p.update(SAMPLE.okta, outs, inputs(SAMPLE.okta, { mode: "on_first_login" }));
        await p.delete(SAMPLE.okta, { ...outs, previousMode: "absent" });
        assert.equal(JSON.stringify(optionsOf(emu, SAMPLE.okta)), JSON.stringify(before));
    });
});

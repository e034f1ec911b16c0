import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { profileSyncProvider as p } from "../../components/provider/profileSync";
import { optionsOf, SAMPLE, startForProvider, useEmulator } from "../helpers/api";

describe("ProfileSync read without prior state (an import)", () => {
    let emu: RunningEmulator;
    let pristine: string;

    before(async () => {
        emu = await startForProvider();
        pristine = JSON.stringify(emu.state.connections);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.connections = JSON.parse(pristine);
        useEmulator(emu);
    });

    it("records the live value as the one before us, so a restore puts it back instead of deleting the key", async () => {
        emu.state.connections[SAMPLE.okta].options = {
            ...optionsOf(emu, SAMPLE.okta),
            set_user_root_attributes: "never_on_login",
        } as never;
        const before = JSON.stringify(optionsOf(emu, SAMPLE.okta));
        const read = await p.read(SAMPLE.okta, undefined);
        assert.ok(read.props);
        assert.equal(read.props.previousValue?.present, true);
        assert.equal(read.props.previousMode, "never_on_login");
        const { outs } = await p.update(SAMPLE.okta, read.props, {
            connectionId: SAMPLE.okta,
            mode: "on_first_login",
            onDelete: "restore",
        });
        assert.equal(optionsOf(emu, SAMPLE.okta).set_user_root_attributes, "on_first_login");
        await p.delete(SAMPLE.okta, outs);
        assert.equal(JSON.stringify(optionsOf(emu, SAMPLE.okta)), before);
    });

    it("records an absent key as absent", async () => {
        const { set_user_root_attributes: _, ...rest } = optionsOf(emu, SAMPLE.okta);
        emu.state.connections[SAMPLE.okta].options = rest as never;
        const read = await p.read(SAMPLE.okta, undefined);
        assert.deepEqual(read.props?.previousValue, { present: false });
        assert.equal(read.props?.previousMode, "absent");
    });

    it("keeps what a prior state recorded", async () => {
        emu.state.connections[SAMPLE.okta].options = {
            ...optionsOf(emu, SAMPLE.okta),
            set_user_root_attributes: "on_first_login",
        } as never;
        const { outs } = await p.create({ connectionId: SAMPLE.okta, mode: "never_on_login", onDelete: "restore" });
        const read = await p.read(SAMPLE.okta, outs);
        assert.deepEqual(read.props?.previousValue, outs.previousValue);
        assert.equal(read.props?.previousMode, "on_first_login");
    });
});

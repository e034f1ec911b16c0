import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ProfileSync } from "../../components";
import { profileSyncProvider } from "../../components/provider/profileSync";
import { emulatorConfig, emulatorEnv } from "../helpers/root-stack";
import { createTestStack, requireEngine, stateFileText, type TestStack } from "../helpers/pulumi";
import { SAMPLE, writes } from "../helpers/api";

/** The ProfileSync of earlier versions: the same type and name, with the whole provider serialized into state. */
class EarlierProfileSync extends pulumi.dynamic.Resource {
    constructor(name: string, args: { connectionId: string; mode: string; onDelete: string }) {
        const outputs = { connectionName: undefined, strategy: undefined, liveMode: undefined, previousMode: undefined };
        super(profileSyncProvider, name, { ...args, ...outputs }, undefined, "auth0-connection-sync", "ProfileSync");
    }
}

/** Longest serialized provider kept in the state file, in characters. */
function largestProvider(t: TestStack): number {
    const state = JSON.parse(stateFileText(t)) as {
        checkpoint: { latest: { resources?: Array<{ inputs?: { __provider?: string }; outputs?: { __provider?: string } }> } };
    };
    const sizes = (state.checkpoint.latest.resources ?? []).flatMap((r) => [
        r.inputs?.__provider?.length ?? 0,
        r.outputs?.__provider?.length ?? 0,
    ]);
    return Math.max(0, ...sizes);
}

describe("Upgrade from state written by earlier versions", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let t: TestStack;

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator({ tls: true, rateLimit: { rate: 16, burst: 50 } });
        t = await createTestStack({
            bin,
            extraEnv: emulatorEnv(emu),
            stackName: "upgrade",
            program: async () => {
                new EarlierProfileSync("okta-profile-sync", { connectionId: SAMPLE.okta, mode: "on_first_login", onDelete: "restore" });
            },
            config: emulatorConfig(emu, {}),
        });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("state written with the whole provider serialized (as earlier versions left it): the current version sees no change in it, then updates and destroys it, restoring the old value", async () => {
        // One scenario: each step starts from the state the step before it left.
        await t.stack.up({ color: "never" });
        assert.equal(
            emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes,
            "on_first_login",
            "earlier version: up wrote the mode",
        );
        assert.ok(largestProvider(t) > 20_000, `earlier version: serialized provider of ${largestProvider(t)} characters`);

        t.stack.workspace.program = async () => {
            new ProfileSync("okta-profile-sync", { connectionId: SAMPLE.okta, mode: "on_first_login", onDelete: "restore" });
        };
        emu.clearJournal();
        const pre = await t.stack.preview({ color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary), ["same"], "current version, same mode: the preview shows no change");
        assert.deepEqual(writes(emu.journal), [], "current version, same mode: the preview writes nothing");

        t.stack.workspace.program = async () => {
            new ProfileSync("okta-profile-sync", { connectionId: SAMPLE.okta, mode: "never_on_login", onDelete: "restore" });
        };
        const up = await t.stack.up({ color: "never" });
        assert.deepEqual(up.summary.resourceChanges, { same: 1, update: 1 }, "current version, new mode: one update");
        assert.equal(
            emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes,
            "never_on_login",
            "current version: up wrote the new mode",
        );
        // What the engine stores now is the loader, not the provider.
        assert.ok(largestProvider(t) < 8_000, `current version: serialized provider of ${largestProvider(t)} characters`);

        await t.stack.destroy({ color: "never" });
        assert.equal("set_user_root_attributes" in emu.state.connections[SAMPLE.okta].options!, false, "destroy: restored to absent");
    });
});

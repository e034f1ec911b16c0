import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ConnectionSync, ProfileSync } from "../../components";
import { createTestStack, requireEngine, type TestStack } from "../helpers/pulumi";
import { collector, emulatorConfig, rootProgramStack, saveTranscript, emulatorEnv } from "../helpers/root-stack";
import { apiCalls, SAMPLE } from "../helpers/api";
import * as cli from "../helpers/cli";

/** What the CLI printed on a run that must fail (its stdout, as the Automation API's onOutput gets it). */
async function failedOutput(run: Promise<unknown>): Promise<string> {
    try {
        await run;
    } catch (err) {
        if (err instanceof cli.CliError) return err.stdout;
        throw err;
    }
    assert.fail("the run succeeded");
}

describe("End to end: delete policies and bad input through the real engine", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let bin: string;
    const stacks: TestStack[] = [];

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
    });
    after(async () => {
        for (const s of stacks) s.cleanup();
        await emu?.close();
    });

    it("destroy restores or retains profile sync and deletes or retains configs, as declared", async () => {
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        const t = await createTestStack({
            bin,
            extraEnv: emulatorEnv(emu),
            stackName: "policies",
            config: emulatorConfig(emu, {}),
            program: async () => {
                new ConnectionSync("okta", {
                    connection: SAMPLE.okta,
                    profileSync: { mode: "never_on_login", onDelete: "restore" },
                    scim: { onDelete: "retain" },
                });
                new ConnectionSync("google", {
                    connection: SAMPLE.google,
                    profileSync: "on_first_login",
                    directoryProvisioning: { onDelete: "delete" },
                });
            },
        });
        stacks.push(t);
        await t.stack.up({ color: "never" });
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "never_on_login");
        assert.ok(emu.state.directoryProvisionings[SAMPLE.google]);
        const out = collector();
        await t.stack.destroy({ onOutput: out.onOutput, color: "never" });
        assert.ok(!("set_user_root_attributes" in emu.state.connections[SAMPLE.okta].options!), "restored to absent");
        assert.ok(emu.state.scimConfigurations[SAMPLE.okta], "SCIM retained");
        assert.equal(emu.state.connections[SAMPLE.google].options!.set_user_root_attributes, "on_first_login", "profile sync retained");
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google], undefined, "directory provisioning deleted");
        saveTranscript("05-destroy-with-policies", out.text());
    });

    it("fails the preview on a bad config with every path named and zero API calls", async () => {
        const t = await rootProgramStack(bin, emu, "badconfig", {
            "okta-workforce": { profileSync: "sometimes", scim: { mapping: [{ auth0: "email" }] } },
            "google-workspace": { directoryProvisioning: { synchronizeGroups: "most" } },
        });
        stacks.push(t);
        emu.clearJournal();
        const text = await failedOutput(cli.preview(t));
        assert.match(
            text,
            /connections\.okta-workforce\.profileSync: must be one of on_each_login, on_first_login, never_on_login \(got "sometimes"\)/,
        );
        assert.match(text, /connections\.okta-workforce\.scim\.mapping\[0\]\.scim: /);
        assert.match(text, /connections\.google-workspace\.directoryProvisioning\.synchronizeGroups: must be one of all, off, selected/);
        assert.deepEqual(apiCalls(emu.journal), []);
        saveTranscript("06-bad-config-preview", text);
    });

    it("fails a resource's check in the engine, naming the property, before any API call", async () => {
        const t = await createTestStack({
            bin,
            extraEnv: emulatorEnv(emu),
            stackName: "badcheck",
            config: emulatorConfig(emu, {}),
            program: async () => {
                new ProfileSync("bad", { connectionId: SAMPLE.okta, mode: "always" as never });
            },
        });
        stacks.push(t);
        emu.clearJournal();
        const out = collector();
        await assert.rejects(t.stack.preview({ onOutput: out.onOutput, color: "never" }));
        assert.match(out.text(), /mode.*must be one of on_each_login, on_first_login, never_on_login \(got "always"\)/);
        assert.deepEqual(apiCalls(emu.journal), []);
    });

    it("names unknown connections with close matches, before any write", async () => {
        const t = await rootProgramStack(bin, emu, "unknown", { "okta-workfroce": { profileSync: "on_first_login" } });
        stacks.push(t);
        emu.clearJournal();
        const text = await failedOutput(cli.preview(t));
        assert.match(
            text,
            /connections\.okta-workfroce: no connection with this name or id in the tenant; did you mean "okta-workforce"\?/,
        );
        assert.deepEqual(
            apiCalls(emu.journal).map((e) => e.method),
            ["GET"],
        );
    });
});

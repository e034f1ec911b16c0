import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { runExport } from "../../scripts/export";
import { requireEngine, type TestStack } from "../helpers/pulumi";
import { collector, rootProgramStack, saveTranscript } from "../helpers/root-stack";
import { writes } from "../helpers/api";

describe("End to end: onboarding a tenant with export", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let t: TestStack;
    const env = { ...process.env };

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        process.env = { ...env, AUTH0_DOMAIN: emu.url, AUTH0_API_TOKEN: "local-admin-token" };
        const text = await runExport(["--stack", "onboard"], () => undefined, { caCertificate: emu.ca });
        const block = (parse(text) as { config: Record<string, unknown> }).config["auth0-connection-sync:connections"];
        process.env = env;
        t = await rootProgramStack(bin, emu, "onboard", block);
    });
    after(async () => {
        process.env = env;
        t?.cleanup();
        await emu?.close();
    });

    it("previews only creates of our own resources (adoption), no update of any setting", async () => {
        const out = collector();
        const pre = await t.stack.preview({ diff: true, onOutput: out.onOutput, color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary).sort(), ["create"]);
        saveTranscript("07-preview-after-export", out.text());
    });

    it("applies the exported config with zero writes, and then has nothing to do", async () => {
        emu.clearJournal();
        const before = JSON.stringify(emu.state.connections) + JSON.stringify(emu.state.scimConfigurations);
        const up = await t.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(writes(emu.journal), []);
        assert.equal(JSON.stringify(emu.state.connections) + JSON.stringify(emu.state.scimConfigurations), before);
        const pre = await t.stack.preview({ color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary), ["same"]);
    });
});

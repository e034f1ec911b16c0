import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { runExport } from "../../scripts/export";
import { requireEngine, type TestStack } from "../helpers/pulumi";
import { rootProgramStack, saveTranscript } from "../helpers/root-stack";
import { writes } from "../helpers/api";
import * as cli from "../helpers/cli";

describe("End to end: onboarding a tenant with export", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let bin: string;
    /** The `connections` block the export wrote for the sample tenant. */
    let block: unknown;
    const stacks: TestStack[] = [];
    const env = { ...process.env };

    /** A fresh stack of the exported config: each test adopts the tenant on its own. */
    async function onboarded(name: string): Promise<TestStack> {
        const t = await rootProgramStack(bin, emu, name, block);
        stacks.push(t);
        return t;
    }

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        process.env = { ...env, AUTH0_DOMAIN: emu.url, AUTH0_API_TOKEN: "local-admin-token" };
        const text = await runExport(["--stack", "onboard"], () => undefined, { caCertificate: emu.ca });
        block = (parse(text) as { config: Record<string, unknown> }).config["auth0-connection-sync:connections"];
        process.env = env;
    });
    after(async () => {
        process.env = env;
        for (const s of stacks) s.cleanup();
        await emu?.close();
    });

    it("previews only creates of our own resources (adoption), no update of any setting", async () => {
        const t = await onboarded("onboard-preview");
        const pre = await cli.preview(t, { diff: true });
        assert.deepEqual(Object.keys(pre.changes).sort(), ["create"]);
        saveTranscript("07-preview-after-export", pre.stdout);
    });

    it("applies the exported config with zero writes, and then has nothing to do", async () => {
        const t = await onboarded("onboard-up");
        emu.clearJournal();
        const before = JSON.stringify(emu.state.connections) + JSON.stringify(emu.state.scimConfigurations);
        await cli.up(t);
        assert.deepEqual(writes(emu.journal), []);
        assert.equal(JSON.stringify(emu.state.connections) + JSON.stringify(emu.state.scimConfigurations), before);
        const pre = await cli.preview(t);
        assert.deepEqual(Object.keys(pre.changes), ["same"]);
    });
});

import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { requireEngine, runPulumi, type TestStack } from "../helpers/pulumi";
import { collector, rootProgramStack, setConnections } from "../helpers/root-stack";
import { SAMPLE, writes } from "../helpers/api";

const BAD = {
    "okta-workforce": { profileSync: "sometimes", scim: { mapping: [{ auth0: "email" }] } },
    "google-workspace": { directoryProvisioning: { synchronizeGroups: "most" } },
};

/** The lines of the bad config's error list, as the program words them. */
const BAD_LINES = [
    /connections\.okta-workforce\.profileSync: must be one of on_each_login, on_first_login, never_on_login \(got "sometimes"\)/g,
    /connections\.okta-workforce\.scim\.mapping\[0\]\.scim: /g,
    /connections\.google-workspace\.directoryProvisioning\.synchronizeGroups: must be one of all, off, selected/g,
];

/** The error text of a rejected Automation API call (it carries the CLI's stdout and stderr). */
function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

describe("The project directory under pulumi up", function () {
    this.timeout(300_000);
    let bin: string;
    let emu: RunningEmulator;
    let t: TestStack;

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        // Type-checked by the language host, as `pulumi up` does for users.
        t = await rootProgramStack(bin, emu, "project", { "okta-workforce": { profileSync: "on_first_login" } }, { typeCheck: true });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("up of the directory writes the setting and exports exactly connections", async () => {
        const up = await t.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(Object.keys(up.outputs), ["connections"]);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`PATCH /api/v2/connections/${SAMPLE.okta}`],
        );
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "on_first_login");
        // The same through the CLI, as a user would read them.
        const out = await runPulumi(bin, ["stack", "output", "--json", "--stack", "project"], { cwd: t.workDir, env: t.env });
        assert.equal(out.code, 0, out.stderr);
        const outputs = JSON.parse(out.stdout) as { connections: Record<string, { id: string; manages: string[] }> };
        assert.deepEqual(Object.keys(outputs), ["connections"]);
        assert.equal(outputs.connections["okta-workforce"].id, SAMPLE.okta);
        assert.deepEqual(outputs.connections["okta-workforce"].manages, ["profileSync"]);
    });

    it("a preview after it has nothing to do", async () => {
        emu.clearJournal();
        const pre = await t.stack.preview({ color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary), ["same"]);
        assert.deepEqual(writes(emu.journal), []);
    });

    it("a bad config prints its error list once, and no warning", async () => {
        await setConnections(t, BAD);
        emu.clearJournal();
        const out = collector();
        const err = await t.stack.preview({ onOutput: out.onOutput, color: "never" }).then(
            () => undefined,
            (e: unknown) => e,
        );
        assert.ok(err !== undefined, "the preview failed");
        // The error carries the CLI's stderr; stdout is what onOutput saw.
        const text = `${out.text()}\n${errorText(err)}`;
        for (const line of BAD_LINES) {
            assert.equal(out.text().match(line)?.length ?? 0, 1, `${line} once in:\n${out.text()}`);
        }
        assert.doesNotMatch(text, /PromiseRejectionHandledWarning|UnhandledPromiseRejection|DeprecationWarning|\bWarning:/);
        assert.doesNotMatch(text, /^\s*warning:/im);
        assert.deepEqual(writes(emu.journal), []);
    });
});

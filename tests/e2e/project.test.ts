import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import * as cli from "../helpers/cli";
import { requireEngine, runPulumi, type TestStack } from "../helpers/pulumi";
import { rootProgramStack, setConnections } from "../helpers/root-stack";
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

const DECLARED = { "okta-workforce": { profileSync: "on_first_login" } };

describe("The project directory under pulumi up", function () {
    this.timeout(300_000);
    let bin: string;
    let emu: RunningEmulator;
    let t: TestStack;
    /** The same stack without the language host's type check: `up` below already proved the program type-checks. */
    let untyped: TestStack;
    let firstUp: { changes: cli.Changes; writes: string[] };

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        // Type-checked by the language host, as `pulumi up` does for users.
        t = await rootProgramStack(bin, emu, "project", DECLARED, { typeCheck: true });
        untyped = { ...t, env: { ...t.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" } };
        const up = await cli.up(t);
        firstUp = { changes: up.changes, writes: writes(emu.journal).map((e) => `${e.method} ${e.path}`) };
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("up of the directory, type-checked, writes the setting and exports exactly connections", async () => {
        assert.deepEqual(firstUp.changes, { create: 3 });
        assert.deepEqual(firstUp.writes, [`PATCH /api/v2/connections/${SAMPLE.okta}`]);
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "on_first_login");
        // The outputs through the CLI, as a user would read them.
        const out = await runPulumi(bin, ["stack", "output", "--json", "--stack", "project"], { cwd: t.workDir, env: t.env });
        assert.equal(out.code, 0, out.stderr);
        const outputs = JSON.parse(out.stdout) as { connections: Record<string, { id: string; manages: string[] }> };
        assert.deepEqual(Object.keys(outputs), ["connections"]);
        assert.equal(outputs.connections["okta-workforce"].id, SAMPLE.okta);
        assert.deepEqual(outputs.connections["okta-workforce"].manages, ["profileSync"]);
    });

    it("a preview after it has nothing to do", async () => {
        emu.clearJournal();
        const pre = await cli.preview(untyped);
        assert.deepEqual(Object.keys(pre.changes), ["same"]);
        assert.deepEqual(writes(emu.journal), []);
    });

    it("a bad config prints its error list once, and no warning", async () => {
        await setConnections(t, BAD);
        try {
            emu.clearJournal();
            const err = await cli.preview(untyped).then(
                () => undefined,
                (e: unknown) => e,
            );
            assert.ok(err instanceof cli.CliError, "the preview failed");
            for (const line of BAD_LINES) {
                assert.equal(err.stdout.match(line)?.length ?? 0, 1, `${line} once in:\n${err.stdout}`);
            }
            const text = `${err.stdout}\n${err.stderr}`;
            assert.doesNotMatch(text, /PromiseRejectionHandledWarning|UnhandledPromiseRejection|DeprecationWarning|\bWarning:/);
            assert.doesNotMatch(text, /^\s*warning:/im);
            assert.deepEqual(writes(emu.journal), []);
        } finally {
            await setConnections(t, DECLARED);
        }
    });
});

import * as assert from "node:assert/strict";
import { startEmulator, type EmulatorState, type JournalEntry, type RunningEmulator } from "../../emulator";
import { requireEngine, runPulumi, stateFileText } from "../helpers/pulumi";
import { rootProgramStack, saveTranscript, setConnections } from "../helpers/root-stack";
import { apiCalls, SAMPLE, writes } from "../helpers/api";
import * as cli from "../helpers/cli";
import type { TestStack } from "../helpers/pulumi";

const MAPPING = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "preferred_username", scim: "userName" },
];

const DECLARED = {
    "okta-workforce": { profileSync: "on_first_login", scim: { mapping: MAPPING, tokens: [{ scopes: ["get:users", "post:users"] }] } },
    "google-workspace": { profileSync: "never_on_login", directoryProvisioning: { synchronizeGroups: "all" } },
};

/**
 * The baseline every test starts from and returns to: the stack after its first up of DECLARED,
 * with the tenant as that up left it. The first up and a second one (which must change nothing)
 * run once in `before`; the tests that only read them share their output and journals.
 */
describe("End to end: the root program through the real engine", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let t: TestStack;
    let original: Record<string, Record<string, unknown>>;
    let bin: string;
    let first: cli.OpResult;
    let firstJournal: JournalEntry[];
    let afterFirst: EmulatorState;
    let second: cli.OpResult;
    let secondJournal: JournalEntry[];

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true, rateLimit: { rate: 16, burst: 50 } });
        original = Object.fromEntries(Object.entries(emu.state.connections).map(([id, c]) => [id, structuredClone(c.options ?? {})]));
        t = await rootProgramStack(bin, emu, "lifecycle", DECLARED);
        first = await cli.up(t);
        firstJournal = [...emu.journal];
        afterFirst = structuredClone(emu.state);
        emu.clearJournal();
        // --expect-no-changes fails the run on any step other than "same"; --diff prints what a preview --diff would.
        second = await cli.up(t, { expectNoChanges: true, diff: true });
        secondJournal = [...emu.journal];
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("up creates the declared settings and keeps every other option intact", () => {
        const state = afterFirst;
        assert.equal(state.connections[SAMPLE.okta].options!.set_user_root_attributes, "on_first_login");
        assert.equal(state.connections[SAMPLE.google].options!.set_user_root_attributes, "never_on_login");
        for (const [id, before] of Object.entries(original)) {
            const { set_user_root_attributes: _x, ...now } = state.connections[id].options ?? {};
            const { set_user_root_attributes: _y, ...was } = before;
            assert.deepEqual(now, was, `options of ${state.connections[id].name} changed`);
        }
        assert.equal(state.scimConfigurations[SAMPLE.okta].mapping.length, 2);
        assert.equal(state.directoryProvisionings[SAMPLE.google].synchronize_groups, "all");
        assert.equal(state.scimTokens[SAMPLE.okta].length, 1);
        // Profile sync is applied before SCIM and directory provisioning, as Auth0 recommends.
        for (const [id, feature] of [
            [SAMPLE.okta, "scim-configuration"],
            [SAMPLE.google, "directory-provisioning"],
        ] as const) {
            const at = (method: string, path: string) => firstJournal.findIndex((e) => e.method === method && e.path === path);
            const profile = at("PATCH", `/api/v2/connections/${id}`);
            const created = at("POST", `/api/v2/connections/${id}/${feature}`);
            assert.ok(profile >= 0 && created > profile, `${feature} of ${id} was created after its profile sync PATCH`);
        }
        saveTranscript("01-first-up", first.stdout);
    });

    it("a second up changes nothing and writes nothing (--expect-no-changes: the steps a preview would plan)", () => {
        assert.deepEqual(Object.keys(second.changes), ["same"], second.stdout);
        assert.deepEqual(writes(secondJournal), []);
        assert.ok(apiCalls(secondJournal).every((e) => e.status !== 429));
    });

    it("shows a dashboard edit as live -> desired after --refresh, and up fixes it with one PATCH", async () => {
        emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes = "on_each_login";
        const { stdout: text } = await cli.preview(t, { refresh: true, diff: true });
        assert.match(text, /okta-workforce-profile-sync/);
        assert.match(text, /mode\s*:\s*"on_each_login"\s*=>\s*"on_first_login"/);
        saveTranscript("02-drift-preview-refresh-diff", text);
        emu.clearJournal();
        await cli.up(t);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`PATCH /api/v2/connections/${SAMPLE.okta}`],
        );
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "on_first_login");
    });

    it("shows a change of mode and of mapping in config with old and new values", async () => {
        await setConnections(t, {
            ...DECLARED,
            "okta-workforce": {
                ...DECLARED["okta-workforce"],
                profileSync: "never_on_login",
                scim: { ...DECLARED["okta-workforce"].scim, mapping: [...MAPPING, { auth0: "name", scim: "displayName" }] },
            },
        });
        try {
            const pre = await cli.preview(t, { diff: true });
            const text = pre.stdout;
            // One update per changed setting: the ConnectionSync records no inputs of its own.
            assert.equal(pre.changes.update, 2, text);
            assert.doesNotMatch(text, /ConnectionSync: \(update\)/);
            assert.match(text, /ProfileSync: \(update\)/);
            assert.match(text, /ScimConfiguration: \(update\)/);
            assert.doesNotMatch(text, /ScimToken: \(/);
            assert.match(text, /mode\s*:\s*"on_first_login"\s*=>\s*"never_on_login"/);
            assert.match(text, /\+\s*\[2\]: \{\s*\+\s*auth0: "name"\s*\+\s*scim\s*: "displayName"/);
            saveTranscript("03-config-change-preview-diff", text);
            emu.clearJournal();
            await cli.up(t);
            assert.deepEqual(
                writes(emu.journal)
                    .map((e) => e.method)
                    .sort(),
                ["PATCH", "PATCH"],
            );
        } finally {
            // Back to the baseline for the other tests.
            await setConnections(t, DECLARED);
            await cli.up(t);
        }
    });

    it("a refresh reads each managed setting once (the diff after each read reuses it) and writes nothing", async () => {
        emu.clearJournal();
        await cli.refresh(t);
        const reads = apiCalls(emu.journal)
            .filter((e) => e.method === "GET")
            .map((e) => e.path);
        const twice = reads.filter((p, i) => reads.indexOf(p) !== i);
        assert.deepEqual(twice, [], `read more than once: ${twice.join(", ")}`);
        // okta: connection, SCIM config, tokens; google-workspace: connection, directory provisioning (+ its default mapping).
        assert.ok(reads.length >= 5 && reads.length <= 6, reads.join("\n"));
        assert.deepEqual(writes(emu.journal), []);
    });

    it("refresh drops a SCIM config deleted out of band, and the next up recreates it", async () => {
        delete emu.state.scimConfigurations[SAMPLE.okta];
        const refreshed = await cli.refresh(t);
        const state = await t.stack.exportStack();
        const types = (state.deployment.resources as Array<{ urn: string }>).map((r) => r.urn);
        assert.ok(!types.some((u) => u.endsWith("::okta-workforce-scim")), "the SCIM resource left the state");
        saveTranscript("04-refresh-after-out-of-band-delete", refreshed.stdout);
        await cli.up(t);
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta].mapping.length, 2);
    });

    it("never shows the client secret or a SCIM token value in the state or the CLI output", async () => {
        // The output of the first up (the token's creation) and of the second (with --diff).
        const printed = [first, second].map((r) => r.stdout + r.stderr).join("\n");
        const state = stateFileText(t);
        // `pulumi stack output` without --show-secrets: the token values are masked, everything else readable.
        const shown = await runPulumi(bin, ["stack", "output", "--json", "--stack", t.stack.name], { cwd: t.workDir, env: t.env });
        assert.equal(shown.code, 0, shown.stderr);
        const revealed = JSON.stringify(await cli.outputs(t));
        const tokens = [...new Set([afterFirst, emu.state].flatMap((s) => (s.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token)))];
        assert.ok(tokens.length > 0);
        for (const secret of ["local-secret", ...tokens]) {
            assert.ok(!state.includes(secret), `state contains ${secret.slice(0, 4)}...`);
            assert.ok(!printed.includes(secret), "CLI output contains a secret");
            assert.ok(!shown.stdout.includes(secret), "plain stack output shows a secret");
        }
        assert.match(shown.stdout, /\[secret\]/);
        // The IdP administrator gets the token value with --show-secrets.
        assert.ok(
            tokens.some((tok) => revealed.includes(tok)),
            "stack output --show-secrets shows the token",
        );
        // The token is in the state, encrypted: Pulumi's secret signature with a ciphertext.
        assert.match(state, /"token":\s*\{\s*"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
    });
});

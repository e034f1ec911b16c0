import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { requireEngine, runPulumi, stateFileText } from "../helpers/pulumi";
import { collector, rootProgramStack, saveTranscript, setConnections } from "../helpers/root-stack";
import { apiCalls, SAMPLE, writes } from "../helpers/api";
import type { TestStack } from "../helpers/pulumi";

const MAPPING = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "preferred_username", scim: "userName" },
];

const DECLARED = {
    "okta-workforce": { profileSync: "on_first_login", scim: { mapping: MAPPING, tokens: [{ scopes: ["get:users", "post:users"] }] } },
    "google-workspace": { profileSync: "never_on_login", directoryProvisioning: { synchronizeGroups: "all" } },
};

describe("End to end: the root program through the real engine", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let t: TestStack;
    let original: Record<string, Record<string, unknown>>;
    let bin: string;

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true, rateLimit: { rate: 16, burst: 50 } });
        original = Object.fromEntries(Object.entries(emu.state.connections).map(([id, c]) => [id, structuredClone(c.options ?? {})]));
        t = await rootProgramStack(bin, emu, "lifecycle", DECLARED);
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("up creates the declared settings and keeps every other option intact", async () => {
        const out = collector();
        const up = await t.stack.up({ onOutput: out.onOutput, color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "on_first_login");
        assert.equal(emu.state.connections[SAMPLE.google].options!.set_user_root_attributes, "never_on_login");
        for (const [id, before] of Object.entries(original)) {
            const { set_user_root_attributes: _x, ...now } = emu.state.connections[id].options ?? {};
            const { set_user_root_attributes: _y, ...was } = before;
            assert.deepEqual(now, was, `options of ${emu.state.connections[id].name} changed`);
        }
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta].mapping.length, 2);
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google].synchronize_groups, "all");
        assert.equal(emu.state.scimTokens[SAMPLE.okta].length, 1);
        // Profile sync is applied before SCIM and directory provisioning, as Auth0 recommends.
        for (const [id, feature] of [
            [SAMPLE.okta, "scim-configuration"],
            [SAMPLE.google, "directory-provisioning"],
        ] as const) {
            const at = (method: string, path: string) => emu.journal.findIndex((e) => e.method === method && e.path === path);
            const profile = at("PATCH", `/api/v2/connections/${id}`);
            const created = at("POST", `/api/v2/connections/${id}/${feature}`);
            assert.ok(profile >= 0 && created > profile, `${feature} of ${id} was created after its profile sync PATCH`);
        }
        saveTranscript("01-first-up", out.text());
    });

    it("a second up and a preview change nothing and write nothing", async () => {
        emu.clearJournal();
        const pre = await t.stack.preview({ color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary), ["same"]);
        const up = await t.stack.up({ color: "never" });
        assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"]);
        assert.deepEqual(writes(emu.journal), []);
        assert.ok(apiCalls(emu.journal).every((e) => e.status !== 429));
    });

    it("shows a dashboard edit as live -> desired after --refresh, and up fixes it with one PATCH", async () => {
        emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes = "on_each_login";
        const out = collector();
        await t.stack.preview({ refresh: true, diff: true, onOutput: out.onOutput, color: "never" });
        const text = out.text();
        assert.match(text, /okta-workforce-profile-sync/);
        assert.match(text, /mode\s*:\s*"on_each_login"\s*=>\s*"on_first_login"/);
        saveTranscript("02-drift-preview-refresh-diff", text);
        emu.clearJournal();
        await t.stack.up({ color: "never" });
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
        const out = collector();
        const pre = await t.stack.preview({ diff: true, onOutput: out.onOutput, color: "never" });
        const text = out.text();
        // One update per changed setting: the ConnectionSync records no inputs of its own.
        assert.equal(pre.changeSummary.update, 2, text);
        assert.doesNotMatch(text, /ConnectionSync: \(update\)/);
        assert.match(text, /ProfileSync: \(update\)/);
        assert.match(text, /ScimConfiguration: \(update\)/);
        assert.doesNotMatch(text, /ScimToken: \(/);
        assert.match(text, /mode\s*:\s*"on_first_login"\s*=>\s*"never_on_login"/);
        assert.match(text, /\+\s*\[2\]: \{\s*\+\s*auth0: "name"\s*\+\s*scim\s*: "displayName"/);
        saveTranscript("03-config-change-preview-diff", text);
        emu.clearJournal();
        await t.stack.up({ color: "never" });
        assert.deepEqual(
            writes(emu.journal)
                .map((e) => e.method)
                .sort(),
            ["PATCH", "PATCH"],
        );
        await setConnections(t, DECLARED);
        await t.stack.up({ color: "never" });
    });

    it("a refresh reads each managed setting once (the diff after each read reuses it) and writes nothing", async () => {
        emu.clearJournal();
        const refresh = await t.stack.refresh({ color: "never" });
        assert.equal(refresh.summary.result, "succeeded");
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
        const out = collector();
        await t.stack.refresh({ onOutput: out.onOutput, color: "never" });
        const state = await t.stack.exportStack();
        const types = (state.deployment.resources as Array<{ urn: string }>).map((r) => r.urn);
        assert.ok(!types.some((u) => u.endsWith("::okta-workforce-scim")), "the SCIM resource left the state");
        saveTranscript("04-refresh-after-out-of-band-delete", out.text());
        await t.stack.up({ color: "never" });
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta].mapping.length, 2);
    });

    it("never shows the client secret or a SCIM token value in the state or the CLI output", async () => {
        const out = collector();
        await t.stack.up({ onOutput: out.onOutput, color: "never" });
        await t.stack.preview({ diff: true, onOutput: out.onOutput, color: "never" });
        const state = stateFileText(t);
        // `pulumi stack output` without --show-secrets: the token values are masked, everything else readable.
        const shown = await runPulumi(bin, ["stack", "output", "--json", "--stack", t.stack.name], { cwd: t.workDir, env: t.env });
        assert.equal(shown.code, 0, shown.stderr);
        const revealed = await runPulumi(bin, ["stack", "output", "--json", "--show-secrets", "--stack", t.stack.name], {
            cwd: t.workDir,
            env: t.env,
        });
        const tokens = emu.state.scimTokens[SAMPLE.okta].map((x) => x.token);
        assert.ok(tokens.length > 0);
        for (const secret of ["local-secret", ...tokens]) {
            assert.ok(!state.includes(secret), `state contains ${secret.slice(0, 4)}...`);
            assert.ok(!out.text().includes(secret), "CLI output contains a secret");
            assert.ok(!shown.stdout.includes(secret), "plain stack output shows a secret");
        }
        assert.match(shown.stdout, /\[secret\]/);
        // The IdP administrator gets the token value with --show-secrets.
        assert.ok(
            tokens.some((tok) => revealed.stdout.includes(tok)),
            "stack output --show-secrets shows the token",
        );
        // The token is in the state, encrypted: Pulumi's secret signature with a ciphertext.
        assert.match(state, /"token":\s*\{\s*"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
    });
});

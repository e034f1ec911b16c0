import * as assert from "node:assert/strict";
import { type EmulatorState, type RunningEmulator, startEmulator } from "../../emulator";
import { changesOf, estimateMs, failed, refusals, reportLines, type RehearsalResult } from "../../scripts/rehearse/report";
import { SAMPLE_TOKEN } from "../helpers/sample";

const SAML = "con_HjmNJNp9IuiWJONr";
const GOOGLE = "con_ka3hEJF2Xrahotuo";

function copy(s: EmulatorState): EmulatorState {
    const { deletedConnectionIds, ...rest } = s;
    return { ...structuredClone(rest), deletedConnectionIds: new Set(deletedConnectionIds) };
}

async function send(emu: RunningEmulator, method: string, path: string, body: unknown): Promise<number> {
    const res = await fetch(`${emu.url}/api/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${SAMPLE_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
}

function result(emu: RunningEmulator, before: EmulatorState, over: Partial<RehearsalResult> = {}): RehearsalResult {
    return {
        tenant: "acme.eu.auth0.com",
        stack: "dev",
        connections: [
            { id: SAML, name: "acme-saml", strategy: "samlp" },
            { id: GOOGLE, name: "google-workspace", strategy: "google-apps" },
        ],
        listed: 6,
        placeholders: 3,
        rate: { rate: 16, burst: 50 },
        before,
        after: copy(emu.state),
        upJournal: [...emu.journal],
        upMs: 12_000,
        upFailed: true,
        engineErrors: [],
        roundTripMs: 50,
        ...over,
    };
}

describe("rehearse report", () => {
    let emu: RunningEmulator;
    beforeEach(async () => {
        emu = await startEmulator();
    });
    afterEach(() => emu.close());

    it("shows a write the API refused under its connection, with the API's own message", async () => {
        const before = copy(emu.state);
        for (let i = 0; i < 3; i++) await send(emu, "POST", `/connections/${SAML}/scim-configuration/tokens`, { scopes: ["get:users"] });
        const lines = reportLines(result(emu, before));
        const block = lines.slice(lines.indexOf(`acme-saml (samlp, ${SAML})`));
        assert.match(block[1], /changed +2 SCIM tokens issued/);
        assert.match(
            block[2],
            /REFUSED +POST \/api\/v2\/connections\/con_HjmNJNp9IuiWJONr\/scim-configuration\/tokens: 409 A connection can have at most 2 active SCIM tokens/,
        );
        assert.equal(refusals(emu.journal).length, 1);
    });

    it("shows a group email the API refuses with the API's validation message", async () => {
        await send(emu, "POST", `/connections/${GOOGLE}/directory-provisioning`, { synchronize_groups: "selected" });
        const before = copy(emu.state);
        emu.clearJournal();
        const status = await send(emu, "POST", `/connections/${GOOGLE}/directory-provisioning/synchronized-groups`, {
            groups: [{ id: "03x8tuzt1ofkyjd", email: "support@example..org" }],
        });
        assert.equal(status, 400);
        const text = reportLines(result(emu, before)).join("\n");
        assert.match(
            text,
            /REFUSED +POST \S+synchronized-groups: 400 Payload validation error: 'Object didn't pass validation for format email: support@example\.\.org'/,
        );
    });

    it("says what changed: profile sync, and any other option, which must never change", () => {
        const before = copy(emu.state);
        const after = copy(emu.state);
        const options = after.connections[SAML].options ?? {};
        options.set_user_root_attributes = "never_on_login";
        options.debug = !options.debug;
        after.connections[SAML].options = options;
        assert.deepEqual(changesOf(SAML, before, after), ['profile sync absent → "never_on_login"', "OTHER OPTIONS CHANGED: debug"]);
        assert.deepEqual(changesOf(GOOGLE, before, after), []);
    });

    it("estimates the real run as the twin's time plus a round trip per request", () => {
        assert.equal(estimateMs(10_000, 20, 50), 11_000);
        const text = reportLines(result(emu, copy(emu.state), { upFailed: false, previewChanges: { same: 9 }, upMs: 10_000 })).join("\n");
        assert.match(text, /Estimate for acme\.eu\.auth0\.com: 10\.0 s/);
    });

    it("fails when the up failed, when the preview was not run, and when it shows changes", () => {
        assert.equal(failed({ upFailed: true, previewChanges: { same: 3 } }), true);
        assert.equal(failed({ upFailed: false, previewChanges: undefined }), true);
        assert.equal(failed({ upFailed: false, previewChanges: { same: 3, update: 1 } }), true);
        assert.equal(failed({ upFailed: false, previewChanges: { same: 3 } }), false);
    });
});

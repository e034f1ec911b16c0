import * as assert from "node:assert/strict";
import { type JournalEntry, startEmulator } from "../../emulator";
import { parseConnectionsConfig } from "../../program/config";
import { connectionOf, connectionReport, countRequests, summaryLines } from "../../scripts/start/summary";
import { SAMPLE } from "../helpers/sample";

function entry(method: string, path: string, status = 200): JournalEntry {
    return { method, path, query: {}, body: undefined, status, at: 0 };
}

describe("npm start summary", () => {
    it("counts a request for the connection it is about, listings and sign-in for none, and sign-in as no write", () => {
        assert.equal(connectionOf(entry("PATCH", `/api/v2/connections/${SAMPLE.okta}`)), SAMPLE.okta);
        assert.equal(connectionOf(entry("GET", `/api/v2/connections/${SAMPLE.okta}/scim-configuration/tokens`)), SAMPLE.okta);
        assert.equal(connectionOf(entry("GET", "/api/v2/connections")), undefined);
        assert.equal(connectionOf(entry("GET", "/api/v2/connections-scim-configurations")), undefined);
        assert.equal(connectionOf(entry("POST", "/oauth/token")), undefined);
        const journal = [
            entry("POST", "/oauth/token"),
            entry("GET", "/api/v2/a"),
            entry("POST", "/api/v2/b"),
            entry("GET", "/api/v2/c", 429),
        ];
        assert.deepEqual(countRequests(journal), {
            total: 4,
            writes: 1,
            throttled: 1,
        });
    });

    it("reads the tenant, not the config: a mode set by someone else shows as it is", async () => {
        const emu = await startEmulator();
        try {
            const { config } = parseConnectionsConfig({
                "okta-workforce": { profileSync: { mode: "on_first_login", onDelete: "restore" } },
            });
            emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes = "never_on_login";
            const declared = { id: SAMPLE.okta, name: "okta-workforce", strategy: "okta", tokenIds: {}, config: config!["okta-workforce"] };
            const report = connectionReport(declared, emu.state, [
                entry("PATCH", `/api/v2/connections/${SAMPLE.okta}`),
                entry("GET", "/x"),
            ]);
            assert.deepEqual(report.profileSync, { mode: "never_on_login", onDelete: "restore" });
            assert.deepEqual(report.requests, { total: 1, writes: 1, throttled: 0 });
        } finally {
            await emu.close();
        }
    });

    it("ends with a verdict that names the preview's changes when there are some", () => {
        const none = { total: 0, writes: 0, throttled: 0 };
        const base = { connections: [], up: none, upShared: none, preview: { total: 4, writes: 0, throttled: 0 } };
        assert.equal(
            summaryLines({ ...base, previewChanges: { same: 13 } }).at(-1),
            "Preview after up: no changes (4 requests, 0 writes).",
        );
        assert.match(summaryLines({ ...base, previewChanges: { same: 12, update: 1 } }).at(-1)!, /^Preview after up: CHANGES update 1/);
    });
});

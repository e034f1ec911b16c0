import * as assert from "node:assert/strict";
import { ledgerTotal, parsePprofTop, SAVE_FRAME, saveParts, stateLedger } from "../../benchmarks/engine-profile";

const SAVE = SAVE_FRAME;

/** The head and a few rows of `go tool pprof -top -cum`, as the Go toolchain prints them. */
const PPROF_TOP = [
    "File: pulumi",
    "Type: cpu",
    "Duration: 85.49s, Total samples = 1.15mins (80.87%)",
    "Showing nodes accounting for 52.43s, 75.83% of 69.14s total",
    "      flat  flat%   sum%        cum   cum%",
    `         0     0%     0%     56.91s 82.31%  ${SAVE}`,
    "    14.28s 20.65% 20.89%     14.28s 20.65%  crypto/md5.block",
    "     0.01s 0.014% 20.90%      850ms  1.23%  crypto/md5.(*digest).Write (inline)",
    "         0     0% 20.90%     0.40ms  0.01%  crypto/md5.(*digest).Write",
    "",
].join("\n");

describe("Reading the engine CLI's profile", () => {
    it("reads the total and each frame's cumulative seconds, whatever unit pprof printed", () => {
        const top = parsePprofTop(PPROF_TOP);
        assert.ok(Math.abs(top.totalS - 69) < 1e-9, `${top.totalS}`);
        assert.equal(top.cumS.get(SAVE), 56.91);
        assert.equal(top.cumS.get("crypto/md5.block"), 14.28);
    });

    it("counts a frame listed as inlined under its own name, keeping the larger time of a name listed twice", () => {
        assert.equal(parsePprofTop(PPROF_TOP).cumS.get("crypto/md5.(*digest).Write"), 0.85);
    });

    it("reads a profile with no samples, which pprof totals as a bare 0", () => {
        assert.equal(parsePprofTop("Type: cpu\nDuration: 1.2s, Total samples = 0 \n").totalS, 0);
    });

    it("refuses text that is not pprof's top output", () => {
        assert.throws(() => parsePprofTop("go: no such tool"), /Total samples/);
    });

    it("takes writing the state from the whole profile and its parts from the profile focused on it, 0 where a frame never showed", () => {
        const whole = parsePprofTop(PPROF_TOP);
        const focused = parsePprofTop(
            [
                "Total samples = 56.91s",
                "     0     0%     0%     20.5s 36.02%  encoding/json.(*Encoder).Encode",
                `     0     0%     0%     56.91s 100%  ${SAVE}`,
            ].join("\n"),
        );
        const parts = saveParts(whole, focused);
        assert.deepEqual(
            parts.map((p) => [p.part, p.s]),
            [
                ["writing the state after each step", 56.91],
                ["of which JSON encoding", 20.5],
                ["of which MD5 of each file written", 0],
                ["of which copying the last state to .bak", 0],
                ["of which the integrity check", 0],
            ],
        );
    });
});

describe("Splitting a state file by who put its characters there", () => {
    const provider = 'exports.handler = __f0;\nvar __p = {kind: "ProfileSync"};';
    const dynamic = {
        urn: "urn:pulumi:s::p::auth0-connection-sync:index:ConnectionSync$pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync::okta-profile-sync",
        custom: true,
        type: "pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync",
        inputs: { __provider: provider, connectionId: "con_1", mode: "on_first_login" },
        outputs: { __provider: provider, connectionId: "con_1", liveMode: "on_first_login" },
        stackTrace: [{ sourcePosition: "project:///components/ProfileSync.ts#34,9" }],
    };
    const component = {
        urn: "urn:pulumi:s::p::auth0-connection-sync:index:ConnectionSync::okta",
        type: "auth0-connection-sync:index:ConnectionSync",
        outputs: { connectionId: "con_1" },
    };
    const state = JSON.stringify({ version: 3, checkpoint: { latest: { resources: [dynamic, dynamic, component] } } });

    it("adds up to each resource's own characters, the stored provider's key included", () => {
        const rows = stateLedger(state);
        const profileSync = rows.find((r) => r.kind === "ProfileSync");
        assert.ok(profileSync);
        assert.equal(profileSync.resources, 2);
        assert.equal(
            profileSync.storedProvider + profileSync.inputs + profileSync.outputs + profileSync.engine,
            2 * JSON.stringify(dynamic).length,
        );
        assert.equal(profileSync.storedProvider, 2 * 2 * `"__provider":${JSON.stringify(provider)},`.length);
        assert.equal(profileSync.inputs, 2 * JSON.stringify({ connectionId: "con_1", mode: "on_first_login" }).length);
    });

    it("puts a component's outputs under outputs and the rest under the engine's fields", () => {
        const row = stateLedger(state).find((r) => r.kind === "ConnectionSync");
        assert.deepEqual(row, {
            kind: "ConnectionSync",
            resources: 1,
            storedProvider: 0,
            inputs: 0,
            outputs: JSON.stringify(component.outputs).length,
            engine: JSON.stringify(component).length - JSON.stringify(component.outputs).length,
        });
    });

    it("lists the largest kind first and totals every kind", () => {
        const rows = stateLedger(state);
        assert.deepEqual(
            rows.map((r) => r.kind),
            ["ProfileSync", "ConnectionSync"],
        );
        const total = ledgerTotal(rows);
        assert.equal(total.resources, 3);
        assert.equal(
            total.storedProvider + total.inputs + total.outputs + total.engine,
            2 * JSON.stringify(dynamic).length + JSON.stringify(component).length,
        );
    });
});

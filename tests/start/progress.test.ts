import * as assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { earlierAttemptsKeptMessage, warn } from "../../components/provider/token-messages";
import { progressLine } from "../../scripts/start/progress";

/** What a dynamic provider's `warn` writes to its stderr (it has no engine connection, as in this test process). */
function providerStderr(message: string): string {
    const written: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        written.push(`${args.map(String).join(" ")}\n`);
    };
    try {
        warn(message);
    } finally {
        console.warn = original;
    }
    return written.join("");
}

/** The events the engine makes of a provider's stderr: one `info#err` diagnostic per line, on no resource. */
function stderrEvents(text: string): EngineEvent[] {
    return text
        .split(/(?<=\n)/)
        .filter((line) => line.trim() !== "")
        .map((message, i) => ({
            sequence: i,
            timestamp: 0,
            diagnosticEvent: { message, color: "never", severity: "info#err", streamID: 7 },
        }));
}

describe("npm start progress lines", () => {
    it("shows a dynamic provider's warning, which reaches the engine as a stderr line, as a warning", () => {
        const message = earlierAttemptsKeptMessage(
            "con_x",
            "tok_1",
            { askedAt: "2026-12-02T08:00:00.000Z", until: "2026-12-02T08:00:05.000Z", baseline: [] },
            new Error("the tenant did not answer"),
        );
        const events = stderrEvents(providerStderr(message));
        assert.equal(events.length, 1, "the warning is one line");
        assert.equal(events[0].diagnosticEvent?.message.startsWith("warning: "), true, events[0].diagnosticEvent?.message);
        assert.equal(progressLine(events[0]), `warning: ${message}\n`);
        // As the engine (v3.259.0) reported a dynamic provider's `pulumi.log.warn` in a recorded `pulumi up`.
        const recorded: EngineEvent = {
            sequence: 9,
            timestamp: 0,
            diagnosticEvent: { message: "warning: [runtime] a settle could not finish\n\n", color: "never", severity: "info#err" },
        };
        assert.equal(progressLine(recorded), "warning: a settle could not finish\n");
    });

    it("keeps other stderr lines and infos out of the default view, and shows the engine's warnings and errors on their resource", () => {
        const [other] = stderrEvents("(node:4242) some runtime notice about warning: levels\n");
        assert.equal(progressLine(other), undefined);
        const info: EngineEvent = {
            sequence: 1,
            timestamp: 0,
            diagnosticEvent: { message: "warning: looks like one\n", color: "never", severity: "info" },
        };
        assert.equal(progressLine(info), undefined);
        const urn = "urn:pulumi:local::auth0-connection-sync::pulumi-nodejs:dynamic:Resource::okta-scim-token";
        const engineWarning: EngineEvent = {
            sequence: 2,
            timestamp: 0,
            diagnosticEvent: { urn, message: "a token lifetime was capped\n", color: "never", severity: "warning" },
        };
        assert.equal(progressLine(engineWarning), "warning (okta-scim-token): a token lifetime was capped\n");
        const error: EngineEvent = {
            sequence: 3,
            timestamp: 0,
            diagnosticEvent: { message: "update failed\n", color: "never", severity: "error" },
        };
        assert.equal(progressLine(error), "error: update failed\n");
    });

    it("shows one line per finished operation on a setting, and none for an unchanged one or a component", () => {
        const op = (type: string, kind: "create" | "same"): EngineEvent => ({
            sequence: 4,
            timestamp: 0,
            resOutputsEvent: { metadata: { op: kind, urn: `urn:pulumi:local::p::${type}::okta-profile-sync`, type, provider: "" } },
        });
        assert.equal(
            progressLine(op("pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync", "create")),
            "  create  ProfileSync okta-profile-sync\n",
        );
        assert.equal(progressLine(op("pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync", "same")), undefined);
        assert.equal(progressLine(op("auth0-connection-sync:index:ConnectionSync", "create")), undefined);
    });
});

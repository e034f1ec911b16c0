import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { getApi } from "../../management-api/client";
import { settingsFromConfig } from "../../management-api/settings";
import { declareConnections } from "../../program/declare";
import { apiCalls, SAMPLE, startForProvider } from "../helpers/api";

/** Runs the program's declaration against the emulator and returns its error text. */
async function programError(config: unknown): Promise<string> {
    return declareConnections(config, getApi()).then(
        () => assert.fail("expected the program to refuse the config"),
        (e: unknown) => String(e),
    );
}

describe("The program's checks before any write", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => emu.clearJournal());

    it("refuses a bad config with no API call at all, though it holds a working client", async () => {
        const message = await programError({ "okta-workforce": { profileSync: "sometimes", scim: { mapping: [{ auth0: "email" }] } } });
        assert.match(
            message,
            /connections\.okta-workforce\.profileSync: must be one of on_each_login, on_first_login, never_on_login \(got "sometimes"\)/,
        );
        assert.match(message, /connections\.okta-workforce\.scim\.mapping\[0\]\.scim: is required/);
        assert.deepEqual(apiCalls(emu.journal), []);
    });

    it("refuses an unknown name after one list read, suggesting the close one, and writes nothing", async () => {
        const message = await programError({ "okta-workfroce": { profileSync: "on_first_login" } });
        assert.match(
            message,
            /connections\.okta-workfroce: no connection with this name or id in the tenant; did you mean "okta-workforce"\?/,
        );
        assert.deepEqual(
            apiCalls(emu.journal).map((e) => `${e.method} ${e.path}`),
            ["GET /api/v2/connections"],
        );
    });

    it("refuses one connection declared twice, by name and by id, naming both keys", async () => {
        const message = await programError({
            "okta-workforce": { profileSync: "on_first_login" },
            [SAMPLE.okta]: { profileSync: "never_on_login" },
        });
        assert.match(
            message,
            new RegExp(`connections\\.${SAMPLE.okta}: is the same connection \\(${SAMPLE.okta}\\) as connections\\.okta-workforce`),
        );
        assert.ok(apiCalls(emu.journal).every((e) => e.method === "GET"));
    });

    for (const bad of ["1e10", "0.0001", "0", "-5", "fast", "1500.5"]) {
        it(`refuses requestTimeoutMs ${bad}, naming the key and the range`, () => {
            assert.throws(
                () => settingsFromConfig((key) => (key === "auth0-connection-sync:requestTimeoutMs" ? bad : undefined)),
                /auth0-connection-sync:requestTimeoutMs must be a whole number of milliseconds from 100 to 600000/,
            );
        });
    }

    it("accepts a sane requestTimeoutMs and uses it", () => {
        const settings = settingsFromConfig((key) => (key === "auth0-connection-sync:requestTimeoutMs" ? "2500" : undefined));
        assert.equal(settings.timeoutMs, 2500);
    });

    it("refuses maxRateLimitWaitMs outside its range", () => {
        assert.throws(
            () => settingsFromConfig((key) => (key === "auth0-connection-sync:maxRateLimitWaitMs" ? "10" : undefined)),
            /maxRateLimitWaitMs must be a whole number of milliseconds from 1000 to 900000/,
        );
    });
});

import * as assert from "node:assert/strict";
import { ManagementClient } from "auth0";
import type { RunningEmulator } from "../../emulator";
import { createApi } from "../../management-api/client";
import { resolveCredentials } from "../../management-api/settings";
import { SAMPLE, SAMPLE_TOKEN, startForProvider, emulatorFetch } from "../helpers/api";

/**
 * Why our transport owns retries and the SDK's are switched off: left to itself, the official SDK
 * retries every method on 5xx, POST included. When a gateway fails *after* Auth0 created a SCIM
 * token, the SDK's retry creates a second one, which nobody will ever revoke.
 */
describe("Official SDK retries", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());

    const fault = () =>
        emu.setFaults([{ method: "POST", path: "/scim-configuration/tokens$", kind: "status-after-processing", status: 503, times: 1 }]);

    it("re-send a POST after a 503, creating a duplicate SCIM token (the reason we turn them off)", async function () {
        this.timeout(10_000);
        // The tenant allows two active tokens per connection: start from none, whatever ran before.
        emu.state.scimTokens[SAMPLE.samlp] = [];
        fault();
        // The SDK with its own retries, on a fetch that only adds trust in the emulator's CA.
        const caFetch: typeof fetch = (input, init) => {
            const url = new URL(input instanceof Request ? input.url : String(input));
            return emulatorFetch(emu, `${url.pathname}${url.search}`, init);
        };
        const sdk = new ManagementClient({ domain: emu.domain, token: SAMPLE_TOKEN, fetch: caFetch });
        await sdk.connections.scimConfiguration.tokens.create(SAMPLE.samlp, { scopes: ["get:users"] });
        assert.equal(emu.state.scimTokens[SAMPLE.samlp].length, 2, "one request meant, two tokens minted");
    });

    it("are off in our client, which creates at most one token and reports the failure", async () => {
        // The tenant allows two active tokens per connection: start from none.
        emu.state.scimTokens[SAMPLE.samlp] = [];
        fault();
        await assert.rejects(createApi(resolveCredentials()).createScimToken(SAMPLE.samlp, { scopes: ["get:users"] }), /failed with 503/);
        assert.equal(emu.state.scimTokens[SAMPLE.samlp].length, 1);
    });
});

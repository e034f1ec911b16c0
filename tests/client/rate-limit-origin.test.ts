import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { getApi } from "../../management-api/client";
import { isAuth0ApiError, isAuth0RateLimit } from "../../management-api/errors";
import { SAMPLE, startForProvider, useEmulator } from "../helpers/api";

const TOKENS_PATH = "/scim-configuration/tokens$";

/** What a token POST (sent once, whatever the answer) failed with. */
async function tokenPostFailure(): Promise<unknown> {
    return getApi()
        .createScimToken(SAMPLE.samlp, { scopes: ["get:users"] })
        .then(
            () => assert.fail("expected the POST to fail"),
            (err: unknown) => err,
        );
}

describe("Client: who answered a 429", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider({ rateLimit: { rate: 50, burst: 50 } });
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.state.scimTokens[SAMPLE.samlp] = [];
    });

    it("tells Auth0's own 429 (with its x-ratelimit headers) from a gateway's (without them), keeping the API's message", async () => {
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "status", status: 429, times: 1 }]);
        const auth0 = await tokenPostFailure();
        assert.ok(isAuth0ApiError(auth0), String(auth0));
        assert.equal(auth0.status, 429);
        assert.equal(isAuth0RateLimit(auth0), true);
        assert.match(
            auth0.message,
            new RegExp(`POST /api/v2/connections/${SAMPLE.samlp}/scim-configuration/tokens failed with 429: Injected fault`),
        );
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "status", status: 429, gateway: true, times: 1 }]);
        const gateway = await tokenPostFailure();
        assert.ok(isAuth0ApiError(gateway), String(gateway));
        assert.equal(gateway.status, 429);
        assert.equal(isAuth0RateLimit(gateway), false);
        assert.equal(gateway.message, auth0.message);
    });

    it("says a request that kept meeting Auth0's own 429 came from its rate limiter, after its retries", async () => {
        emu.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "status", status: 429 }]);
        try {
            const err = await getApi()
                .listScimTokens(SAMPLE.samlp)
                .then(
                    () => assert.fail("expected the listing to fail"),
                    (e: unknown) => e,
                );
            assert.equal(isAuth0RateLimit(err), true, String(err));
            assert.ok(emu.journal.filter((e) => e.method === "GET" && e.status === 429).length > 1, "retried first");
        } finally {
            emu.setFaults([]);
        }
    });
});

import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { scimTokenProvider as tokens } from "../../components/provider/scimToken";
import { resetProcessState } from "../../components/provider/process";
import { createApi } from "../../management-api/client";
import { unsafePaths } from "../../management-api/json-fidelity";
import { newPacerState, observeResponse } from "../../management-api/pacer";
import { redact } from "../../management-api/redact";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { SAMPLE, SAMPLE_TOKEN, startForProvider } from "../helpers/api";
import { answer, hostileProxy } from "../helpers/hostile-proxy";

const CONN_PATH = `/api/v2/connections/${SAMPLE.okta}`;

describe("Found by a hostile review", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startEmulator();
    });
    after(() => emu.close());
    afterEach(() => resetProcessState());

    it("a 429 asking for an hour blocks no later request past the cap", async function () {
        this.timeout(15_000);
        const proxy = await hostileProxy(emu, (s) => (s.path === CONN_PATH ? answer(429, "{}", { "retry-after": "3600" }) : undefined));
        try {
            storeSettings({ domain: proxy.url, apiToken: SAMPLE_TOKEN, maxRateLimitWaitMs: 1000 });
            const api = createApi(resolveCredentials());
            // Blocked for the hour, the second call would meet the test's timeout: only a hang reaches it.
            for (let i = 0; i < 2; i++) await assert.rejects(api.getConnection(SAMPLE.okta), /asked us to wait 3600 s/);
            assert.deepEqual(
                proxy.seen.map((s) => s.path),
                [CONN_PATH, CONN_PATH],
                "each call asked the server once: the first 429 held no later request back",
            );
        } finally {
            await proxy.close();
        }
    });

    it("a redirect leaves no request hanging behind it", async function () {
        this.timeout(15_000);
        const proxy = await hostileProxy(emu, (s) =>
            s.path === CONN_PATH ? answer(302, "", { location: "https://elsewhere.example/x" }) : undefined,
        );
        try {
            storeSettings({ domain: proxy.url, apiToken: SAMPLE_TOKEN });
            const api = createApi(resolveCredentials());
            const results = await Promise.allSettled([1, 2, 3].map(() => api.getConnection(SAMPLE.okta)));
            assert.deepEqual(
                results.map((r) => r.status),
                ["rejected", "rejected", "rejected"],
            );
        } finally {
            await proxy.close();
        }
    });

    it("reads a number literal of any length whole, and ends on a malformed text", () => {
        const long = `1.${"0".repeat(450)}1`;
        assert.deepEqual(unsafePaths(`{"options":{"precise":${long},"x":"y"}}`).length, 1);
        assert.throws(() => unsafePaths('{"options":{"a":"never closed'), SyntaxError);
    });

    it("never lets repeated 429s slow the pacer below the free-tier rate", () => {
        const s = newPacerState(0);
        for (let i = 0; i < 40; i++) observeResponse(s, { limit: 1, remaining: 0, reset: 1 }, 429, undefined, i * 10, i * 10);
        assert.ok(s.rate >= 2 / 1000, `rate ${s.rate * 1000}/s`);
    });

    it("redacts the credentials in use, trimmed, and those from the environment", () => {
        const env = process.env.AUTH0_CLIENT_SECRET;
        try {
            storeSettings({ domain: "t.example", clientId: "cid", clientSecret: "s3cr3t-value\n" });
            process.env.AUTH0_CLIENT_SECRET = "env-secret-value";
            const text = redact("echo: s3cr3t-value and env-secret-value");
            assert.equal(text, "echo: [redacted] and [redacted]");
        } finally {
            if (env === undefined) delete process.env.AUTH0_CLIENT_SECRET;
            else process.env.AUTH0_CLIENT_SECRET = env;
        }
    });
});

describe("Restore after a PATCH that failed but was carried out", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());

    it("records the value from before our write, not our own", async () => {
        emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes = "never_on_login";
        emu.setFaults([{ method: "PATCH", path: `^${CONN_PATH}$`, kind: "status-after-processing", status: 503, times: 1 }]);
        const { outs } = await ps.create({ connectionId: SAMPLE.okta, mode: "on_first_login", onDelete: "restore" });
        emu.setFaults([]);
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "on_first_login");
        await ps.delete(SAMPLE.okta, outs);
        assert.equal(emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes, "never_on_login");
    });
});

describe("A token whose SCIM configuration was deleted out of band", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());

    it("previews as re-issued, not as a failure", async () => {
        emu.state.scimTokens[SAMPLE.samlp] = [];
        const { outs } = await tokens.create({ connectionId: SAMPLE.samlp, scopes: ["get:users"] });
        delete emu.state.scimConfigurations[SAMPLE.samlp];
        delete emu.state.scimTokens[SAMPLE.samlp];
        const diff = await tokens.diff(outs.tokenId, outs, { connectionId: SAMPLE.samlp, scopes: ["get:users"] });
        assert.deepEqual(diff.replaces, ["tokenId"]);
    });
});

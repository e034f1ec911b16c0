import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { createApi } from "../../management-api/client";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { answer, hostileProxy, type HostileProxy } from "../helpers/hostile-proxy";
import { SAMPLE, SAMPLE_CLIENT, SAMPLE_TOKEN } from "../helpers/api";

const CONN_PATH = `/api/v2/connections/${SAMPLE.okta}`;
/** An access token as Auth0 issues them (a JWT), not among the configured credentials. */
const ISSUED = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsb2NhbC1jbGllbnRAY2xpZW50cyJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";

/** Everything of an error that can reach a log or the engine's output. */
function everything(err: unknown): string {
    assert.ok(err instanceof Error, String(err));
    return [String(err), err.message, err.stack ?? "", JSON.stringify(err), JSON.stringify(Object.entries(err))].join("\n");
}

describe("An API error body that echoes a credential", () => {
    let emu: RunningEmulator;
    let proxy: HostileProxy | undefined;
    before(async () => {
        emu = await startEmulator();
    });
    after(() => emu.close());
    afterEach(async () => {
        await proxy?.close();
        proxy = undefined;
        resetProcessState();
    });

    /** Answers the connection GET with `status` and a body that quotes the credentials in use. */
    async function failingCall(status: number, creds: { apiToken: string } | typeof SAMPLE_CLIENT): Promise<string> {
        // The access token the client sends: the static one, or the one the token endpoint issues.
        const bearer = "apiToken" in creds ? creds.apiToken : ISSUED;
        const secret = "clientSecret" in creds ? creds.clientSecret : creds.apiToken;
        const message = `request refused: secret ${secret} with Authorization: Bearer ${bearer} (token ${bearer})`;
        const echo = answer(status, JSON.stringify({ statusCode: status, error: "Bad Request", message }));
        const issue = answer(200, JSON.stringify({ access_token: ISSUED, token_type: "Bearer", expires_in: 86400 }));
        proxy = await hostileProxy(emu, (s) => (s.path === CONN_PATH ? echo : s.path === "/oauth/token" ? issue : undefined));
        resetProcessState();
        storeSettings({ domain: proxy.url, ...creds });
        const err = await createApi(resolveCredentials(), { errorRetries: 0 })
            .getConnection(SAMPLE.okta)
            .then(
                () => assert.fail("expected the call to fail"),
                (e: unknown) => e,
            );
        const text = everything(err);
        assert.match(text, /request refused: secret \[redacted\] with Authorization: (Bearer )?\[redacted\] \(token \[redacted\]\)/);
        for (const credential of [secret, bearer]) assert.ok(!text.includes(credential), `${credential} leaked: ${text}`);
        return text;
    }

    it("keeps the client secret and the access token out of the error, its stack and its JSON", async () => {
        const text = await failingCall(400, SAMPLE_CLIENT);
        assert.match(text, /GET \/api\/v2\/connections\/\S+ failed with 400/);
        assert.deepEqual(
            proxy?.seen.map((s) => s.path),
            ["/oauth/token", CONN_PATH],
            "the client sent the issued token, which the echo quoted",
        );
    });

    it("keeps a static API token out of the error", async () => {
        await failingCall(403, { apiToken: SAMPLE_TOKEN });
    });

    it("keeps them out of an error a 5xx answer left behind too", async () => {
        await failingCall(503, SAMPLE_CLIENT);
    });
});

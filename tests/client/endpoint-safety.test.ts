import * as assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { createApi } from "../../management-api/client";
import { isAuth0ApiError, isNoResponse } from "../../management-api/errors";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { SAMPLE, SAMPLE_CLIENT } from "../helpers/api";

/** A loopback server that answers every request with a redirect, counting what it saw. */
async function redirectingServer(location: string): Promise<{ server: Server; url: string; hits: string[] }> {
    const hits: string[] = [];
    const server = createServer((req, res) => {
        hits.push(`${req.method} ${req.url} auth=${req.headers.authorization ? "yes" : "no"}`);
        res.writeHead(302, { location }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe("Endpoint safety over TLS", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startEmulator({ tls: true });
    });
    after(async () => {
        resetProcessState();
        await emu.close();
    });
    beforeEach(() => resetProcessState());

    it("refuses a certificate it was not told to trust, before sending anything", async () => {
        emu.clearJournal();
        storeSettings({ domain: emu.url, apiToken: "local-admin-token" });
        const err = await createApi(resolveCredentials())
            .getConnection(SAMPLE.okta)
            .then(
                () => assert.fail("expected a TLS failure"),
                (e: unknown) => e,
            );
        assert.ok(isNoResponse(err), String(err));
        assert.match(String(err), /certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
        assert.deepEqual(emu.journal, [], "no request reached the server");
    });

    it("talks https to the emulator when given its CA, with no loopback exception", async () => {
        storeSettings({ domain: emu.url, apiToken: "local-admin-token", caCertificate: emu.ca });
        const conn = await createApi(resolveCredentials()).getConnection(SAMPLE.okta);
        assert.equal(conn.id, SAMPLE.okta);
        assert.ok(emu.url.startsWith("https://"));
    });
});

describe("Redirects", () => {
    it("are refused with a clear error: the client secret never follows one", async () => {
        const target = await redirectingServer("http://127.0.0.2:9/elsewhere");
        const elsewhere = await redirectingServer("http://127.0.0.1:1/never");
        try {
            storeSettings({ domain: target.url, ...SAMPLE_CLIENT });
            const err = await createApi(resolveCredentials())
                .getConnection(SAMPLE.okta)
                .then(
                    () => assert.fail("expected the redirect to be refused"),
                    (e: unknown) => e,
                );
            assert.ok(isAuth0ApiError(err), String(err));
            assert.match(err.message, /refused to follow a redirect to http:\/\/127\.0\.0\.2:9: the Management API never redirects/);
            assert.doesNotMatch(err.message, /local-secret/);
            // Only the token request reached the tenant host, once; nothing was re-sent anywhere.
            assert.deepEqual(target.hits, ["POST /oauth/token auth=no"]);
            assert.deepEqual(elsewhere.hits, []);
        } finally {
            target.server.close();
            elsewhere.server.close();
            resetProcessState();
        }
    });
});

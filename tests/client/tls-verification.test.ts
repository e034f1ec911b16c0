import * as assert from "node:assert/strict";
import { rootCertificates } from "node:tls";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { createApi } from "../../management-api/client";
import { isNoResponse } from "../../management-api/errors";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { SAMPLE, SAMPLE_CLIENT } from "../helpers/api";

/** The error a first request ends with (the test fails if it succeeds). */
async function failureOf(): Promise<unknown> {
    return createApi(resolveCredentials())
        .getConnection(SAMPLE.okta)
        .then(
            () => assert.fail("expected a TLS failure"),
            (e: unknown) => e,
        );
}

describe("TLS verification cannot be switched off from outside", () => {
    let emu: RunningEmulator;
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

    before(async () => {
        emu = await startEmulator({ tls: true });
    });
    after(async () => {
        resetProcessState();
        await emu.close();
    });
    beforeEach(() => {
        resetProcessState();
        emu.clearJournal();
        // What corporate shells and CI images set: Node then skips verification by default.
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    });
    afterEach(() => {
        if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    });

    it("refuses an untrusted certificate with NODE_TLS_REJECT_UNAUTHORIZED=0: the client secret is never sent", async () => {
        storeSettings({ domain: emu.url, ...SAMPLE_CLIENT });
        const err = await failureOf();
        assert.ok(isNoResponse(err), String(err));
        assert.match(String(err), /certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
        assert.deepEqual(emu.journal, [], "no request, the token request with the secret included, reached the server");
    });

    it("trusts only the configured CA: another CA does not widen trust to the tenant's certificate", async () => {
        // A real root CA that did not sign the emulator's certificate.
        storeSettings({ domain: emu.url, ...SAMPLE_CLIENT, caCertificate: rootCertificates[0] });
        const err = await failureOf();
        assert.match(String(err), /certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
        assert.deepEqual(emu.journal, []);
    });

    it("still talks to the tenant whose CA is configured", async () => {
        storeSettings({ domain: emu.url, ...SAMPLE_CLIENT, caCertificate: emu.ca });
        const conn = await createApi(resolveCredentials()).getConnection(SAMPLE.okta);
        assert.equal(conn.id, SAMPLE.okta);
    });
});

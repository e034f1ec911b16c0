import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { X509Certificate } from "node:crypto";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ADMIN_TOKEN } from "../helpers/emulator-client";

interface HttpsAnswer {
    status: number;
    body: unknown;
}

/** One HTTPS request with node:https, trusting exactly `ca` (or the system store when undefined). */
function httpsCall(url: string, options: { ca?: string; method?: string; body?: unknown; servername?: string } = {}): Promise<HttpsAnswer> {
    return new Promise((resolve, reject) => {
        const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
        const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
        if (payload !== undefined) headers["content-type"] = "application/json";
        const { ca, servername } = options;
        const req = request(url, { method: options.method ?? "GET", ca, servername, headers, agent: false }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text === "" ? undefined : JSON.parse(text) }));
        });
        req.on("error", reject);
        req.end(payload);
    });
}

describe("Emulator TLS", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ tls: true });
    });
    after(() => emulator.close());

    it("serves https on 127.0.0.1 and hands out the CA as PEM and as a file a client can trust", async () => {
        assert.equal(emulator.url, `https://127.0.0.1:${emulator.port}`);
        assert.match(String(emulator.ca), /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\s*$/);
        assert.ok(new X509Certificate(String(emulator.ca)).ca);
        assert.ok(emulator.caFile !== undefined && existsSync(emulator.caFile));
        const fromFile = readFileSync(String(emulator.caFile), "utf8");
        assert.equal(fromFile, emulator.ca);
        const res = await httpsCall(`${emulator.url}/api/v2/connections?fields=id`, { ca: fromFile });
        assert.equal(res.status, 200);
    });

    it("answers an https request from a client that trusts the CA", async () => {
        const res = await httpsCall(`${emulator.url}/api/v2/connections`, { ca: emulator.ca });
        assert.equal(res.status, 200);
        assert.equal((res.body as unknown[]).length, 6);
    });

    it("is also valid for the name localhost", async () => {
        // Connects to 127.0.0.1 but checks the certificate against the name, whatever localhost resolves to here.
        const res = await httpsCall(`${emulator.url}/api/v2/connections?fields=id`, { ca: emulator.ca, servername: "localhost" });
        assert.equal(res.status, 200);
    });

    it("fails the handshake with a certificate error for a client that does not trust the CA", async () => {
        const before = emulator.journal.length;
        await assert.rejects(httpsCall(`${emulator.url}/api/v2/connections`), (error: NodeJS.ErrnoException) => {
            assert.match(String(error.code), /UNABLE_TO_VERIFY|SELF_SIGNED|CERT/);
            return true;
        });
        // The request never got past TLS, so the API saw nothing.
        assert.equal(emulator.journal.length, before);
    });

    it("issues tokens for the https audience", async () => {
        const res = await httpsCall(`${emulator.url}/oauth/token`, {
            ca: emulator.ca,
            method: "POST",
            body: {
                grant_type: "client_credentials",
                client_id: "local-client",
                client_secret: "local-secret",
                audience: `https://${emulator.domain}/api/v2/`,
            },
        });
        assert.equal(res.status, 200);
        assert.equal((res.body as { token_type: string }).token_type, "Bearer");
    });

    it("is trusted by a Node process given the CA file through NODE_EXTRA_CA_CERTS", async function () {
        this.timeout(15000);
        const script = `fetch(${JSON.stringify(`${emulator.url}/api/v2/connections`)}, { headers: { authorization: "Bearer ${ADMIN_TOKEN}" } })
            .then((r) => console.log(r.status), (e) => { console.log(String(e.cause?.code ?? e)); process.exit(1); });`;
        const out = await new Promise<string>((resolve, reject) => {
            execFile(
                process.execPath,
                ["-e", script],
                { env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caFile } },
                (error, stdout) => (error === null ? resolve(stdout.trim()) : reject(new Error(`${error.message}: ${stdout}`))),
            );
        });
        assert.equal(out, "200");
    });

    it("shares one CA between emulators of the same process, and removes each CA file on close", async () => {
        const second = await startEmulator({ tls: true });
        const file = String(second.caFile);
        try {
            assert.equal(second.ca, emulator.ca);
            assert.notEqual(file, emulator.caFile);
            const res = await httpsCall(`${second.url}/api/v2/connections`, { ca: emulator.ca });
            assert.equal(res.status, 200);
            assert.ok(existsSync(file));
        } finally {
            await second.close();
        }
        assert.ok(!existsSync(file));
        assert.ok(existsSync(String(emulator.caFile)));
    });
});

describe("Emulator without TLS", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("stays plain http by default, with no CA", async () => {
        assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(emulator.ca, undefined);
        assert.equal(emulator.caFile, undefined);
        const res = await fetch(`${emulator.url}/api/v2/connections`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        assert.equal(res.status, 200);
    });
});

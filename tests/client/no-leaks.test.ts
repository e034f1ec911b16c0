import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * A process that used the client: one read that works, one answered 404, one refused before any
 * answer (a certificate it was not told to trust). Nothing here calls process.exit.
 */
const SCRIPT = `
const { startEmulator } = require("./emulator");
const { createApi } = require("./management-api/client");
const { resolveCredentials, storeSettings } = require("./management-api/settings");
(async () => {
    const emu = await startEmulator({ tls: true });
    storeSettings({ domain: emu.url, apiToken: "local-admin-token", caCertificate: emu.ca });
    const trusted = createApi(resolveCredentials());
    await trusted.listConnections();
    const missing = await trusted.getConnection("con_doesnotexist0000").catch((e) => e.status);
    storeSettings({ domain: emu.url, apiToken: "local-admin-token" });
    const refused = await createApi(resolveCredentials()).getConnection("con_x").catch((e) => e.name);
    await emu.close();
    console.log(JSON.stringify({ missing, refused }));
})();
`;

describe("A process that used the client", () => {
    let child: ChildProcess | undefined;
    // A hung child must not outlive the test that gave up on it.
    afterEach(() => {
        if (child?.exitCode === null && child.signalCode === null) child.kill();
    });

    it("exits on its own once its work is done, also after a request that got no answer", async function () {
        // Only a hang reaches this: the leaked SDK timer kept the process alive for an hour.
        this.timeout(60_000);
        const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", SCRIPT], { cwd: ROOT });
        child = proc;
        let out = "";
        let err = "";
        proc.stdout.on("data", (d) => {
            out += String(d);
        });
        proc.stderr.on("data", (d) => {
            err += String(d);
        });
        const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
        assert.equal(code, 0, err);
        assert.deepEqual(JSON.parse(out), { missing: 404, refused: "Auth0NoResponseError" });
    });
});

import * as assert from "node:assert/strict";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { runExport } from "../../scripts/export";
import { credentialsConfig } from "../helpers/root-stack";
import { projectStack, requireEngine, type TestStack } from "../helpers/pulumi";

const CREDENTIAL_VARS = ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN"];

describe("Export credentials: --stacks-dir secrets are decrypted from the given folder", function () {
    this.timeout(120_000);
    let emu: RunningEmulator;
    let t: TestStack;
    const env = { ...process.env };

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        // A stack that exists only in a throwaway backend, its file (secret encrypted) outside the checkout.
        t = await projectStack({ bin, stackName: "export-secrets", config: credentialsConfig(emu) });
    });
    after(async () => {
        process.env = env;
        resetProcessState();
        t?.cleanup();
        await emu?.close();
    });

    it("reads the encrypted client secret of the file in --stacks-dir", async () => {
        process.env = { ...env, ...t.env };
        for (const k of CREDENTIAL_VARS) delete process.env[k];
        resetProcessState();
        const dir = path.join(t.workDir, "stacks");
        const logs: string[] = [];
        await runExport(["--stack", "export-secrets", "--stacks-dir", dir, "--strategy", "okta"], (s) => logs.push(s), {
            caCertificate: emu.ca,
        });
        assert.match(logs[0], /with credentials from the stack config in .*Pulumi\.export-secrets\.yaml$/);
        assert.ok(
            emu.journal.some((e) => e.path === "/oauth/token" && e.status === 200),
            JSON.stringify(emu.journal),
        );
    });
});

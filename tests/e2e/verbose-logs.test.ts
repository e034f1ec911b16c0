import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { projectStack, requireEngine, runPulumi, type TestStack } from "../helpers/pulumi";
import { emulatorEnv } from "../helpers/root-stack";

/**
 * `pulumi preview -v=9 --logtostderr` logs every property the engine marshals, the providers'
 * configuration (the whole stack config, `secure:` values decrypted) included. Credentials given as
 * AUTH0_* variables never enter the stack config, so the engine never holds them and cannot log
 * them (README, "Credentials"). One engine run shows both: a secret of the stack config is printed,
 * the client secret from the environment is not.
 */
describe("Verbose engine logs with credentials from the environment", function () {
    this.timeout(300_000);
    let emu: RunningEmulator;
    let t: TestStack;
    let bin: string;
    const secret = `verbose-secret-${randomBytes(12).toString("hex")}`;
    /** A secret that does sit in the stack config: the witness that -v=9 prints such values. */
    const canary = `verbose-canary-${randomBytes(12).toString("hex")}`;

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        // A machine-to-machine client whose secret is unique to this run, so any trace of it is ours.
        const [local] = emu.state.clients;
        emu.state.clients.push({ ...local, client_id: "verbose-client", client_secret: secret });
        t = await projectStack({
            bin,
            stackName: "verbose",
            // The stack names its tenant; the credentials themselves stay in the environment.
            config: { "auth0:domain": { value: emu.url }, "verbose-canary:value": { value: canary, secret: true } },
            objects: { "auth0-connection-sync:connections": { "okta-workforce": { profileSync: "on_first_login" } } },
            extraEnv: { ...emulatorEnv(emu), AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: "verbose-client", AUTH0_CLIENT_SECRET: secret },
        });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("previews at -v=9 without the client secret anywhere in the output", async () => {
        const out = await runPulumi(bin, ["preview", "-v=9", "--logtostderr", "--stack", "verbose"], { cwd: t.workDir, env: t.env });
        const all = `${out.stdout}\n${out.stderr}`;
        assert.equal(out.code, 0, out.stderr.slice(-4000));
        // The run really logged at level 9 and really used the secret.
        assert.match(out.stderr, /Marshaling property for RPC/);
        assert.match(out.stderr, /auth0:domain/, "the providers' configuration is logged");
        assert.ok(
            emu.journal.some((e) => e.path === "/oauth/token" && e.status === 200),
            "the program authenticated with the client secret",
        );
        assert.ok(all.includes(canary), "a secret of the stack config is printed at -v=9 (the engine's Configure inputs)");
        assert.ok(!all.includes(secret), "the client secret is in the verbose output");
    });
});

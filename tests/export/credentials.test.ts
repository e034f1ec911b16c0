import * as assert from "node:assert/strict";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { runExport } from "../../scripts/export";
import { exportFails, stackFile } from "./helpers";

const CREDENTIAL_VARS = ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN"];

/** A stack file for `domain` holding the sample tenant's client id and a plain secret. */
function clientStackFile(domain: string): string {
    return `config:\n  auth0:domain: ${domain}\n  auth0:clientId: local-client\n  auth0:clientSecret: local-secret\n`;
}

describe("Export credentials: resolved as the program resolves them", () => {
    let emu: RunningEmulator;
    /** Another tenant, over plain http so that anything sent to it would arrive and be journaled. */
    let other: RunningEmulator;
    const env = { ...process.env };

    before(async () => {
        emu = await startEmulator({ tls: true });
        other = await startEmulator();
    });
    after(async () => {
        process.env = env;
        resetProcessState();
        await emu.close();
        await other.close();
    });
    beforeEach(() => {
        process.env = { ...env };
        for (const k of CREDENTIAL_VARS) delete process.env[k];
        resetProcessState();
        emu.clearJournal();
        other.clearJournal();
    });

    it("refuses a stale AUTH0_DOMAIN instead of sending the stack file's secret to it, naming both tenants", async () => {
        const { dir } = stackFile("dev", clientStackFile(emu.url));
        process.env.AUTH0_DOMAIN = other.url;
        const { message } = await exportFails(emu, ["--stack", "dev", "--stacks-dir", dir]);
        assert.match(message, new RegExp(`auth0:domain names ${emu.url}.* but AUTH0_DOMAIN names ${other.url}`));
        assert.doesNotMatch(message, /local-secret/);
        assert.deepEqual(other.journal, [], "nothing reached the other tenant");
        assert.deepEqual(emu.journal, []);
    });

    it("refuses a full set of AUTH0_* variables for another tenant instead of merging it into the stack's file", async () => {
        const { dir, read } = stackFile("dev", clientStackFile(emu.url));
        const before = read();
        Object.assign(process.env, { AUTH0_DOMAIN: other.url, AUTH0_API_TOKEN: "local-admin-token" });
        const { message } = await exportFails(emu, ["--stack", "dev", "--stacks-dir", dir, "--write"]);
        assert.match(message, /refusing to guess which tenant is meant/);
        assert.doesNotMatch(message, /local-admin-token|local-secret/);
        assert.equal(read(), before, "the stack file is untouched");
        assert.deepEqual(other.journal, []);
    });

    it("uses the stack file's credentials whole and says which tenant it read", async () => {
        const { dir } = stackFile("dev", clientStackFile(emu.url));
        const logs: string[] = [];
        await runExport(["--stack", "dev", "--stacks-dir", dir, "--strategy", "okta"], (s) => logs.push(s), { caCertificate: emu.ca });
        assert.equal(
            logs[0],
            `reading tenant ${emu.domain} with credentials from the stack config in ${path.relative(process.cwd(), path.join(dir, "Pulumi.dev.yaml"))}`,
        );
        assert.ok(
            emu.journal.some((e) => e.path === "/oauth/token"),
            "authenticated with the file's client",
        );
    });

    it("uses the environment's set when the stack file names the same tenant and holds no credential", async () => {
        const { dir } = stackFile("dev", `config:\n  auth0:domain: ${emu.url}\n`);
        Object.assign(process.env, { AUTH0_DOMAIN: emu.url, AUTH0_API_TOKEN: "local-admin-token" });
        const logs: string[] = [];
        await runExport(["--stack", "dev", "--stacks-dir", dir, "--strategy", "okta"], (s) => logs.push(s), { caCertificate: emu.ca });
        assert.equal(logs[0], `reading tenant ${emu.domain} with credentials from the AUTH0_* environment variables`);
    });

    it("never pairs the stack file's domain with a secret from the environment", async () => {
        const { dir } = stackFile("dev", `config:\n  auth0:domain: ${emu.url}\n`);
        process.env.AUTH0_API_TOKEN = "local-admin-token";
        const { message } = await exportFails(emu, ["--stack", "dev", "--stacks-dir", dir]);
        assert.match(message, /Auth0 domain missing: set AUTH0_DOMAIN, the tenant AUTH0_API_TOKEN belongs to/);
        assert.deepEqual(emu.journal, []);
    });

    it("never pairs the environment's domain with a secret from the stack file", async () => {
        const { dir } = stackFile("dev", "config:\n  auth0:clientId: local-client\n  auth0:clientSecret: local-secret\n");
        process.env.AUTH0_DOMAIN = other.url;
        const { message } = await exportFails(emu, ["--stack", "dev", "--stacks-dir", dir]);
        assert.match(message, /Auth0 domain missing: set the stack config auth0:domain, the tenant auth0:clientSecret belongs to/);
        assert.deepEqual(other.journal, []);
    });
});

import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { directoryProvisioningProvider } from "../../components/provider/directoryProvisioning";
import { profileSyncProvider } from "../../components/provider/profileSync";
import { resetProcessState } from "../../components/provider/process";
import { scimConfigurationProvider } from "../../components/provider/scimConfiguration";
import { scimTokenProvider } from "../../components/provider/scimToken";
import { storeSettings } from "../../management-api/settings";
import { thinProvider } from "../../components/provider/loader";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../..");
const KINDS = ["ProfileSync", "ScimConfiguration", "ScimToken", "DirectoryProvisioning"] as const;

/** Runs the serialized provider's check() in a fresh node process started in `cwd`. */
function checkInFreshProcess(serialized: string, cwd: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "thin-provider-"));
    try {
        writeFileSync(path.join(dir, "provider.js"), serialized);
        const script =
            `require(${JSON.stringify(path.join(dir, "provider.js"))}).handler()` +
            `.check({}, { connectionId: "con_x", mode: "bogus" })` +
            `.then((r) => console.log(JSON.stringify(r.failures)), (e) => console.log("ERROR " + e.message));`;
        return execFileSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" }).trim();
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const providers = { profileSyncProvider, scimConfigurationProvider, scimTokenProvider, directoryProvisioningProvider };

describe("Provider serialization", () => {
    after(() => resetProcessState());

    for (const [name, provider] of Object.entries(providers)) {
        it(`serializes ${name} with only modules, functions and constants captured`, async function () {
            this.timeout(30_000);
            // Credentials in process memory must not leak into the serialized closure.
            storeSettings({
                domain: "tenant.example.com",
                clientId: "cid-value",
                clientSecret: "very-secret-value",
                apiToken: "token-value",
            });
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            assert.ok(text.includes('require("auth0")'), "the SDK is required by name, not copied");
            assert.ok(text.includes('require("zod")'));
            for (const secret of ["very-secret-value", "token-value", "cid-value"]) {
                assert.ok(!text.includes(secret), `serialized provider contains ${secret}`);
            }
        });
    }

    describe("the loader the engine stores", () => {
        for (const kind of KINDS) {
            it(`keeps ${kind}'s stored closure small and free of credentials`, async function () {
                this.timeout(30_000);
                storeSettings({
                    domain: "tenant.example.com",
                    clientId: "cid-value",
                    clientSecret: "very-secret-value",
                    apiToken: "token-value",
                });
                const provider = thinProvider(kind);
                const { text } = await pulumi.runtime.serializeFunction(() => provider);
                assert.ok(text.length < 8_000, `${text.length} characters`);
                assert.ok(!text.includes('require("auth0")'), "the loader must not carry the client");
                for (const secret of ["very-secret-value", "token-value", "cid-value"]) {
                    assert.ok(!text.includes(secret), `serialized provider contains ${secret}`);
                }
            });
        }

        it("hands out one object per kind, so the SDK serializes each kind once per program, not once per resource", () => {
            for (const kind of KINDS) assert.equal(thinProvider(kind), thinProvider(kind));
            assert.notEqual(thinProvider("ProfileSync"), thinProvider("ScimToken"));
        });

        it("loads the real provider in a fresh process started in the checkout, in a folder below it, or where the package is installed", async function () {
            this.timeout(60_000);
            const provider = thinProvider("ProfileSync");
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            const expected = /"property":"mode","reason":"must be one of on_each_login, on_first_login, never_on_login/;
            assert.match(checkInFreshProcess(text, REPO_ROOT), expected);
            assert.match(checkInFreshProcess(text, path.join(REPO_ROOT, "components")), expected);
            const consumer = mkdtempSync(path.join(tmpdir(), "consumer-"));
            try {
                mkdirSync(path.join(consumer, "node_modules"));
                symlinkSync(REPO_ROOT, path.join(consumer, "node_modules", "auth0-connection-sync"));
                assert.match(checkInFreshProcess(text, consumer), expected);
            } finally {
                rmSync(consumer, { recursive: true, force: true });
            }
        });

        it("says what to install when the package is nowhere to be found", async function () {
            this.timeout(30_000);
            const provider = thinProvider("ProfileSync");
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            const elsewhere = mkdtempSync(path.join(tmpdir(), "no-package-"));
            try {
                assert.equal(
                    checkInFreshProcess(text, elsewhere),
                    `ERROR cannot load the auth0-connection-sync provider: the package is not installed where the Pulumi program runs (${elsewhere}). ` +
                        "Run npm ci (or npm install auth0-connection-sync) in the program's directory and try again.",
                );
            } finally {
                rmSync(elsewhere, { recursive: true, force: true });
            }
        });
    });
});

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
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../..");
const KINDS = ["ProfileSync", "ScimConfiguration", "ScimToken", "DirectoryProvisioning"] as const;
/** What release 0.1.0 stored for each kind (the same fixture the upgrade test writes into state). */
const RELEASE_0_1_0_LOADERS: Record<string, string> = JSON.parse(
    readFileSync(path.join(REPO_ROOT, "tests/e2e/fixtures/stored-loaders-0.1.0.json"), "utf8"),
);

/**
 * Runs the serialized provider in a fresh node process started in `cwd` as the engine's host does:
 * `handler()`, then `configure()` once, then `check()` on the same object. Each step that fails
 * prints its error.
 */
function checkInFreshProcess(serialized: string, cwd: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), "thin-provider-"));
    try {
        writeFileSync(path.join(dir, "provider.js"), serialized);
        const script =
            `const p = require(${JSON.stringify(path.join(dir, "provider.js"))}).handler();` +
            `const check = () => p.check({}, { connectionId: "con_x", mode: "bogus" });` +
            `p.configure({ config: { get: () => undefined } })` +
            `.catch((e) => console.log("CONFIGURE " + e.message))` +
            `.then(check)` +
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
            // A captured Set or Map is copied as a plain object carrying the prototype's methods,
            // which throw on it: every call through such a stored provider (earlier versions' state) fails.
            assert.doesNotMatch(text, /global\.(Set|Map|WeakSet|WeakMap)\.prototype/, "a module-level Set or Map is captured");
        });
    }

    it("serves a call from the whole token provider, as earlier versions stored it, in a fresh process", async function () {
        this.timeout(60_000);
        // Module values are copied into the serialized text: run state kept in a module's WeakMap broke every call.
        const { text } = await pulumi.runtime.serializeFunction(() => scimTokenProvider, { allowSecrets: true });
        // Inside the checkout, as the host's working folder is: the text requires packages by name.
        mkdirSync(path.join(REPO_ROOT, ".e2e"), { recursive: true });
        const dir = mkdtempSync(path.join(REPO_ROOT, ".e2e", "whole-provider-"));
        try {
            writeFileSync(path.join(dir, "provider.js"), text);
            const token = JSON.stringify({ connectionId: "con_x", scopes: ["get:users"] });
            const script =
                `require(${JSON.stringify(path.join(dir, "provider.js"))}).handler().check(${token}, ${token})` +
                `.then((r) => console.log(JSON.stringify(r.failures)), (e) => console.log("ERROR " + e.message));`;
            // Credentials from the environment, as a run without stack config has them; no request is sent.
            const env = { ...process.env, AUTH0_DOMAIN: "tenant.example.com", AUTH0_API_TOKEN: "token-value" };
            assert.equal(execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, env, encoding: "utf8" }).trim(), "[]");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

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
                // Stored twice per resource and rewritten with the whole state after every step.
                const release010 = RELEASE_0_1_0_LOADERS[kind] ?? "";
                assert.ok(text.length < 2_100, `${text.length} characters`);
                assert.ok(
                    text.length < release010.length * 0.75,
                    `${text.length} characters against ${release010.length} in release 0.1.0`,
                );
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

        it("fails every method, rather than reading a missing one as done, while configure() has not run", async () => {
            const provider = thinProvider("ScimToken");
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            const dir = mkdtempSync(path.join(tmpdir(), "thin-provider-"));
            try {
                writeFileSync(path.join(dir, "provider.js"), text);
                const fresh = require(path.join(dir, "provider.js")).handler() as pulumi.dynamic.ResourceProvider;
                const calls: Array<[string, () => Promise<unknown> | undefined]> = [
                    ["check", () => fresh.check?.({}, {})],
                    ["diff", () => fresh.diff?.("id", {}, {})],
                    ["create", () => fresh.create({})],
                    ["read", () => fresh.read?.("id", {})],
                    ["update", () => fresh.update?.("id", {}, {})],
                    ["delete", () => fresh.delete?.("id", {})],
                ];
                for (const [name, call] of calls) {
                    await assert.rejects(async () => call(), /provider not loaded/, name);
                }
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("says what to install when the package is nowhere to be found", async function () {
            this.timeout(30_000);
            const provider = thinProvider("ProfileSync");
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            const elsewhere = mkdtempSync(path.join(tmpdir(), "no-package-"));
            try {
                // The host keeps the provider object although configure() failed: check() must fail too.
                assert.equal(
                    checkInFreshProcess(text, elsewhere),
                    `CONFIGURE cannot load the auth0-connection-sync provider: it is not installed where the Pulumi program runs (${elsewhere}). Run npm ci there.\n` +
                        "ERROR auth0-connection-sync: provider not loaded: its configure() failed (the first error says why) or the host never called it (@pulumi/pulumi before November 2024)",
                );
            } finally {
                rmSync(elsewhere, { recursive: true, force: true });
            }
        });
    });
});

import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Config } from "@pulumi/pulumi/cmd/dynamic-provider/config";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { thinProvider } from "../../components/provider/loader";
import { resetProcessState } from "../../components/provider/process";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { SAMPLE, SAMPLE_TOKEN } from "../helpers/api";

const REPO_ROOT = path.resolve(__dirname, "../..");
const RELEASE_0_1_0: Record<string, string> = JSON.parse(
    readFileSync(path.join(REPO_ROOT, "tests/e2e/fixtures/stored-loaders-0.1.0.json"), "utf8"),
);

/** The stack config with a typo: a rate-limit wait below its minimum. */
function configWithTypo(domain: string): pulumi.dynamic.ConfigureRequest {
    const values: Record<string, string> = {
        "auth0:domain": domain,
        "auth0:apiToken": SAMPLE_TOKEN,
        "auth0-connection-sync:maxRateLimitWaitMs": "500",
    };
    // What the engine's dynamic-provider host hands configure().
    return { config: new Config(values, "auth0-connection-sync") };
}

/** What a resource of `kind` stores now, deserialized (a fresh object, as in the host's process). */
async function storedNow(kind: "ScimToken" | "ProfileSync"): Promise<pulumi.dynamic.ResourceProvider> {
    const provider = thinProvider(kind);
    return deserialize((await pulumi.runtime.serializeFunction(() => provider)).text);
}

/** A stored provider as the engine's host deserializes it (requireFromString of the stored text). */
function deserialize(text: string): pulumi.dynamic.ResourceProvider {
    const dir = mkdtempSync(path.join(tmpdir(), "stored-provider-"));
    try {
        writeFileSync(path.join(dir, "provider.js"), text);
        return require(path.join(dir, "provider.js")).handler();
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const TOKEN_PROPS = { connectionId: SAMPLE.samlp, scopes: ["get:users"], tokenId: "tok_1", token: "x", createdAt: "" };

describe("A configure() that fails (a typo in the stack config)", () => {
    let stackTenant: RunningEmulator;
    let shellTenant: RunningEmulator;
    const saved = { domain: process.env.AUTH0_DOMAIN, token: process.env.AUTH0_API_TOKEN };

    before(async () => {
        stackTenant = await startEmulator({});
        shellTenant = await startEmulator({});
    });
    beforeEach(() => {
        resetProcessState();
        storeSettings({});
        // A developer's shell naming another tenant: it must never be used instead of the stack's.
        process.env.AUTH0_DOMAIN = shellTenant.url;
        process.env.AUTH0_API_TOKEN = SAMPLE_TOKEN;
        stackTenant.clearJournal();
        shellTenant.clearJournal();
    });
    after(async () => {
        for (const [key, value] of [
            ["AUTH0_DOMAIN", saved.domain],
            ["AUTH0_API_TOKEN", saved.token],
        ] as const) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        storeSettings({});
        resetProcessState();
        await stackTenant.close();
        await shellTenant.close();
    });

    it("leaves the stored provider failing every method with no request sent, rather than serving with no settings", async () => {
        const thin = await storedNow("ScimToken");
        await assert.rejects(() => thin.configure!(configWithTypo(stackTenant.url)), /maxRateLimitWaitMs must be a whole number/);
        await assert.rejects(async () => thin.read!("tok_1", TOKEN_PROPS), /provider not loaded: its configure\(\) failed/);
        await assert.rejects(async () => thin.delete!("tok_1", TOKEN_PROPS), /provider not loaded/);
        assert.equal(shellTenant.journal.length + stackTenant.journal.length, 0, "no request anywhere");
    });

    it("keeps release 0.1.0's stored loader from falling back to the shell's tenant as well", async () => {
        const stored = deserialize(RELEASE_0_1_0.ScimToken);
        await assert.rejects(() => stored.configure!(configWithTypo(stackTenant.url)), /maxRateLimitWaitMs must be a whole number/);
        // Its forwarders call the real provider whatever configure did: the settings layer refuses.
        await assert.rejects(async () => stored.delete!("tok_1", TOKEN_PROPS), /maxRateLimitWaitMs must be a whole number/);
        await assert.rejects(async () => stored.read!("tok_1", TOKEN_PROPS), /maxRateLimitWaitMs must be a whole number/);
        assert.deepEqual(
            shellTenant.journal.map((e) => `${e.method} ${e.path}`),
            [],
            "nothing went to the tenant the shell names",
        );
    });

    it("lets good settings stored later replace the failure", async () => {
        const thin = await storedNow("ProfileSync");
        await assert.rejects(() => thin.configure!(configWithTypo(stackTenant.url)));
        assert.throws(() => resolveCredentials(), /maxRateLimitWaitMs/);
        delete process.env.AUTH0_DOMAIN;
        delete process.env.AUTH0_API_TOKEN;
        storeSettings({ domain: stackTenant.url, apiToken: SAMPLE_TOKEN });
        assert.equal(resolveCredentials().host, new URL(stackTenant.url).host);
    });
});

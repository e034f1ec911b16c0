import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { directoryProvisioningProvider } from "../../components/provider/directoryProvisioningProvider";
import { profileSyncProvider } from "../../components/provider/profileSyncProvider";
import { resetProcessState } from "../../components/provider/runtime";
import { scimConfigurationProvider } from "../../components/provider/scimConfigurationProvider";
import { scimTokenProvider } from "../../components/provider/scimTokenProvider";
import { storeSettings } from "../../components/provider/settings";

const providers = { profileSyncProvider, scimConfigurationProvider, scimTokenProvider, directoryProvisioningProvider };

describe("Provider serialization", () => {
    after(() => resetProcessState());

    for (const [name, provider] of Object.entries(providers)) {
        it(`serializes ${name} with only modules, functions and constants captured`, async function () {
            this.timeout(30_000);
            // Credentials in process memory must not leak into the serialized closure.
            storeSettings({ domain: "tenant.example.com", clientId: "cid-value", clientSecret: "very-secret-value", apiToken: "token-value" });
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            assert.ok(text.includes('require("auth0")'), "the SDK is required by name, not copied");
            assert.ok(text.includes('require("zod")'));
            for (const secret of ["very-secret-value", "token-value", "cid-value"]) {
                assert.ok(!text.includes(secret), `serialized provider contains ${secret}`);
            }
        });
    }
});

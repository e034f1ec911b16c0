import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator, type Seed } from "../../emulator";
import { call, EVERY_SCOPE, SAMPLE, type Json } from "../helpers/emulator-client";

describe("Emulator sample seed", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("is tenant sample with a client and a static token holding every scope", () => {
        assert.equal(emulator.state.tenant, "sample");
        assert.deepEqual(
            emulator.state.clients.map((c) => [c.client_id, c.client_secret]),
            [["local-client", "local-secret"]],
        );
        assert.deepEqual([...emulator.state.clients[0].scopes].sort(), [...EVERY_SCOPE].sort());
        const token = emulator.state.tokens.find((t) => t.token === "local-admin-token");
        assert.deepEqual([...(token?.scopes ?? [])].sort(), [...EVERY_SCOPE].sort());
    });

    it("holds the six connections with con_ ids and their strategies", () => {
        const connections = Object.values(emulator.state.connections);
        assert.deepEqual(
            connections.map((c) => [c.name, c.strategy]),
            [
                ["okta-workforce", "okta"],
                ["acme-saml", "samlp"],
                ["contoso-entra", "waad"],
                ["google-workspace", "google-apps"],
                ["Username-Password-Authentication", "auth0"],
                ["email", "email"],
            ],
        );
        for (const c of connections) assert.match(c.id, /^con_[A-Za-z0-9]{16}$/);
    });

    it("carries rich options: certificates, nested objects and unknown keys", () => {
        const saml = emulator.state.connections[SAMPLE.samlp].options ?? {};
        assert.match(String(saml.signingCert), /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
        assert.equal(typeof saml.fieldsMap, "object");
        assert.ok("x_custom_flag" in saml);
        const waad = emulator.state.connections[SAMPLE.waad].options ?? {};
        assert.equal(waad.set_user_root_attributes, "on_first_login");
        assert.equal(typeof waad.app_domain, "object");
        const google = emulator.state.connections[SAMPLE.google].options ?? {};
        assert.equal(google.api_enable_users, true);
        assert.equal(google.ext_groups, true);
        const db = emulator.state.connections[SAMPLE.database].options ?? {};
        assert.deepEqual(Object.keys(db.mfa as Json).sort(), ["active", "return_enroll_settings"]);
        assert.equal(typeof db.password_complexity_options, "object");
    });

    it("has SCIM on acme-saml only and no directory provisioning yet", () => {
        assert.deepEqual(Object.keys(emulator.state.scimConfigurations), [SAMPLE.samlp]);
        assert.deepEqual(emulator.state.directoryProvisionings, {});
        assert.equal(emulator.state.directoryProvisioningEnabled, true);
    });
});

describe("Emulator custom seeds", () => {
    const seed: Seed = {
        tenant: "custom",
        tokens: [{ token: "t", scopes: ["read:connections", "read:scim_config", "read:directory_provisionings"] }],
        connections: [
            { id: "con_AAAAAAAAAAAAAAAA", name: "s", strategy: "samlp", options: { a: 1 } },
            { id: "con_BBBBBBBBBBBBBBBB", name: "g", strategy: "google-apps" },
        ],
        scim_configurations: { con_AAAAAAAAAAAAAAAA: {} },
        directory_provisionings: { con_BBBBBBBBBBBBBBBB: { synchronize_groups: "all" } },
    };
    let dir: string;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "emulator-seed-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("fills seeded SCIM and directory configurations the way the API would", async () => {
        const emulator = await startEmulator({ seed });
        try {
            const scim = await call(emulator, "GET", "/api/v2/connections/con_AAAAAAAAAAAAAAAA/scim-configuration", { token: "t" });
            assert.equal(scim.body.tenant_name, "custom");
            assert.equal(scim.body.connection_name, "s");
            assert.equal(scim.body.user_id_attribute, "externalId");
            assert.equal((scim.body.mapping as Json[]).length, 32);
            assert.equal(typeof scim.body.updated_on, "string");
            const dirConfig = await call(emulator, "GET", "/api/v2/connections/con_BBBBBBBBBBBBBBBB/directory-provisioning", {
                token: "t",
            });
            assert.equal(dirConfig.body.synchronize_groups, "all");
            assert.equal(dirConfig.body.synchronize_automatically, false);
            assert.equal((dirConfig.body.mapping as Json[]).length, 51);
        } finally {
            await emulator.close();
        }
    });

    it("never writes back into the seed object it was given", async () => {
        const emulator = await startEmulator({ seed });
        try {
            emulator.state.connections.con_AAAAAAAAAAAAAAAA.name = "renamed";
            assert.equal(seed.connections?.[0].name, "s");
        } finally {
            await emulator.close();
        }
    });

    it("loads a seed from a JSON file path", async () => {
        const file = join(dir, "seed.json");
        writeFileSync(file, JSON.stringify(seed));
        const emulator = await startEmulator({ seed: file });
        try {
            assert.equal(emulator.state.tenant, "custom");
            const list = await call<Json[]>(emulator, "GET", "/api/v2/connections", { token: "t" });
            assert.deepEqual(
                list.body.map((c) => c.name),
                ["s", "g"],
            );
        } finally {
            await emulator.close();
        }
    });

    it("refuses a seed whose configurations point at unknown connections", async () => {
        const bad: Seed = { tenant: "bad", scim_configurations: { con_nope: {} } };
        await assert.rejects(startEmulator({ seed: bad }), /unknown connection/);
    });
});

import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createApi } from "../../management-api/client";
import { type RunningEmulator, type Seed, startEmulator } from "../../emulator";
import { SAMPLE_SEED_PATH } from "../../emulator";
import { PLACEHOLDER } from "../../scripts/rehearse/redact";
import { readOnly, takeSnapshot } from "../../scripts/rehearse/snapshot";
import { tokenWithScopes } from "../helpers/api";
import { SAMPLE_TOKEN } from "../helpers/sample";

/** Known secret values, planted where a tenant keeps them (nested, under odd keys, PEM by shape). */
const SECRETS = {
    clientSecret: "okta-PLANTED-client-secret-7731",
    password: "Planted-Password-99!",
    nestedKey: "planted-nested-signing-key-4410",
    pem: "-----BEGIN RSA PRIVATE KEY-----\nMIIPLANTEDbodyOfAPrivateKey0123456789abcdefABCDEF\n-----END RSA PRIVATE KEY-----\n",
    adminToken: "ya29.planted-admin-access-token",
    scimToken: "tok_PLANTED.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ticket: "https://planted-ticket-host/p/samlp/PlantedProvisioningTicket42",
    dbSetting: "planted-custom-db-setting-value",
    pgp: "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGPlantedPgpPrivateBody0123456789\n-----END PGP PRIVATE KEY BLOCK-----\n",
};

function plantedSeed(): Seed {
    const seed = JSON.parse(readFileSync(SAMPLE_SEED_PATH, "utf8")) as Seed;
    const byName = (n: string) => (seed.connections ?? []).find((c) => c.name === n);
    const okta = byName("okta-workforce");
    const saml = byName("acme-saml");
    const google = byName("google-workspace");
    assert.ok(okta?.options && saml?.options && google?.options);
    okta.options.client_secret = SECRETS.clientSecret;
    okta.options.upstream_params = { login_hint: { value: "x" }, deep: { signing: { signing_key: SECRETS.nestedKey } } };
    saml.options.x_vendor_blob = SECRETS.pem;
    saml.options.bind_password = SECRETS.password;
    google.options.admin_access_token = SECRETS.adminToken;
    google.options.x_vendor_pgp = SECRETS.pgp;
    okta.options.configuration = { SETTING: SECRETS.dbSetting };
    saml.provisioning_ticket_url = SECRETS.ticket;
    seed.scim_tokens = {
        [saml.id ?? ""]: [
            { token_id: "tok_planted0001", token: SECRETS.scimToken, scopes: ["get:users"], created_at: "2026-01-01T00:00:00.000Z" },
        ],
    };
    return seed;
}

describe("rehearse snapshot", () => {
    let live: RunningEmulator;
    beforeEach(async () => {
        live = await startEmulator({ seed: plantedSeed() });
    });
    afterEach(() => live.close());

    const api = () => createApi({ kind: "token", token: SAMPLE_TOKEN, host: live.domain, scheme: "http", timeoutMs: 5000 });

    it("holds none of the tenant's secret values, and says which values it replaced", async () => {
        const snap = await takeSnapshot(readOnly(api()), "dev", ["okta-workforce", "acme-saml", "google-workspace"]);
        const text = JSON.stringify(snap);
        for (const [what, value] of Object.entries(SECRETS)) {
            assert.ok(!text.includes(value), `${what} is in the snapshot`);
            // No fragment long enough to mean something either (the PEM's body, the token's hex); the
            // PEM armour lines are kept on purpose, they say what kind of key it was.
            for (const part of value.split(/[\n.]/).filter((p) => p.length >= 12 && !p.startsWith("-----")))
                assert.ok(!text.includes(part), `part of ${what} is in the snapshot`);
        }
        assert.ok(snap.placeholders.includes("connections[okta-workforce].options.upstream_params.deep.signing.signing_key"));
        assert.ok(snap.placeholders.includes("connections[acme-saml].options.x_vendor_blob"));
        assert.ok(snap.placeholders.includes("connections[acme-saml].provisioning_ticket_url"));
        assert.ok(!text.includes(SAMPLE_TOKEN), "the credential is in the snapshot");
    });

    it("gives a replaced value a fixed placeholder and keeps every other option as it is", async () => {
        const snap = await takeSnapshot(readOnly(api()), "dev", ["okta-workforce"]);
        const okta = snap.connections.find((c) => typeof c === "object" && c !== null && !Array.isArray(c) && c.name === "okta-workforce");
        assert.ok(okta && typeof okta === "object" && !Array.isArray(okta));
        const options = okta.options as Record<string, unknown>;
        assert.equal(options.client_secret, PLACEHOLDER);
        assert.equal(options.domain, "acme-corp.okta.com");
        assert.equal(options.x_okta_legacy_flag, true);
    });

    it("lists the connections it does not declare by id, name and strategy only", async () => {
        const snap = await takeSnapshot(readOnly(api()), "dev", ["contoso-entra"]);
        assert.equal(snap.connections.length, 6);
        const others = snap.connections.filter((c) => typeof c === "object" && c !== null && !Array.isArray(c) && c.listed_only === true);
        assert.equal(others.length, 5);
        for (const c of others) assert.deepEqual(Object.keys(c ?? {}).sort(), ["id", "listed_only", "name", "strategy"]);
    });

    it("only reads the tenant: every request it makes is a GET", async () => {
        await takeSnapshot(readOnly(api()), "dev", ["okta-workforce", "acme-saml", "google-workspace", "contoso-entra"]);
        assert.ok(live.journal.length > 0);
        assert.deepEqual([...new Set(live.journal.map((e) => e.method))], ["GET"]);
    });

    it("fails, naming the scope, when the credentials cannot read the options", async () => {
        const token = tokenWithScopes(live, ["read:connections", "read:scim_config", "read:scim_token", "read:directory_provisionings"]);
        const limited = createApi({ kind: "token", token, host: live.domain, scheme: "http", timeoutMs: 5000 });
        await assert.rejects(
            takeSnapshot(readOnly(limited), "dev", ["okta-workforce"]),
            /okta-workforce: the credentials lack the read:connections_options scope/,
        );
    });

    it("fails with the API's message when a read is refused (a scope missing)", async () => {
        const token = tokenWithScopes(live, ["read:connections", "read:connections_options"]);
        const limited = createApi({ kind: "token", token, host: live.domain, scheme: "http", timeoutMs: 5000 });
        await assert.rejects(
            takeSnapshot(readOnly(limited), "dev", ["acme-saml"]),
            /Insufficient scope, expected any of: read:scim_config/,
        );
    });

    it("records token metadata without a token value", async () => {
        const snap = await takeSnapshot(readOnly(api()), "dev", ["acme-saml"]);
        const tokens = Object.values(snap.scim_tokens).flat();
        assert.deepEqual(tokens, [{ token_id: "tok_planted0001", scopes: ["get:users"], created_at: "2026-01-01T00:00:00.000Z" }]);
    });
});

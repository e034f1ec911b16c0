import * as assert from "node:assert/strict";
import { PLACEHOLDER, placeholder, redact } from "../../scripts/rehearse/redact";
import { secretFreeState } from "../../scripts/rehearse/state";

const SIG = "4dabf18193072939515e22adb298388d";
const SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIDpublicCertificateBody0123456789\n-----END CERTIFICATE-----";
const RSA = "-----BEGIN RSA PRIVATE KEY-----\nMIIEprivateRsaBody0123456789abcdef\n-----END RSA PRIVATE KEY-----";
const PGP = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGPlantedPgpSecretBody0123456789\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----\n";
const OPENSSH = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaPlantedOpensshBody0123\n-----END OPENSSH PRIVATE KEY-----";

/** The redacted object and its replaced paths, for an object input. */
function redacted(value: Record<string, unknown>): { value: Record<string, unknown>; replaced: string[]; text: string } {
    const r = redact(value);
    assert.ok(typeof r.value === "object" && r.value !== null && !Array.isArray(r.value));
    return { value: r.value, replaced: r.replaced, text: JSON.stringify(r.value) };
}

describe("rehearse redaction", () => {
    it("replaces values under credential names at any depth, and PEM private keys under any name", () => {
        const r = redact({ a: { clientSecret: "s3cret", list: [{ password: "pw1" }] }, blob: RSA, token_endpoint: "https://x" });
        assert.deepEqual(r.replaced.sort(), ["a.clientSecret", "a.list[0].password", "blob"]);
        assert.equal(JSON.stringify(r.value).includes("s3cret"), false);
        assert.ok(JSON.stringify(r.value).includes("https://x"));
    });

    it("gives every secret the same fixed placeholder, which tells neither its length nor its characters", () => {
        const r = redacted({ password: "Summer2024!", client_secret: "a-much-longer-client-secret-0123456789" });
        assert.deepEqual(r.value, { password: PLACEHOLDER, client_secret: PLACEHOLDER });
        for (const v of ["xxX0-0", "x", "0", PLACEHOLDER]) assert.notEqual(placeholder(v), v);
    });

    it("replaces the AD/LDAP connector's provisioning ticket, whatever the strategy", () => {
        const r = redacted({ id: "con_ad", strategy: "ad", provisioning_ticket_url: "https://acme.auth0.com/p/ad/PlantedTicket9f3e" });
        assert.equal(r.value.provisioning_ticket_url, PLACEHOLDER);
        assert.deepEqual(r.replaced, ["provisioning_ticket_url"]);
        assert.equal(r.value.strategy, "ad");
    });

    it("replaces a custom database's configuration and scripts whole, numbers included", () => {
        const r = redacted({
            options: {
                configuration: { DB_HOST: "db.acme.internal", ENDPOINT: "planted-config-value-77", PORT_PIN: 4242 },
                customScripts: { login: "function login(email, pw, cb) { connect('planted-script-body'); }" },
                enabledDatabaseCustomization: true,
            },
        });
        assert.ok(!/db\.acme\.internal|planted-config-value|4242|planted-script-body/.test(r.text), r.text);
        assert.deepEqual(r.value.options, {
            configuration: { DB_HOST: PLACEHOLDER, ENDPOINT: PLACEHOLDER, PORT_PIN: 0 },
            customScripts: { login: PLACEHOLDER },
            enabledDatabaseCustomization: true,
        });
    });

    it("replaces provider credentials such as Twilio's SID and token", () => {
        const r = redacted({
            options: {
                twilio_sid: "ACplanted0123",
                twilio_token: "planted-twilio-token",
                messaging_service_sid: "MGplanted",
                from: "+15550100",
            },
        });
        assert.deepEqual(r.value.options, {
            twilio_sid: PLACEHOLDER,
            twilio_token: PLACEHOLDER,
            messaging_service_sid: PLACEHOLDER,
            from: "+15550100",
        });
    });

    it("replaces private key blocks of any kind under any name, keeping their armour and a certificate beside them", () => {
        const bundle = `${CERT}\n${RSA}\n`;
        const r = redacted({ pgp: PGP, ssh: OPENSSH, bundle, encoded: Buffer.from(RSA).toString("base64") });
        for (const body of ["PlantedPgpSecretBody", "PlantedOpensshBody", "privateRsaBody", "=AbCd"])
            assert.ok(!r.text.includes(body), body);
        assert.equal(r.value.encoded, PLACEHOLDER);
        assert.match(String(r.value.pgp), /^-----BEGIN PGP PRIVATE KEY BLOCK-----\nREDACTED\n-----END PGP PRIVATE KEY BLOCK-----/);
        assert.ok(String(r.value.bundle).startsWith(`${CERT}\n-----BEGIN RSA PRIVATE KEY-----\n${PLACEHOLDER}\n`));
        assert.deepEqual(r.replaced.sort(), ["bundle", "encoded", "pgp", "ssh"]);
    });

    it("replaces a JSON Web Key's private members and a URL's password, keeping the rest", () => {
        const r = redacted({
            jwk: { kty: "RSA", kid: "k1", n: "publicModulus", e: "AQAB", d: "plantedPrivateExponent" },
            upstream: "postgres://admin:planted-db-pass@db.acme.internal/users",
        });
        assert.deepEqual(r.value.jwk, { kty: "RSA", kid: "k1", n: "publicModulus", e: "AQAB", d: PLACEHOLDER });
        assert.equal(r.value.upstream, `postgres://admin:${PLACEHOLDER}@db.acme.internal/users`);
    });

    it("keeps settings whose names look like credentials, public certificates and token settings; a key's pair goes whole", () => {
        const options = {
            passwordPolicy: "good",
            password_complexity_options: { min_length: 12 },
            password_history: { enable: true, size: 5 },
            password_dictionary: { enable: true, dictionary: ["acme", "summer2024"] },
            password_no_personal_info: { enable: true },
            authentication_methods: { password: { enabled: true, api_behavior: "required" } },
            decryptionKey: { cert: CERT, key: RSA, thumbprint: "9f86d081884c" },
            signingCert: Buffer.from(CERT).toString("base64"),
            token_endpoint: "https://idp.example.com/token",
            admin_access_token_expiresin: "2026-12-01T00:00:00.000Z",
        };
        const r = redact({ options });
        assert.deepEqual(r.replaced, ["options.decryptionKey.cert", "options.decryptionKey.key"]);
        const decryptionKey = { cert: PLACEHOLDER, key: PLACEHOLDER, thumbprint: "9f86d081884c" };
        assert.deepEqual(r.value, { options: { ...options, decryptionKey } });
    });
});

describe("rehearse state redaction", () => {
    it("keeps a stack output keyed by a connection name that reads like a credential, and still replaces the secrets under it", () => {
        const exported = {
            deployment: {
                resources: [
                    {
                        type: "pulumi:pulumi:Stack",
                        outputs: {
                            connections: {
                                "Username-Password-Authentication": {
                                    id: "con_db",
                                    name: "Username-Password-Authentication",
                                    strategy: "auth0",
                                    profileSyncMode: "on_each_login",
                                    scimTokens: {
                                        "okta-secret": {
                                            tokenId: "tok_keep",
                                            token: { [SIG]: SIG_VALUE, plaintext: JSON.stringify("tok_PLANTED") },
                                        },
                                    },
                                    client_secret: "planted-output-secret",
                                },
                            },
                        },
                    },
                ],
            },
        };
        const { state, replaced } = secretFreeState(exported);
        const text = JSON.stringify(state);
        const out = JSON.parse(text).deployment.resources[0].outputs.connections["Username-Password-Authentication"];
        assert.equal(out.strategy, "auth0");
        assert.equal(out.profileSyncMode, "on_each_login");
        assert.equal(out.scimTokens["okta-secret"].tokenId, "tok_keep");
        assert.ok(!text.includes("tok_PLANTED") && !text.includes("planted-output-secret"));
        assert.equal(replaced, 2);
    });

    it("keeps a password policy in the state and replaces a PGP private key under any name", () => {
        const { state } = secretFreeState({ deployment: { resources: [{ inputs: { passwordPolicy: "fair", blob: PGP } }] } });
        const text = JSON.stringify(state);
        assert.ok(text.includes('"passwordPolicy":"fair"'));
        assert.ok(!text.includes("PlantedPgpSecretBody"));
    });
});

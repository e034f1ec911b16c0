import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { declaredKeys, listedOnlyDeclared, parseArgs, runRehearse, stateSource } from "../../scripts/rehearse";
import type { Json } from "../../scripts/rehearse/redact";
import { parseSnapshot } from "../../scripts/rehearse/snapshot";
import { secretFreeState, twinStackFile } from "../../scripts/rehearse/state";

const SIG = "4dabf18193072939515e22adb298388d";
const SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

const STACK_FILE = `config:
  auth0:domain: acme.eu.auth0.com
  auth0:clientId: abc
  auth0:clientSecret:
    secure: v1:AAAA:BBBB
  other:token:
    secure: v1:CCCC:DDDD
  auth0-connection-sync:requestTimeoutMs: 20000
  auth0-connection-sync:connections:
    okta-workforce:
      profileSync: on_first_login
    con_NVLFL5zT7EU0vCX8:
      profileSync: never_on_login
encryptionsalt: v1:Ji190IkkdZI=:v1:61XaS2NAeUKDfyUl:LmKuou+Hc38+F/D6uBel/Tipp1kMJQ==
`;

describe("rehearse arguments", () => {
    it("defaults to the enterprise limit and a copy of the stack's state", () => {
        const a = parseArgs(["--stack", "dev"]);
        assert.deepEqual(a.rate, { rate: 16, burst: 50 });
        assert.equal(stateSource(a, {}), "backend");
    });

    it("takes a free-tier rate, its burst following the rate unless given", () => {
        assert.deepEqual(parseArgs(["--stack", "dev", "--rate", "2"]).rate, { rate: 2, burst: 2 });
        assert.deepEqual(parseArgs(["--stack", "dev", "--rate", "2", "--burst", "10"]).rate, { rate: 2, burst: 10 });
    });

    it("rehearses --from on the snapshot's state when it has one, else on an empty one", () => {
        const a = parseArgs(["--stack", "dev", "--from", "snap.json"]);
        assert.equal(stateSource(a, { state: {} }), "snapshot");
        assert.equal(stateSource(a, {}), "empty");
        assert.equal(stateSource(parseArgs(["--stack", "dev", "--from", "s.json", "--state-from-backend"]), { state: {} }), "backend");
        assert.equal(stateSource(parseArgs(["--stack", "dev", "--empty-state"]), {}), "empty");
    });

    it("refuses what it cannot do, naming the flag", () => {
        assert.throws(() => parseArgs([]), /--stack <name> is required/);
        assert.throws(() => parseArgs(["--stack", "dev", "--from", "a", "--snapshot", "b"]), /exclude each other/);
        assert.throws(() => parseArgs(["--stack", "dev", "--rate", "0"]), /--rate must be a positive number/);
        assert.throws(() => parseArgs(["--stack", "dev", "--write"]), /unknown argument --write/);
    });

    it("refuses a --from file that is not a snapshot, naming the first problem", () => {
        assert.throws(() => parseSnapshot(JSON.stringify({ tenant: "t" }), "x.json"), /x\.json is not a tenant snapshot .*\(format: /);
        assert.throws(() => parseSnapshot(JSON.stringify({ format: "auth0-tenant-snapshot", version: 2 }), "x.json"), /\(version: /);
    });

    it("refuses a snapshot taken for another stack before anything starts", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "rehearse-args-"));
        try {
            writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STACK_FILE);
            const snapshot = {
                format: "auth0-tenant-snapshot",
                version: 1,
                tenant: "acme.eu.auth0.com",
                stack: "prod",
                taken_at: "2026-12-01T00:00:00.000Z",
                read_round_trip_ms: 40,
                timed_reads: 3,
                connections: [],
                scim_configurations: {},
                scim_tokens: {},
                directory_provisionings: {},
                synchronized_groups: {},
                placeholders: [],
            };
            writeFileSync(path.join(dir, "prod.json"), JSON.stringify(snapshot));
            const printed: string[] = [];
            await assert.rejects(
                runRehearse(["--stack", "dev", "--stacks-dir", dir, "--from", path.join(dir, "prod.json")], (s) => printed.push(s)),
                /prod\.json was taken for stack prod, not dev: take one with --stack dev --snapshot FILE/,
            );
            assert.deepEqual(printed, []);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names a declared connection that a snapshot holds only as listed", () => {
        const connections: Json[] = [
            { id: "con_A", name: "okta-workforce", strategy: "okta", options: {} },
            { id: "con_NVLFL5zT7EU0vCX8", name: "contoso-entra", strategy: "waad", listed_only: true },
            { id: "con_C", name: "other", strategy: "waad", listed_only: true },
        ];
        assert.deepEqual(listedOnlyDeclared({ connections }, declaredKeys(STACK_FILE)), ["contoso-entra"]);
    });

    it("reads the declared connection keys as written, names and ids", () => {
        assert.deepEqual(declaredKeys(STACK_FILE), ["okta-workforce", "con_NVLFL5zT7EU0vCX8"]);
    });
});

describe("rehearse throwaway stack", () => {
    it("gives the twin a stack file without the real credentials, encrypted values or passphrase salt", () => {
        const { text, dropped } = twinStackFile(STACK_FILE);
        const doc = parse(text) as { config: Record<string, unknown>; encryptionsalt?: string };
        assert.deepEqual(Object.keys(doc.config), ["auth0-connection-sync:requestTimeoutMs", "auth0-connection-sync:connections"]);
        assert.equal(doc.encryptionsalt, undefined);
        assert.deepEqual(dropped, ["other:token"]);
        assert.ok(!text.includes("acme.eu.auth0.com") && !text.includes("abc"));
    });

    it("keeps no secret of an exported state, and keeps the markers and ids the engine needs", () => {
        const exported = {
            version: 3,
            deployment: {
                secrets_providers: { type: "passphrase", state: { salt: "v1:old" } },
                resources: [
                    {
                        urn: "urn:pulumi:dev::p::ScimToken::okta",
                        outputs: {
                            tokenId: "tok_keepThisId",
                            token: { [SIG]: SIG_VALUE, plaintext: JSON.stringify("tok_SECRET.0123456789abcdef") },
                            restore: { client_secret: "plain-secret-in-outputs", mode: "on_first_login" },
                        },
                    },
                ],
            },
        };
        const { state, replaced } = secretFreeState(exported);
        const text = JSON.stringify(state);
        assert.ok(!text.includes("tok_SECRET") && !text.includes("0123456789abcdef") && !text.includes("plain-secret-in-outputs"));
        assert.ok(!text.includes("secrets_providers"));
        assert.ok(text.includes("tok_keepThisId") && text.includes("on_first_login") && text.includes(SIG_VALUE));
        assert.equal(replaced, 2);
    });
});

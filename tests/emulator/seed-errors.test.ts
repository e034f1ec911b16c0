import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Seed } from "../../emulator";
import { call, type Json } from "../helpers/emulator-client";

const A = "con_AAAAAAAAAAAAAAAA";
const B = "con_BBBBBBBBBBBBBBBB";

/** A valid seed to break one piece at a time; a fresh copy each call. */
function base(): Seed {
    return {
        tenant: "broken",
        clients: [{ client_id: "c", client_secret: "s", scopes: ["read:connections"] }],
        tokens: [{ token: "t", scopes: ["read:connections", "read:scim_config"] }],
        connections: [
            { id: A, name: "saml", strategy: "samlp" },
            { id: B, name: "gw", strategy: "google-apps" },
        ],
        scim_configurations: { [A]: {} },
        directory_provisionings: { [B]: {} },
    };
}

/** Mutates a copy of the base seed; loose typing because broken seeds are the point. */
function broken(change: (seed: Record<string, Json[] | Json | string>) => void): Seed {
    const seed = base() as unknown as Record<string, Json[] | Json | string>;
    change(seed);
    return seed as unknown as Seed;
}

const token = (id: string, expiresInMs?: number) => ({
    token_id: id,
    token: `${id}.secret`,
    scopes: ["get:users"],
    created_at: "2025-01-01T00:00:00.000Z",
    ...(expiresInMs === undefined ? {} : { valid_until: new Date(Date.now() + expiresInMs).toISOString() }),
});

const CASES: Array<[string, Seed, string]> = [
    [
        "a duplicate connection id",
        broken((s) => (s.connections as Json[]).push({ id: A, name: "other", strategy: "oidc" })),
        `seed error: connections[2] (name "other"): duplicate id ${A}`,
    ],
    [
        "a duplicate connection name",
        broken((s) => (s.connections as Json[]).push({ name: "gw", strategy: "oidc" })),
        'seed error: connections[2] (name "gw"): duplicate name "gw"',
    ],
    [
        "an unknown strategy",
        broken((s) => ((s.connections as Json[])[1].strategy = "gsuite")),
        'seed error: connections[1] (name "gw"): unknown strategy "gsuite"',
    ],
    [
        "options of the wrong type",
        broken((s) => ((s.connections as Json[])[0].options = [])),
        'seed error: connections[0] (name "saml"): "options" must be object, found array',
    ],
    [
        "an id that is not con_ plus 16 characters",
        broken((s) => ((s.connections as Json[])[0].id = "con_1")),
        'seed error: connections[0] (name "saml"): id con_1 is not "con_" + 16 letters or digits',
    ],
    [
        "a client without a secret",
        broken((s) => delete (s.clients as Json[])[0].client_secret),
        'seed error: clients[0] (client_id "c"): "client_secret" must be a non-empty string, found undefined',
    ],
    ["a missing tenant", broken((s) => (s.tenant = "")), 'seed error: tenant: "tenant" must be a non-empty string, found an empty string'],
    ["an unknown top-level field", broken((s) => (s.scim_configuration = {})), "seed error: seed: unknown field(s) scim_configuration"],
    [
        "SCIM on a strategy without SCIM",
        broken((s) => ((s.scim_configurations as Json)[B] = {})),
        `seed error: scim_configurations["${B}"]: strategy google-apps does not support SCIM`,
    ],
    [
        "SCIM tokens without a SCIM configuration",
        broken((s) => {
            s.scim_configurations = {};
            s.scim_tokens = { [A]: [token("tok_1")] };
        }),
        `seed error: scim_tokens["${A}"]: connection ${A} has no scim_configurations entry`,
    ],
    [
        "three active SCIM tokens",
        broken((s) => (s.scim_tokens = { [A]: [token("tok_1"), token("tok_2", 86_400_000), token("tok_3")] })),
        `seed error: scim_tokens["${A}"]: 3 active tokens, the API allows at most 2 per connection`,
    ],
    [
        "selected groups without directory provisioning",
        broken((s) => {
            s.directory_provisionings = {};
            s.synchronized_groups = { [B]: [{ id: "g" }] };
        }),
        `seed error: synchronized_groups["${B}"]: connection ${B} has no directory_provisionings entry`,
    ],
    [
        "a duplicate selected group",
        broken((s) => (s.synchronized_groups = { [B]: [{ id: "g" }, { id: "g" }] })),
        `seed error: synchronized_groups["${B}"][1] (id "g"): duplicate group id g`,
    ],
    [
        "a selected group with a bad email",
        broken((s) => (s.synchronized_groups = { [B]: [{ id: "g", email: "nope" }] })),
        `seed error: synchronized_groups["${B}"][0] (id "g"): "email" nope is not an email address`,
    ],
];

describe("Emulator seed errors", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "emulator-seed-errors-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const [what, seed, message] of CASES) {
        it(`refuses to start on ${what}, naming the entry`, async () => {
            await assert.rejects(startEmulator({ seed }), (error: Error) => {
                assert.equal(error.message, message);
                return true;
            });
        });
    }

    it("names the file of a broken seed file", async () => {
        const file = join(dir, "broken.json");
        writeFileSync(file, JSON.stringify(CASES[0][1]));
        await assert.rejects(startEmulator({ seed: file }), (error: Error) => {
            assert.equal(error.message, `${CASES[0][2]} (in ${file})`);
            return true;
        });
    });

    it("starts and serves the same seed once it is whole, expired tokens not counting towards the limit", async () => {
        const seed = broken((s) => (s.scim_tokens = { [A]: [token("tok_1", -1000), token("tok_2"), token("tok_3", 86_400_000)] }));
        const emulator = await startEmulator({ seed });
        try {
            const res = await call<Json[]>(emulator, "GET", "/api/v2/connections", { token: "t" });
            assert.equal(res.status, 200);
            assert.deepEqual(
                res.body.map((c) => c.name),
                ["saml", "gw"],
            );
        } finally {
            await emulator.close();
        }
    });
});
